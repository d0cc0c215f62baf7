package dev.mman;

import static dev.mman.testing.Caught.assertCaught;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.testing.ChildJvm;
import dev.mman.testing.ChildResult;
import dev.mman.testing.Tmpfs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A prefault that cannot fault a page in (a sparse file on a full tmpfs, as a file truncated by a
 * peer meanwhile) fails with {@link MMapException} on every backend, through {@code populate()}
 * and {@code mapAsync()}, with nothing left mapped and no prefault thread left running. Before,
 * JDK and NIO threw the JDK's raw {@link InternalError}, and a JDK {@code populate()} kept the
 * mapping forever; NATIVE gave the errno's generic EFAULT hint, now the same reason. An executor that refuses the task completes the future with an
 * {@link MMapException}; before, {@code mapAsync} threw its {@code RejectedExecutionException}.
 */
class PrefaultFaultTest {

    @TempDir
    Path dir;

    @Test
    void aPrefaultThatCannotFaultAPageInIsAnMMapExceptionOnEveryBackend() throws Exception {
        Tmpfs tmpfs = Tmpfs.mountOrSkip(Files.createDirectory(dir.resolve("tiny")), "2m");
        try {
            ChildResult child = ChildJvm.in(dir).withDefaultBackend()
                    .run(PrefaultFaultScenario.class, tmpfs.directory().toString()).assertCleanExit();
            for (Backend backend : Backend.values()) {
                for (String how : new String[] {"populate-", "async-"}) {
                    String message = assertCaught(child, how + backend.name().toLowerCase(Locale.ROOT),
                            MMapException.class);
                    assertTrue(message.contains("the file system is full"), "says why, on every backend: " + message);
                }
            }
            String advised = assertCaught(child, "madvise-native", MMapException.class);
            assertTrue(advised.contains("could not fault a page in") && advised.contains("the file system is full"),
                    advised);
            assertEquals("STILL-MAPPED 0", child.line("STILL-MAPPED "), "a failed prefault unmaps: " + child.stdout());
            String refused = assertCaught(child, "rejected", MMapException.class);
            assertTrue(refused.contains("refused the task") && refused.contains("nothing was mapped"), refused);
            assertEquals("PREFAULT-THREADS 0", child.line("PREFAULT-THREADS "), "every prefault thread ended: " + child.stdout());
        } finally {
            tmpfs.unmount();
        }
    }
}
