package dev.mman.internal.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.Advice;
import dev.mman.MMapException;
import dev.mman.Mman;
import dev.mman.internal.PageToucher;
import dev.mman.internal.Platform;
import dev.mman.internal.PortableBits;
import dev.mman.internal.WithoutLinuxExtras;
import dev.mman.internal.posix.PosixAbi;
import dev.mman.internal.posix.PosixConstants;
import dev.mman.internal.posix.PosixPlatform;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.Test;

/**
 * The portable code that the macOS and Windows backends rely on where Linux has a kernel feature,
 * run for real here: prefaulting by touching ({@link PageToucher}, and {@link PosixPlatform}'s
 * MAP_POPULATE and POPULATE emulation driven by Linux's table without them). The other fallback,
 * the polling futex wait, belongs to Windows alone and is tested there.
 */
class PortableFallbacksTest {

    private final Platform linux = Platform.current();
    private final long page = linux.pageSize();

    /** Linux's numbers, but no MAP_POPULATE and no populate or huge-page advice: what macOS offers. */
    private static final PosixConstants WITHOUT_POPULATE = new PosixConstants(
            LinuxConstants.MMAN.protection(),
            PosixConstants.Bits.of(PortableBits.MAP_SHARED, 0x01, PortableBits.MAP_PRIVATE, 0x02,
                    PortableBits.MAP_FIXED, 0x10, PortableBits.MAP_ANONYMOUS, 0x20),
            LinuxConstants.MMAN.msync(),
            Map.of(Advice.NORMAL, 0, Advice.RANDOM, 1, Advice.SEQUENTIAL, 2, Advice.WILLNEED, 3, Advice.DONTNEED, 4,
                    Advice.NOHUGEPAGE, 15),
            PosixConstants.UNSUPPORTED, 31, LinuxConstants.MMAN.scPageSize(), LinuxConstants.ERRNO);

    /** The shared POSIX code with the constants above, on this Linux machine. */
    private static final class PopulateLessPlatform extends PosixPlatform implements WithoutLinuxExtras {
        PopulateLessPlatform() {
            super(new PosixAbi(WITHOUT_POPULATE, 0x40, 0x80, 0x80000, 0x800 | 0x100, 0x80000, 8, -1L,
                    LinuxConstants.abi(System.getProperty("os.arch")).stat(), "fstat", false, 3, 4));
        }

        @Override
        public String describe() {
            return "populate-less POSIX";
        }

        @Override
        protected String mapHint(int errno, int flags) {
            return null;
        }

        @Override
        protected String lockHint(int errno, long size) {
            return null;
        }

        @Override
        protected String adviseHint(Advice advice, int errno) {
            return null;
        }
    }

    private static int residentPages(byte[] vector) {
        int resident = 0;
        for (byte b : vector) {
            resident += b & 1;
        }
        return resident;
    }

    /** Maps {@code pages} pages of private anonymous memory on {@code platform}, runs {@code check} on its address and unmaps it. */
    private void withAnonymous(Platform platform, long pages, int prot, int extraFlags, LongConsumer check) {
        long size = pages * page;
        long address = platform.map(size, prot, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS | extraFlags, -1, 0);
        try {
            check.accept(address);
        } finally {
            platform.unmap(address, size);
        }
    }

    @Test
    void touchingEveryPageMakesItResident() {
        long size = 16 * page;
        withAnonymous(linux, 16, Mman.PROT_READ | Mman.PROT_WRITE, 0, address -> {
            assertEquals(0, residentPages(linux.residency(address, size)), "fresh anonymous memory is not faulted in");
            assertEquals(0, PageToucher.touch(address, size, page), "anonymous memory reads as zeros");
            assertEquals(16, residentPages(linux.residency(address, size)));
        });
    }

    @Test
    void mapPopulateIsEmulatedByTouchingWhenTheKernelLacksIt() {
        PosixPlatform platform = new PopulateLessPlatform();
        withAnonymous(platform, 8, Mman.PROT_READ, Mman.MAP_POPULATE,
                address -> assertEquals(8, residentPages(platform.residency(address, 8 * page))));
    }

    @Test
    void mapPopulateOfInaccessibleMemoryTouchesNothing() {
        PosixPlatform platform = new PopulateLessPlatform();
        withAnonymous(platform, 4, Mman.PROT_NONE, Mman.MAP_POPULATE,
                address -> assertEquals(0, residentPages(platform.residency(address, 4 * page))));
    }

    @Test
    void populateAdviceIsEmulatedAndHugePageAdviceIsRefused() {
        PosixPlatform platform = new PopulateLessPlatform();
        long size = 4 * page;
        withAnonymous(platform, 4, Mman.PROT_READ, 0, address -> {
            platform.advise(address, size, Advice.POPULATE, false);
            assertEquals(4, residentPages(platform.residency(address, size)));
            MMapException refused = assertThrows(MMapException.class,
                    () -> platform.advise(address, size, Advice.HUGEPAGE, false));
            assertTrue(refused.getMessage().contains("populate-less POSIX has no such advice"), refused.getMessage());
        });
    }

    @Test
    void platformsWithoutLinuxExtrasReportNone() {
        Platform platform = new PopulateLessPlatform();
        assertEquals(java.util.List.of(), platform.hugePageSizes());
        assertEquals("unsupported", platform.transparentHugePageMode());
        assertFalse(platform.registerForProcessBarriers());
        assertFalse(platform.barrierOnRegisteredProcesses());
    }
}
