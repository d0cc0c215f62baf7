package dev.mman.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.Advice;
import dev.mman.Mman;
import org.junit.jupiter.api.Test;

/** The Linux and macOS translation tables, bit by bit, against the kernels' headers. */
class PosixConstantsTest {

    private static final PosixConstants LINUX = LinuxConstants.MMAN;
    private static final PosixConstants DARWIN = DarwinConstants.MMAN;

    @Test
    void protectionBitsAreTheSameOnBoth() {
        for (PosixConstants table : new PosixConstants[] {LINUX, DARWIN}) {
            assertEquals(0, table.protection(Mman.PROT_NONE));
            assertEquals(1, table.protection(Mman.PROT_READ));
            assertEquals(2, table.protection(Mman.PROT_WRITE));
            assertEquals(4, table.protection(Mman.PROT_EXEC));
            assertEquals(7, table.protection(Mman.PROT_READ | Mman.PROT_WRITE | Mman.PROT_EXEC));
            assertEquals(1, table.protection(Mman.PROT_READ | 0x100), "unknown bits are dropped");
        }
    }

    @Test
    void linuxMapFlags() {
        assertEquals(0x01, LINUX.mapFlags(Mman.MAP_SHARED));
        assertEquals(0x02, LINUX.mapFlags(Mman.MAP_PRIVATE));
        assertEquals(0x10, LINUX.mapFlags(Mman.MAP_FIXED));
        assertEquals(0x20, LINUX.mapFlags(Mman.MAP_ANONYMOUS));
        assertEquals(0x8000, LINUX.mapFlags(Mman.MAP_POPULATE));
        assertEquals(0x8022, LINUX.mapFlags(Mman.MAP_PRIVATE | Mman.MAP_ANON | Mman.MAP_POPULATE));
        assertEquals(0, LINUX.mapFlags(Mman.MAP_FILE));
    }

    @Test
    void darwinMapFlagsUseItsOwnAnonymousBitAndDropPopulate() {
        assertEquals(0x0001, DARWIN.mapFlags(Mman.MAP_SHARED));
        assertEquals(0x0002, DARWIN.mapFlags(Mman.MAP_PRIVATE));
        assertEquals(0x0010, DARWIN.mapFlags(Mman.MAP_FIXED));
        assertEquals(0x1000, DARWIN.mapFlags(Mman.MAP_ANONYMOUS));
        assertEquals(0, DARWIN.mapFlags(Mman.MAP_POPULATE));
        assertEquals(0x1002, DARWIN.mapFlags(Mman.MAP_PRIVATE | Mman.MAP_ANON | Mman.MAP_POPULATE));
    }

    @Test
    void linuxMsyncFlags() {
        assertEquals(1, LINUX.msyncFlags(Mman.MS_ASYNC));
        assertEquals(4, LINUX.msyncFlags(Mman.MS_SYNC));
        assertEquals(2, LINUX.msyncFlags(Mman.MS_INVALIDATE));
        assertEquals(6, LINUX.msyncFlags(Mman.MS_SYNC | Mman.MS_INVALIDATE));
    }

    @Test
    void darwinMsyncFlags() {
        assertEquals(0x01, DARWIN.msyncFlags(Mman.MS_ASYNC));
        assertEquals(0x10, DARWIN.msyncFlags(Mman.MS_SYNC));
        assertEquals(0x02, DARWIN.msyncFlags(Mman.MS_INVALIDATE));
        assertEquals(0x12, DARWIN.msyncFlags(Mman.MS_SYNC | Mman.MS_INVALIDATE));
    }

    @Test
    void linuxAdviceCoversEveryName() {
        assertEquals(0, LINUX.advice(Advice.NORMAL, true));
        assertEquals(1, LINUX.advice(Advice.RANDOM, true));
        assertEquals(2, LINUX.advice(Advice.SEQUENTIAL, true));
        assertEquals(3, LINUX.advice(Advice.WILLNEED, true));
        assertEquals(4, LINUX.advice(Advice.DONTNEED, true));
        assertEquals(14, LINUX.advice(Advice.HUGEPAGE, true));
        assertEquals(15, LINUX.advice(Advice.NOHUGEPAGE, false));
        assertEquals(23, LINUX.advice(Advice.POPULATE, true), "MADV_POPULATE_WRITE");
        assertEquals(22, LINUX.advice(Advice.POPULATE, false), "MADV_POPULATE_READ");
    }

    @Test
    void darwinAdviceHasNoHugePagesAndNoPopulate() {
        assertEquals(0, DARWIN.advice(Advice.NORMAL, true));
        assertEquals(1, DARWIN.advice(Advice.RANDOM, true));
        assertEquals(2, DARWIN.advice(Advice.SEQUENTIAL, true));
        assertEquals(3, DARWIN.advice(Advice.WILLNEED, true));
        assertEquals(4, DARWIN.advice(Advice.DONTNEED, false));
        assertEquals(PosixConstants.UNSUPPORTED, DARWIN.advice(Advice.HUGEPAGE, true));
        assertEquals(PosixConstants.UNSUPPORTED, DARWIN.advice(Advice.NOHUGEPAGE, true));
        assertEquals(PosixConstants.UNSUPPORTED, DARWIN.advice(Advice.POPULATE, true));
        assertEquals(PosixConstants.UNSUPPORTED, DARWIN.advice(Advice.POPULATE, false));
    }

    @Test
    void platformFacts() {
        assertTrue(LINUX.hasNativePopulate());
        assertFalse(DARWIN.hasNativePopulate());
        assertEquals(255, LINUX.sharedMemoryNameMax());
        assertEquals(31, DARWIN.sharedMemoryNameMax());
        assertEquals(30, LINUX.scPageSize());
        assertEquals(29, DARWIN.scPageSize());
        assertSame(LinuxConstants.ERRNO, LINUX.errno());
        assertSame(DarwinConstants.ERRNO, DARWIN.errno());
    }

    @Test
    void aBitTableMovesEachListedBitAndDropsTheRest() {
        PosixConstants.Bits bits = PosixConstants.Bits.of(1, 0x100, 2, 0x10, 8, 0x1);
        assertEquals(0x111, bits.translate(1 | 2 | 8 | 4));
        assertEquals(0, bits.translate(4));
        assertThrows(IllegalArgumentException.class, () -> PosixConstants.Bits.of(1, 0x100, 2));
    }
}
