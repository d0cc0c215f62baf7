package dev.mman.internal.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.Advice;
import dev.mman.Mman;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The one translation routine that every system's table goes through; each table's numbers are
 * checked against its headers in its own package ({@code LinuxConstantsTest}, {@code DarwinConstantsTest}).
 */
public class PosixConstantsTest {

    private static final ErrnoTable NO_EXTRA_ERRNOS = new ErrnoTable(Map.of());

    /** A made-up system whose numbers differ from the portable ones, so every translation shows. */
    private static final PosixConstants SAMPLE = new PosixConstants(
            PosixConstants.Bits.of(Mman.PROT_READ, 0x10, Mman.PROT_WRITE, 0x20, Mman.PROT_EXEC, 0x40),
            PosixConstants.Bits.of(Mman.MAP_SHARED, 0x100, Mman.MAP_POPULATE, 0x200),
            PosixConstants.Bits.of(Mman.MS_SYNC, 0x8),
            Map.of(Advice.NORMAL, 7, Advice.POPULATE, 8), 9, 40, 50, NO_EXTRA_ERRNOS);

    /**
     * Checks a system's protection rows: {@code PROT_*} has the values of the portable seed on
     * every system mman runs on, and an unknown bit is dropped.
     *
     * @param table the system's table
     */
    public static void assertProtectionIsThePortableOne(PosixConstants table) {
        assertEquals(0, table.protection(Mman.PROT_NONE));
        assertEquals(1, table.protection(Mman.PROT_READ));
        assertEquals(2, table.protection(Mman.PROT_WRITE));
        assertEquals(4, table.protection(Mman.PROT_EXEC));
        assertEquals(7, table.protection(Mman.PROT_READ | Mman.PROT_WRITE | Mman.PROT_EXEC));
        assertEquals(1, table.protection(Mman.PROT_READ | 0x100), "unknown bits are dropped");
    }

    @Test
    void aBitTableMovesEachListedBitAndDropsTheRest() {
        PosixConstants.Bits bits = PosixConstants.Bits.of(1, 0x100, 2, 0x10, 8, 0x1);
        assertEquals(0x111, bits.translate(1 | 2 | 8 | 4));
        assertEquals(0, bits.translate(4));
        assertThrows(IllegalArgumentException.class, () -> PosixConstants.Bits.of(1, 0x100, 2));
    }

    @Test
    void eachKindOfBitGoesThroughItsOwnRows() {
        assertEquals(0x70, SAMPLE.protection(Mman.PROT_READ | Mman.PROT_WRITE | Mman.PROT_EXEC));
        assertEquals(0, SAMPLE.protection(Mman.PROT_NONE));
        assertEquals(0x300, SAMPLE.mapFlags(Mman.MAP_SHARED | Mman.MAP_POPULATE | Mman.MAP_FIXED));
        assertEquals(0x8, SAMPLE.msyncFlags(Mman.MS_SYNC | Mman.MS_ASYNC));
    }

    @Test
    void adviceWithoutAnEntryIsUnsupportedAndPopulateHasAWritableFlavour() {
        assertEquals(7, SAMPLE.advice(Advice.NORMAL, true));
        assertEquals(PosixConstants.UNSUPPORTED, SAMPLE.advice(Advice.HUGEPAGE, false));
        assertEquals(8, SAMPLE.advice(Advice.POPULATE, false));
        assertEquals(9, SAMPLE.advice(Advice.POPULATE, true));
    }

    @Test
    void nativePopulateIsHavingARowForIt() {
        assertTrue(SAMPLE.hasNativePopulate());
        assertFalse(new PosixConstants(SAMPLE.protection(), PosixConstants.Bits.of(Mman.MAP_SHARED, 1),
                SAMPLE.msync(), Map.of(), PosixConstants.UNSUPPORTED, 40, 50, NO_EXTRA_ERRNOS).hasNativePopulate());
    }
}
