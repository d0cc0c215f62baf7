package dev.mman;

import static dev.mman.testing.Caught.assertCaught;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.probe.ModulePathProbe;
import dev.mman.testing.ChildJvm;
import dev.mman.testing.ChildResult;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mman as a real module: the test JVM has it on the class path, so these run a child JVM with
 * {@code dev.mman} on the module path and {@link ModulePathProbe} on the class path.
 */
class ModulePathTest {

    @TempDir
    Path dir;

    @Test
    void mapsOnTheModulePathWithNativeAccessForTheModuleAndWarnsNothing() {
        ChildResult child = moduleChild().withOptions("--enable-native-access=dev.mman")
                .run(ModulePathProbe.class, "map").assertCleanExit();
        assertEquals("MODULE dev.mman", child.line("MODULE "));
        assertTrue(child.line("MAPPED ").contains("anonymous memory"), child.stdout());
        assertFalse(child.stderr().contains("WARNING"), child.stderr());
    }

    @Test
    void withoutNativeAccessTheJdkWarnsAndNamesTheFlag() {
        // Shows that the check above would see the warning if the flag stopped reaching the module.
        ChildResult child = moduleChild().run(ModulePathProbe.class, "map").assertCleanExit();
        assertTrue(child.line("MAPPED ").contains("anonymous memory"), child.stdout());
        assertTrue(child.stderr().contains("WARNING") && child.stderr().contains("--enable-native-access=dev.mman"),
                child.stderr());
    }

    @Test
    void deniedNativeAccessOnTheModulePathFallsBackToTheJdkBackendWithOneWarning() {
        assertDeniedClearly(moduleChild().withOptions("--illegal-native-access=deny")
                .run(ModulePathProbe.class, "denied").assertCleanExit(), "MODULE dev.mman",
                "--enable-native-access=dev.mman");
    }

    @Test
    void deniedNativeAccessOnTheClassPathFallsBackToTheJdkBackendWithOneWarning() {
        assertDeniedClearly(ChildJvm.in(dir).withDefaultBackend().withoutNativeAccess()
                .withOptions("--illegal-native-access=deny")
                .run(ModulePathProbe.class, "denied").assertCleanExit(), "MODULE null",
                "--enable-native-access=ALL-UNNAMED");
    }

    private ChildJvm moduleChild() {
        return ChildJvm.in(dir).withDefaultBackend().withoutNativeAccess()
                .withOptions("--module-path", location(MemoryMap.class), "--add-modules", "dev.mman")
                .withClassPath(location(ModulePathProbe.class));
    }

    /**
     * Native calls fail with one clear MMapException; mappings fall back to Backend.JDK, and the
     * fallback is announced by exactly one warning that names the flag to add.
     */
    private static void assertDeniedClearly(ChildResult child, String module, String flag) {
        assertEquals(module, child.line("MODULE "));
        String first = assertCaught(child, "first-call", MMapException.class);
        assertTrue(first.contains("--enable-native-access"), first);
        assertEquals(first, assertCaught(child, "second-call", MMapException.class),
                "every later call must fail the same way");
        assertEquals("BACKEND JDK READ 42", child.line("BACKEND "));
        long warnings = child.stderr().lines().filter(line -> line.contains("Backend.JDK")).count();
        assertEquals(1, warnings, child.stderr());
        assertTrue(child.stderr().contains("add " + flag), child.stderr());
        assertFalse(child.stderr().contains("Exception"), child.stderr());
    }

    /** The directory or jar a class was loaded from. */
    private static String location(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
