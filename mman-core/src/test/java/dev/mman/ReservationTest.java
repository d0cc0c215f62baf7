package dev.mman;

import static dev.mman.testing.Caught.assertCaught;
import static dev.mman.testing.Caught.assertReturned;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.testing.ChildJvm;
import dev.mman.testing.ChildResult;
import dev.mman.testing.Tmpfs;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link MapOptions#reserve()} on a 2 MiB tmpfs: a sparse file four times too large fails at map
 * time with {@code ENOSPC} and nothing mapped, never later on a page fault; one that fits gets its
 * blocks, after which every write succeeds. In a child JVM, as every full-disk case is.
 */
class ReservationTest {

    @TempDir
    Path dir;

    @Test
    void aFullFileSystemFailsAtMapTimeAndARoomyOneIsReservedBeforeTheWrites() throws Exception {
        Tmpfs tmpfs = Tmpfs.mountOrSkip(Files.createDirectory(dir.resolve("tiny")), "2m");
        try {
            ChildResult child = ChildJvm.in(dir).withDefaultBackend()
                    .run(ReservationScenario.class, tmpfs.directory().toString()).assertCleanExit();
            for (String label : new String[] {"too-large-native", "too-large-jdk"}) {
                String message = assertCaught(child, label, MMapAllocationException.class);
                assertTrue(message.contains("ENOSPC") && message.contains("nothing was mapped"), message);
                assertTrue(message.contains("reserve()") || message.contains("MapOptions"), message);
            }
            assertReturned(child, "fits");
            assertTrue(child.stdout().contains("LENGTH 33554432"), "a failed reservation keeps the file's length: "
                    + child.stdout());
            assertTrue(child.stdout().contains("RESERVED true"), "the blocks were taken at map time: " + child.stdout());
        } finally {
            tmpfs.unmount();
        }
    }
}
