package dev.mman.internal.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.Advice;
import dev.mman.Mman;
import dev.mman.internal.posix.ErrnoTableTest;
import dev.mman.internal.posix.PosixAbi;
import dev.mman.internal.posix.PosixConstants;
import dev.mman.internal.posix.PosixConstantsTest;
import org.junit.jupiter.api.Test;

/** Linux's table, bit by bit, against the kernel's headers, and the rest of its numbers. */
class LinuxConstantsTest {

    private static final PosixConstants LINUX = LinuxConstants.MMAN;

    @Test
    void protectionBits() {
        PosixConstantsTest.assertProtectionIsThePortableOne(LINUX);
    }

    @Test
    void mapFlags() {
        assertEquals(0x01, LINUX.mapFlags(Mman.MAP_SHARED));
        assertEquals(0x02, LINUX.mapFlags(Mman.MAP_PRIVATE));
        assertEquals(0x10, LINUX.mapFlags(Mman.MAP_FIXED));
        assertEquals(0x20, LINUX.mapFlags(Mman.MAP_ANONYMOUS));
        assertEquals(0x8000, LINUX.mapFlags(Mman.MAP_POPULATE));
        assertEquals(0x40000, LINUX.mapFlags(Mman.MAP_HUGETLB));
        assertEquals(0x8022, LINUX.mapFlags(Mman.MAP_PRIVATE | Mman.MAP_ANON | Mman.MAP_POPULATE));
        assertEquals(0, LINUX.mapFlags(Mman.MAP_FILE));
    }

    @Test
    void msyncFlags() {
        assertEquals(1, LINUX.msyncFlags(Mman.MS_ASYNC));
        assertEquals(4, LINUX.msyncFlags(Mman.MS_SYNC));
        assertEquals(2, LINUX.msyncFlags(Mman.MS_INVALIDATE));
        assertEquals(6, LINUX.msyncFlags(Mman.MS_SYNC | Mman.MS_INVALIDATE));
    }

    @Test
    void adviceCoversEveryName() {
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
    void platformFacts() {
        assertTrue(LINUX.hasNativePopulate());
        assertEquals(255, LINUX.sharedMemoryNameMax());
        assertEquals(30, LINUX.scPageSize());
        assertEquals(LinuxConstants.ERRNO, LINUX.errno());
    }

    @Test
    void errnoNamesAndNumbers() {
        assertEquals("EPERM", LinuxConstants.ERRNO.name(1));
        assertEquals("EAGAIN", LinuxConstants.ERRNO.name(11));
        assertEquals("ENOMEM", LinuxConstants.ERRNO.name(12));
        assertEquals("EINVAL", LinuxConstants.ERRNO.name(22));
        assertEquals("EOPNOTSUPP", LinuxConstants.ERRNO.name(95));
        assertEquals("EHWPOISON", LinuxConstants.ERRNO.name(133));
        assertEquals(11, LinuxConstants.ERRNO.number("EAGAIN"));
        assertEquals(75, LinuxConstants.ERRNO.number("EOVERFLOW"));
        assertEquals(-1, LinuxConstants.ERRNO.number("ENOTSUP"), "Linux has ENOTSUP only as an alias");
        assertEquals("ENOMEM (Cannot allocate memory)", LinuxConstants.ERRNO.describe(12));
        assertEquals("ESRCH (No such process)", LinuxConstants.ERRNO.describe(3));
        assertEquals("errno 4242", LinuxConstants.ERRNO.name(4242));
        assertEquals("errno 4242", LinuxConstants.ERRNO.describe(4242));
        assertEquals(-1, LinuxConstants.ERRNO.number("ENOPE"));
        ErrnoTableTest.assertEveryNameHasAText(LinuxConstants.ERRNO);
    }

    @Test
    void abiKeepsTheValuesLinuxPlatformAlwaysUsed() {
        PosixAbi x86 = LinuxConstants.abi("amd64");
        assertEquals(0x40, x86.createFlag());
        assertEquals(0x80, x86.exclusiveFlag());
        assertEquals(0x80000, x86.closeOnExecFlag());
        assertEquals(0x800 | 0x100, x86.noWaitFlags());
        assertEquals(0x80000, x86.sharedMemoryExtraFlags());
        assertEquals(8, x86.rlimitMemlock());
        assertEquals(-1L, x86.unlimited());
        assertFalse(x86.variadicSharedMemoryOpen());
        assertEquals("fstat", x86.fstatSymbol());
        assertEquals(LinuxConstants.STAT_X86_64, x86.stat());
        assertEquals(LinuxConstants.STAT_AARCH64, LinuxConstants.abi("aarch64").stat());
        assertEquals(LINUX, x86.constants());
    }

    @Test
    void statLayoutsPutTheModeWhereTheirArchitecturesDo() {
        assertEquals(24, LinuxConstants.STAT_X86_64.modeOffset());
        assertEquals(16, LinuxConstants.STAT_AARCH64.modeOffset());
        assertEquals(48, LinuxConstants.STAT_X86_64.sizeOffset());
        assertEquals(48, LinuxConstants.STAT_AARCH64.sizeOffset());
        assertEquals(4, LinuxConstants.STAT_X86_64.modeBytes());
        assertEquals(4, LinuxConstants.STAT_AARCH64.modeBytes());
        assertEquals(144, LinuxConstants.STAT_X86_64.byteSize());
        assertEquals(128, LinuxConstants.STAT_AARCH64.byteSize());
    }
}
