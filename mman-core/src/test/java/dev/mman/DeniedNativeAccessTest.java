package dev.mman;

import static dev.mman.testing.Caught.assertCaught;
import static dev.mman.testing.Caught.assertReturned;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.probe.DeniedAccessProbe;
import dev.mman.testing.ChildJvm;
import dev.mman.testing.ChildResult;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What each part of the API does when the JVM denies native access ({@code --illegal-native-access=deny}
 * without {@code --enable-native-access}), as README "Without the flag" tells it: mappings fall back to
 * {@link Backend#JDK}, what that backend cannot do throws {@link UnsupportedOperationException}, and
 * what needs native calls throws an {@link MMapException} that names the flag. One child JVM runs
 * {@link DeniedAccessProbe}; each test reads one row of its report.
 */
class DeniedNativeAccessTest {

    private static final String FLAG = "--enable-native-access=ALL-UNNAMED";

    @TempDir
    static Path dir;

    private static ChildResult child;

    @BeforeAll
    static void runTheProbeWithNativeAccessDenied() {
        child = ChildJvm.in(dir).withDefaultBackend().withoutNativeAccess()
                .withOptions("--illegal-native-access=deny").run(DeniedAccessProbe.class).assertCleanExit();
    }

    @Test
    void mappingsFallBackToTheJdkBackendWithOneWarningThatNamesTheFlag() {
        assertReturned(child, "anonymous");
        assertReturned(child, "file");
        assertEquals("ANONYMOUS JDK 42", child.line("ANONYMOUS "));
        assertEquals("FILE JDK", child.line("FILE "));
        long warnings = child.stderr().lines().filter(line -> line.contains("mappings use Backend.JDK")).count();
        assertEquals(1, warnings, child.stderr());
        assertTrue(child.stderr().contains("add " + FLAG + " to the java command line"), child.stderr());
        assertFalse(child.stderr().contains("WARNING: A restricted method"), "deny prints no JDK warning: " + child.stderr());
    }

    @Test
    void recordsAndPoolsWorkOnTheFallbackMappings() {
        assertReturned(child, "records");
        assertEquals("RECORDS 512", child.line("RECORDS "));
        assertReturned(child, "pool");
        assertEquals("POOL 10 9 1", child.line("POOL "), "10 blocks, 1 kept, and the dead process's one came back");
    }

    @Test
    void whatTheJdkBackendCannotDoThrowsUnsupportedOperationNamingTheFlag() {
        for (String label : new String[] {"mprotect", "mlock", "madvise", "residentPages", "hugetlb", "fd"}) {
            String message = assertCaught(child, label, UnsupportedOperationException.class);
            assertTrue(message.contains("Backend.JDK") && message.contains(FLAG), label + ": " + message);
        }
    }

    @Test
    void whatNeedsNativeCallsThrowsMmapExceptionNamingTheFlag() {
        for (String label : new String[] {"native", "shm", "evict", "dataRanges", "pageSize", "systemInfo"}) {
            String message = assertCaught(child, label, MMapException.class);
            assertTrue(message.startsWith("native access is denied") && message.contains(FLAG), label + ": " + message);
        }
    }

    @Test
    void everyIpcFactoryThrowsMmapExceptionNamingTheFlagEveryTime() {
        for (String kind : new String[] {"lock", "lockAttach", "spsc", "spscAttach", "mpsc", "mpscAttach"}) {
            for (String label : new String[] {kind, kind + "Again"}) {
                String message = assertCaught(child, label, MMapException.class);
                assertTrue(message.startsWith("native access is denied") && message.contains(FLAG), label + ": " + message);
            }
        }
    }
}
