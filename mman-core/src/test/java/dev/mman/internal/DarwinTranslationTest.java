package dev.mman.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The macOS backend's pure parts: open flags, rlimit numbers, the stat and proc_bsdinfo layouts,
 * ulock operations and timeouts, errno names and hints. They run here, on Linux, because nothing in
 * them calls native code; the calls themselves have not run on a Mac.
 */
class DarwinTranslationTest {

    @Test
    void darwinAbiHasItsOwnOpenFlagsAndLimits() {
        PosixAbi darwin = DarwinConstants.abi("aarch64");
        assertEquals(0x200, darwin.createFlag());
        assertEquals(0x800, darwin.exclusiveFlag());
        assertEquals(0x1000000, darwin.closeOnExecFlag());
        assertEquals(0, darwin.sharedMemoryExtraFlags(), "shm_open sets close-on-exec itself on macOS");
        assertEquals(6, darwin.rlimitMemlock());
        assertEquals(Long.MAX_VALUE, darwin.unlimited(), "RLIM_INFINITY is 2^63 - 1 on macOS");
        assertTrue(darwin.variadicSharedMemoryOpen());
        assertEquals(DarwinConstants.MMAN, darwin.constants());
        assertEquals(DarwinConstants.STAT, darwin.stat());
    }

    @ParameterizedTest(name = "{0} uses {1}")
    @CsvSource({"aarch64, fstat", "x86_64, fstat$INODE64"})
    void darwinNamesTheFstatThatFillsTheSixtyFourBitInodeStruct(String arch, String symbol) {
        assertEquals(symbol, DarwinConstants.abi(arch).fstatSymbol());
    }

    @Test
    void linuxAbiKeepsTheValuesLinuxPlatformAlwaysUsed() {
        PosixAbi x86 = LinuxConstants.abi("amd64");
        assertEquals(0x40, x86.createFlag());
        assertEquals(0x80, x86.exclusiveFlag());
        assertEquals(0x80000, x86.closeOnExecFlag());
        assertEquals(0x80000, x86.sharedMemoryExtraFlags());
        assertEquals(8, x86.rlimitMemlock());
        assertEquals(-1L, x86.unlimited());
        assertFalse(x86.variadicSharedMemoryOpen());
        assertEquals("fstat", x86.fstatSymbol());
        assertEquals(LinuxConstants.STAT_X86_64, x86.stat());
        assertEquals(LinuxConstants.STAT_AARCH64, LinuxConstants.abi("aarch64").stat());
    }

    @Test
    void darwinStatReadsASixteenBitModeAndTheSizeAtNinetySix() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment stat = arena.allocate(DarwinConstants.STAT.byteSize());
            stat.set(ValueLayout.JAVA_INT, 0, 0x01000004); // st_dev
            stat.set(ValueLayout.JAVA_SHORT, 4, (short) 0100644); // st_mode: regular, rw-r--r--
            stat.set(ValueLayout.JAVA_SHORT, 6, (short) 0x7fff); // st_nlink, right after the mode
            stat.set(ValueLayout.JAVA_LONG, 96, 123_456_789_012L);
            assertEquals(0100644, DarwinConstants.STAT.mode(stat));
            assertEquals(FileStatus.Kind.REGULAR, StatLayout.kind(DarwinConstants.STAT.mode(stat)));
            assertEquals(123_456_789_012L, DarwinConstants.STAT.size(stat));
            stat.set(ValueLayout.JAVA_SHORT, 4, (short) 0040755);
            assertEquals(FileStatus.Kind.DIRECTORY, StatLayout.kind(DarwinConstants.STAT.mode(stat)));
        }
    }

    @ParameterizedTest(name = "mode {0}")
    @CsvSource({"0100600, REGULAR", "0040700, DIRECTORY", "0020666, OTHER", "0010600, OTHER", "0140777, OTHER"})
    void fileTypesComeFromTheSameBitsOnBothSystems(String octalMode, FileStatus.Kind kind) {
        assertEquals(kind, StatLayout.kind(Integer.parseInt(octalMode, 8)));
    }

    @Test
    void linuxStatLayoutsPutTheModeWhereTheirArchitecturesDo() {
        assertEquals(24, LinuxConstants.STAT_X86_64.modeOffset());
        assertEquals(16, LinuxConstants.STAT_AARCH64.modeOffset());
        assertEquals(48, LinuxConstants.STAT_X86_64.sizeOffset());
        assertEquals(48, LinuxConstants.STAT_AARCH64.sizeOffset());
        assertEquals(4, LinuxConstants.STAT_X86_64.modeBytes());
        assertEquals(2, DarwinConstants.STAT.modeBytes());
        assertEquals(4, DarwinConstants.STAT.modeOffset());
        assertEquals(96, DarwinConstants.STAT.sizeOffset());
        assertEquals(144, DarwinConstants.STAT.byteSize());
    }

    @Test
    void ulockWakesOneOrAllOnTheSharedOperation() {
        assertEquals(3, DarwinFutex.UL_COMPARE_AND_WAIT_SHARED);
        assertEquals(3, DarwinFutex.ulockWakeOperation(1));
        assertEquals(0x103, DarwinFutex.ulockWakeOperation(2));
        assertEquals(0x103, DarwinFutex.ulockWakeOperation(Integer.MAX_VALUE));
        assertFalse(DarwinFutex.wakeAll(1));
        assertTrue(DarwinFutex.wakeAll(5));
        assertEquals(1, DarwinFutex.OS_SYNC_WAIT_ON_ADDRESS_SHARED);
        assertEquals(1, DarwinFutex.OS_SYNC_WAKE_BY_ADDRESS_SHARED);
        assertEquals(32, DarwinFutex.OS_CLOCK_MACH_ABSOLUTE_TIME);
    }

    @ParameterizedTest(name = "{0} ns -> {1} us")
    @CsvSource({
        "1, 1",
        "999, 1",
        "1000, 1",
        "1001, 2",
        "2500000, 2500",
        "2147483647000, 2147483647",
        "9223372036854775807, 2147483647"
    })
    void ulockTimeoutsRoundUpAndNeverBecomeForever(long nanos, int micros) {
        assertEquals(micros, DarwinFutex.ulockTimeoutMicros(nanos));
    }

    @Test
    void processInfoGivesTheStartTimeAndCallsZombiesDead() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(DarwinProcessInfo.SIZE);
            info.set(ValueLayout.JAVA_INT, DarwinProcessInfo.STATUS_OFFSET, 2); // SRUN
            info.set(ValueLayout.JAVA_LONG, 120, 1_700_000_000L);
            info.set(ValueLayout.JAVA_LONG, 128, 250_000L);
            assertEquals(1_700_000_000_250_000L, DarwinProcessInfo.startTime(info));
            info.set(ValueLayout.JAVA_INT, DarwinProcessInfo.STATUS_OFFSET, DarwinProcessInfo.ZOMBIE);
            assertEquals(-1, DarwinProcessInfo.startTime(info));
        }
        assertEquals(3, DarwinProcessInfo.PROC_PIDTBSDINFO);
        assertEquals(136, DarwinProcessInfo.SIZE);
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({"3, ESRCH", "35, EAGAIN", "60, ETIMEDOUT", "45, ENOTSUP", "78, ENOSYS", "105, EOWNERDEAD"})
    void darwinErrnoNumbersHaveTheirNames(int errno, String name) {
        assertEquals(name, DarwinConstants.ERRNO.name(errno));
        assertEquals(errno, DarwinConstants.ERRNO.number(name));
    }

    @Test
    void esrchIsKnownOnBothSystems() {
        assertEquals("ESRCH (No such process)", LinuxConstants.ERRNO.describe(3));
        assertEquals("ESRCH (No such process)", DarwinConstants.ERRNO.describe(3));
    }

    @Test
    void darwinHintsNameTheMacRemedies() {
        assertTrue(DarwinHints.map(12).contains("address space"), DarwinHints.map(12));
        assertTrue(DarwinHints.map(13).contains("MAP_SHARED with PROT_WRITE"), DarwinHints.map(13));
        assertNull(DarwinHints.map(22));
        String lock = DarwinHints.lock(35, 65536);
        assertTrue(lock.contains("RLIMIT_MEMLOCK (now 65536 bytes)") && lock.contains("vm.user_wire_limit"), lock);
        assertTrue(DarwinHints.lock(12, Long.MAX_VALUE).contains("(now unlimited)"));
        assertNull(DarwinHints.lock(22, 0));
    }

    @Test
    void aMissingDarwinSymbolIsOneClearSentence() {
        assertEquals("the macOS backend could not find __ulock_wait in the C library: is this really macOS?",
                DarwinPlatform.notMacOs(DarwinPlatform.MARKER));
    }
}
