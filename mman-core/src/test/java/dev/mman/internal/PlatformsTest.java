package dev.mman.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertThrowsExactly;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.Advice;
import dev.mman.MMapException;
import dev.mman.Mman;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Which OS and architecture get a platform, and how the others fail. */
class PlatformsTest {

    @ParameterizedTest
    @ValueSource(strings = {"amd64", "x86_64", "aarch64"})
    void linuxOnSupportedArchitecturesHasNoReason(String arch) {
        assertNull(Platforms.unsupportedReason("Linux", arch));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @CsvSource({
        "Mac OS X, aarch64",
        "Mac OS X, x86_64",
        "Darwin, aarch64",
        "Windows 11, amd64",
        "Windows Server 2022, amd64",
        "Windows 11, aarch64"
    })
    void macOsAndWindowsOnTheirArchitecturesHaveNoReason(String os, String arch) {
        assertNull(Platforms.unsupportedReason(os, arch));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @CsvSource({
        "Linux, riscv64, riscv64, Linux",
        "Mac OS X, ppc, ppc, macOS",
        "Windows 11, x86, x86, Windows",
        "SunOS, sparcv9, SunOS, Linux",
        "FreeBSD, amd64, FreeBSD, macOS"
    })
    void otherSystemsAreExplained(String os, String arch, String named, String where) {
        String reason = Platforms.unsupportedReason(os, arch);
        assertTrue(reason.contains(named), reason);
        assertTrue(reason.contains(where), "the reason should say where mman runs: " + reason);
    }

    @ParameterizedTest(name = "[{0}] is {1}")
    @CsvSource({
        "Linux, LINUX",
        "Mac OS X, MACOS",
        "Darwin, MACOS",
        "Windows 10, WINDOWS",
        "Windows Server 2025, WINDOWS",
        "SunOS, OTHER",
        "'', OTHER"
    })
    void osNamesFallIntoFamilies(String os, Platforms.Family family) {
        assertEquals(family, Platforms.family(os));
    }

    @ParameterizedTest
    @ValueSource(strings = {"darwin.DarwinPlatform", "windows.WindowsPlatform", "windows.WindowsHandles",
        "windows.Kernel32", "darwin.DarwinFutex"})
    void theBackendsOfOtherSystemsInitialiseWithoutTouchingNativeCode(String name) throws ClassNotFoundException {
        Class<?> backend = Class.forName("dev.mman.internal." + name, true, PlatformsTest.class.getClassLoader());
        assertEquals("dev.mman.internal." + name, backend.getName());
    }

    @Test
    @EnabledOnOs(value = OS.LINUX, disabledReason = "on macOS or Windows the backend loads")
    void macOsNamedOnLinuxFailsWithTheMissingSymbol() {
        Platform mac = Platforms.load("Mac OS X", "aarch64");
        assertInstanceOf(Platforms.UnsupportedPlatform.class, mac);
        String message = assertThrowsExactly(MMapException.class, mac::pageSize).getMessage();
        assertEquals("the macOS backend could not find __ulock_wait in the C library: is this really macOS?", message);
    }

    @Test
    @EnabledOnOs(value = OS.LINUX, disabledReason = "on macOS or Windows the backend loads")
    void windowsNamedOnLinuxFailsWithTheMissingLibrary() {
        Platform windows = Platforms.load("Windows 11", "amd64");
        assertInstanceOf(Platforms.UnsupportedPlatform.class, windows);
        String message = assertThrowsExactly(MMapException.class, windows::describe).getMessage();
        assertTrue(message.startsWith("the Windows backend could not load kernel32.dll: is this really Windows?"),
                message);
    }

    @Test
    void aMissingOsNameIsUnsupported() {
        String reason = Platforms.unsupportedReason(null, "amd64");
        assertTrue(reason.contains("amd64"), reason);
    }

    @Test
    void loadGivesTheLinuxPlatformOnLinux() {
        Platform linux = Platforms.load("Linux", "amd64");
        assertEquals("Linux amd64", linux.describe());
        assertEquals(Mman.pageSize(), linux.pageSize());
        assertEquals(linux.pageSize(), linux.allocationGranularity());
    }

    @Test
    void currentIsLoadedOnce() {
        assertSame(Platform.current(), Platform.current());
        assertTrue(Platform.current().describe().startsWith("Linux "), Platform.current().describe());
    }

    @Test
    void anUnsupportedPlatformRefusesEveryCallWithItsReason() {
        Platform sun = Platforms.load("SunOS", "sparcv9");
        assertInstanceOf(Platforms.UnsupportedPlatform.class, sun);
        String reason = Platforms.unsupportedReason("SunOS", "sparcv9");
        Stream.<Consumer<Platform>>of(
                        Platform::describe,
                        Platform::pageSize,
                        Platform::allocationGranularity,
                        p -> p.map(4096, Mman.PROT_READ, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, -1, 0),
                        p -> p.unmap(0, 4096),
                        p -> p.protect(0, 4096, Mman.PROT_READ),
                        p -> p.sync(0, 4096, Mman.MS_SYNC),
                        p -> p.lock(0, 4096),
                        p -> p.unlock(0, 4096),
                        p -> p.advise(0, 4096, Advice.NORMAL, true),
                        p -> p.residency(0, 4096),
                        p -> p.openFile(Path.of("/etc/hostname"), false),
                        p -> p.closeFile(3),
                        p -> p.fileStatus(3),
                        p -> p.describeFd(3),
                        p -> p.openedFileSize(3),
                        Platform::lockedMemoryLimit,
                        p -> p.sharedMemoryCreate("/ring", 0600),
                        p -> p.sharedMemoryOpen("/ring"),
                        p -> p.sharedMemoryUnlink("/ring"),
                        p -> p.truncate(3, 4096),
                        p -> p.reserve(3, 4096),
                        Platform::sharedMemoryObjects,
                        p -> p.remap(0, 4096, 8192),
                        Platform::sharedMemoryNameMax)
                .map(call -> (Executable) () -> call.accept(sun))
                .forEach(call -> assertEquals(reason, assertThrowsExactly(MMapException.class, call).getMessage()));
    }

    @Test
    void anUnsupportedPlatformRefusesTheCacheAndHugePageCallsWithItsReason() {
        Platform none = new Platforms.UnsupportedPlatform("no backend for Plan 9");
        assertEquals("no backend for Plan 9", assertThrows(MMapException.class, () -> none.dropCache(3, 0, 0))
                .getMessage());
        assertThrows(MMapException.class, none::hugePageSizes);
        assertThrows(MMapException.class, none::transparentHugePageMode);
    }
}
