package dev.mman;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import dev.mman.testing.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where mman cannot run, the first call fails with one clear {@link MMapException}. Each case runs
 * in a child JVM, since the platform is chosen once per JVM.
 */
class PlatformSupportTest {

    private static final List<String> FIRST_CALLS = List.of("pageSize", "mmapRegion", "createFileMapping");

    @TempDir
    Path dir;

    @Test
    void anUnsupportedOsFailsTheFirstCallWithItsName() throws Exception {
        Properties probe = ChildJvm.in(dir).withDefaultBackend().withOptions("-Dos.name=SunOS", "-Dos.arch=sparcv9")
                .run(PlatformProbe.class).assertCleanExit().properties();
        for (String call : FIRST_CALLS) {
            assertEquals(MMapException.class.getName(), probe.getProperty(call + ".type"), call);
            String message = probe.getProperty(call + ".message");
            assertTrue(message.contains("SunOS") && message.contains("sparcv9") && message.contains("Linux"), message);
        }
    }

    @Test
    @EnabledOnOs(value = OS.LINUX, disabledReason = "on macOS or Windows the backend loads")
    void macOsNamedOnAnotherSystemFailsTheFirstCallWithTheMissingSymbol() throws Exception {
        Properties probe = ChildJvm.in(dir).withDefaultBackend().withOptions("-Dos.name=Mac OS X", "-Dos.arch=aarch64")
                .run(PlatformProbe.class).assertCleanExit().properties();
        for (String call : FIRST_CALLS) {
            assertEquals(MMapException.class.getName(), probe.getProperty(call + ".type"), call);
            assertEquals("the macOS backend could not find __ulock_wait in the C library: is this really macOS?",
                    probe.getProperty(call + ".message"), call);
        }
    }

    @Test
    @EnabledOnOs(value = OS.LINUX, disabledReason = "on macOS or Windows the backend loads")
    void windowsNamedOnAnotherSystemFailsTheFirstCallWithTheMissingLibrary() throws Exception {
        Properties probe = ChildJvm.in(dir).withDefaultBackend().withOptions("-Dos.name=Windows 11", "-Dos.arch=amd64")
                .run(PlatformProbe.class).assertCleanExit().properties();
        for (String call : FIRST_CALLS) {
            assertEquals(MMapException.class.getName(), probe.getProperty(call + ".type"), call);
            String message = probe.getProperty(call + ".message");
            assertTrue(message.startsWith("the Windows backend could not load kernel32.dll: is this really Windows?"),
                    message);
        }
    }

    @Test
    void anUnsupportedArchitectureIsNamed() throws Exception {
        Properties probe = ChildJvm.in(dir).withDefaultBackend().withOptions("-Dos.arch=riscv64")
                .run(PlatformProbe.class).assertCleanExit().properties();
        assertEquals(MMapException.class.getName(), probe.getProperty("pageSize.type"));
        assertTrue(probe.getProperty("pageSize.message").contains("riscv64"), probe.getProperty("pageSize.message"));
    }

    @Test
    void deniedNativeAccessNamesTheFlagThatGrantsItAndMappingsFallBackToTheJdk() throws Exception {
        Properties probe = ChildJvm.in(dir).withDefaultBackend().withoutNativeAccess()
                .withOptions("--illegal-native-access=deny")
                .run(PlatformProbe.class).assertCleanExit().properties();
        assertEquals(MMapException.class.getName(), probe.getProperty("pageSize.type"));
        String message = probe.getProperty("pageSize.message");
        assertTrue(message.contains("--enable-native-access=ALL-UNNAMED"), message);
        for (String call : List.of("mmapRegion", "createFileMapping")) {
            assertEquals("none", probe.getProperty(call + ".type"), call);
            assertTrue(probe.getProperty(call + ".message").startsWith("MemoryMap["), probe.getProperty(call + ".message"));
        }
    }
}
