package dev.mman.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.Backend;
import dev.mman.MMapInvalidParameterException;
import dev.mman.testing.ChildJvm;
import dev.mman.testing.ChildResult;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One flag picks the backend for a whole program; user code does not change. */
class BackendSelectionTest {

    @TempDir
    Path dir;

    @Test
    void thePropertyChoosesTheBackendForEveryMapping() {
        for (String name : new String[] {"jdk", "NIO", "native"}) {
            ChildResult child = ChildJvm.in(dir).withOptions("-D" + Backend.PROPERTY + "=" + name)
                    .run(BackendProbe.class, dir.resolve(name + ".bin").toString()).assertCleanExit();
            Backend expected = Backend.parse(name);
            assertEquals("SELECTED " + expected, child.line("SELECTED "));
            assertEquals("ANONYMOUS " + expected, child.line("ANONYMOUS "));
            assertEquals("FILE " + expected, child.line("FILE "));
            assertTrue(child.line("REASON ").contains("chosen by -D" + Backend.PROPERTY), child.stdout());
            String fd = child.line("FD ");
            assertEquals(expected == Backend.NATIVE ? "FD mapped" : "FD UnsupportedOperationException", fd);
        }
    }

    @Test
    void aNameThatIsNoBackendIsRefusedWithTheValue() {
        MMapInvalidParameterException e = assertThrows(MMapInvalidParameterException.class,
                () -> Backend.parse("mmap2"));
        assertTrue(e.getMessage().contains("-Ddev.mman.backend=mmap2") && e.getMessage().contains("native, jdk or nio"),
                e.getMessage());
        ChildResult child = ChildJvm.in(dir).withOptions("-D" + Backend.PROPERTY + "=bogus")
                .run(BackendProbe.class, dir.resolve("x.bin").toString());
        assertTrue(child.stderr().contains("-Ddev.mman.backend=bogus names no backend"), child.stderr());
    }
}
