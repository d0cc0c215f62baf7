package dev.mman.internal.darwin;

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
 * The macOS backend's pure parts beyond its numbers ({@link DarwinConstantsTest}): the
 * proc_bsdinfo layout, ulock operations and timeouts, and hints. They run here, on Linux, because
 * nothing in them calls native code; the calls themselves have not run on a Mac.
 */
class DarwinTranslationTest {

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
