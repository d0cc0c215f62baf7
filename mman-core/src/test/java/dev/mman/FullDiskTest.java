package dev.mman;

import static dev.mman.testing.Caught.assertCaught;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mman.testing.ChildJvm;
import dev.mman.testing.ChildResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A write through a mapping into a hole of a sparse file on a full file system faults; mman must
 * say that the space ran out, not that the file was truncated. It needs a small file system of its
 * own: the test mounts a 2 MiB tmpfs, which only root may do, and says so when it cannot.
 */
class FullDiskTest {

    private static final long TMPFS_BYTES = 2 << 20;

    @TempDir
    Path dir;

    @Test
    void aWriteIntoAHoleOnAFullFileSystemSaysTheSpaceRanOut() throws Exception {
        Path mount = Files.createDirectory(dir.resolve("tiny"));
        boolean mounted = run("mount", "-t", "tmpfs", "-o", "size=" + TMPFS_BYTES, "tmpfs", mount.toString());
        if (!mounted) {
            System.out.println("FullDiskTest: cannot mount a tmpfs here (needs root); the full-disk case was not run");
        }
        assumeTrue(mounted, "mounting a tmpfs needs root");
        try {
            ChildResult child = ChildJvm.in(dir).withDefaultBackend()
                    .run(FullDiskScenario.class, mount.resolve("sparse.bin").toString(), Long.toString(4 * TMPFS_BYTES))
                    .assertCleanExit();
            for (String call : new String[] {"write", "fill"}) {
                String message = assertCaught(child, call, MMapException.class);
                assertTrue(message.contains("file system is full"), call + " must say the space ran out: " + message);
                assertTrue(!message.contains("truncated while mapped"), call + " must not blame a truncation: " + message);
            }
        } finally {
            run("umount", mount.toString());
        }
    }

    private static boolean run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        return process.waitFor() == 0;
    }
}
