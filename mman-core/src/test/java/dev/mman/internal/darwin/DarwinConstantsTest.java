package dev.mman.internal.darwin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.Advice;
import dev.mman.Mman;
import dev.mman.internal.posix.ErrnoTableTest;
import dev.mman.internal.posix.PosixAbi;
import dev.mman.internal.posix.PosixConstants;
import dev.mman.internal.posix.PosixConstantsTest;
import dev.mman.internal.posix.StatLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The macOS table, bit by bit, against the SDK's headers, and the rest of its numbers: open flags,
 * rlimit, the stat layout, errno names. They run here, on Linux, because nothing in them calls
 * native code.
 */
class DarwinConstantsTest {

    private static final PosixConstants DARWIN = DarwinConstants.MMAN;

    @Test
    void protectionBits() {
        PosixConstantsTest.assertProtectionIsThePortableOne(DARWIN);
    }

    @Test
    void mapFlagsUseItsOwnAnonymousBitAndDropPopulateAndHugePages() {
        assertEquals(0x0001, DARWIN.mapFlags(Mman.MAP_SHARED));
        assertEquals(0x0002, DARWIN.mapFlags(Mman.MAP_PRIVATE));
        assertEquals(0x0010, DARWIN.mapFlags(Mman.MAP_FIXED));
        assertEquals(0x1000, DARWIN.mapFlags(Mman.MAP_ANONYMOUS));
        assertEquals(0, DARWIN.mapFlags(Mman.MAP_POPULATE));
        assertEquals(0, DARWIN.mapFlags(Mman.MAP_HUGETLB));
        assertEquals(0x1002, DARWIN.mapFlags(Mman.MAP_PRIVATE | Mman.MAP_ANON | Mman.MAP_POPULATE));
    }

    @Test
    void msyncFlags() {
        assertEquals(0x01, DARWIN.msyncFlags(Mman.MS_ASYNC));
        assertEquals(0x10, DARWIN.msyncFlags(Mman.MS_SYNC));
        assertEquals(0x02, DARWIN.msyncFlags(Mman.MS_INVALIDATE));
        assertEquals(0x12, DARWIN.msyncFlags(Mman.MS_SYNC | Mman.MS_INVALIDATE));
    }

    @Test
    void adviceHasNoHugePagesAndNoPopulate() {
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
        assertFalse(DARWIN.hasNativePopulate());
        assertEquals(31, DARWIN.sharedMemoryNameMax());
        assertEquals(29, DARWIN.scPageSize());
        assertEquals(DarwinConstants.ERRNO, DARWIN.errno());
    }

    @Test
    void abiHasItsOwnOpenFlagsAndLimits() {
        PosixAbi darwin = DarwinConstants.abi("aarch64");
        assertEquals(0x200, darwin.createFlag());
        assertEquals(0x800, darwin.exclusiveFlag());
        assertEquals(0x1000000, darwin.closeOnExecFlag());
        assertEquals(0x4 | 0x20000, darwin.noWaitFlags());
        assertEquals(0, darwin.sharedMemoryExtraFlags(), "shm_open sets close-on-exec itself on macOS");
        assertEquals(6, darwin.rlimitMemlock());
        assertEquals(Long.MAX_VALUE, darwin.unlimited(), "RLIM_INFINITY is 2^63 - 1 on macOS");
        assertTrue(darwin.variadicSharedMemoryOpen());
        assertEquals(DARWIN, darwin.constants());
        assertEquals(DarwinConstants.STAT, darwin.stat());
    }

    @ParameterizedTest(name = "{0} uses {1}")
    @CsvSource({"aarch64, fstat", "x86_64, fstat$INODE64"})
    void namesTheFstatThatFillsTheSixtyFourBitInodeStruct(String arch, String symbol) {
        assertEquals(symbol, DarwinConstants.abi(arch).fstatSymbol());
    }

    @Test
    void statHasASixteenBitModeAndTheSizeAtNinetySix() {
        assertEquals(new StatLayout(4, 2, 96, 144), DarwinConstants.STAT);
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({"3, ESRCH", "35, EAGAIN", "60, ETIMEDOUT", "45, ENOTSUP", "78, ENOSYS", "105, EOWNERDEAD",
        "62, ELOOP", "63, ENAMETOOLONG", "84, EOVERFLOW"})
    void errnoNumbersHaveTheirNames(int errno, String name) {
        assertEquals(name, DarwinConstants.ERRNO.name(errno));
        assertEquals(errno, DarwinConstants.ERRNO.number(name));
    }

    @Test
    void errnoTexts() {
        assertEquals("EAGAIN (Resource temporarily unavailable)", DarwinConstants.ERRNO.describe(35));
        assertEquals("EACCES (Permission denied)", DarwinConstants.ERRNO.describe(13));
        assertEquals("ESRCH (No such process)", DarwinConstants.ERRNO.describe(3));
        assertEquals("errno 11", DarwinConstants.ERRNO.name(11), "11 is EDEADLK on macOS, not in the table");
        assertEquals("errno -1", DarwinConstants.ERRNO.describe(-1));
        assertEquals(-1, DarwinConstants.ERRNO.number("EHWPOISON"));
        ErrnoTableTest.assertEveryNameHasAText(DarwinConstants.ERRNO);
    }
}
