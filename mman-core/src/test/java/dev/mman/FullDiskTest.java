package dev.mman;

import static dev.mman.testing.Caught.assertCaught;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.testing.ChildJvm;
import dev.mman.testing.ChildResult;
import dev.mman.testing.Tmpfs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A write through a mapping into a hole of a sparse file on a full file system faults; mman must
 * say that the space ran out, not that the file was truncated. It needs a small file system of its
 * own: the test mounts a 2 MiB tmpfs ({@link Tmpfs}), which only root may do, and says so when it cannot.
 */
class FullDiskTest {

    private static final long TMPFS_BYTES = 2 << 20;

    @TempDir
    Path dir;

    @Test
    void aWriteIntoAHoleOnAFullFileSystemSaysTheSpaceRanOut() throws IOException {
        Tmpfs tiny = Tmpfs.mountOrSkip(Files.createDirectory(dir.resolve("tiny")), Long.toString(TMPFS_BYTES));
        try {
            ChildResult child = ChildJvm.in(dir).withDefaultBackend()
                    .run(FullDiskScenario.class, tiny.directory().resolve("sparse.bin").toString(),
                            Long.toString(4 * TMPFS_BYTES))
                    .assertCleanExit();
            for (String call : new String[] {"write", "fill"}) {
                String message = assertCaught(child, call, MMapException.class);
                assertTrue(message.contains("file system is full"), call + " must say the space ran out: " + message);
                assertTrue(!message.contains("truncated while mapped"), call + " must not blame a truncation: " + message);
            }
        } finally {
            tiny.unmount();
        }
    }
}
