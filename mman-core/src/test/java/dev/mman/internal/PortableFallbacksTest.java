package dev.mman.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.Advice;
import dev.mman.MMapException;
import dev.mman.Mman;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * The portable code that the macOS and Windows backends rely on where Linux has a kernel feature,
 * run for real here: prefaulting by touching ({@link PageToucher}, and {@link PosixPlatform}'s
 * MAP_POPULATE and POPULATE emulation driven by constants without them) and the polling futex wait
 * ({@link PollingWait}).
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
                    LinuxConstants.abi(System.getProperty("os.arch")).stat(), "fstat", false));
        }

        @Override
        public String describe() {
            return "populate-less POSIX";
        }

        @Override
        String mapHint(int errno, int flags) {
            return null;
        }

        @Override
        String lockHint(int errno) {
            return null;
        }

        @Override
        String adviseHint(Advice advice, int errno) {
            return null;
        }

        @Override
        public String describeFd(int fd) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long remap(long address, long oldSize, long newSize) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void dropCache(int fd, long offset, long length) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean futexWait(MemorySegment word, int expected, long timeoutNanos) {
            return PollingWait.await(word, expected, timeoutNanos);
        }

        @Override
        public int futexWake(MemorySegment word, int count) {
            return 0;
        }

        @Override
        public long processStartTime(long pid) {
            return -1;
        }
    }

    private static int residentPages(byte[] vector) {
        int resident = 0;
        for (byte b : vector) {
            resident += b & 1;
        }
        return resident;
    }

    @Test
    void touchingEveryPageMakesItResident() {
        long size = 16 * page;
        long address = linux.map(size, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, -1, 0);
        try {
            assertEquals(0, residentPages(linux.residency(address, size)), "fresh anonymous memory is not faulted in");
            assertEquals(0, PageToucher.touch(address, size, page), "anonymous memory reads as zeros");
            assertEquals(16, residentPages(linux.residency(address, size)));
        } finally {
            linux.unmap(address, size);
        }
    }

    @Test
    void mapPopulateIsEmulatedByTouchingWhenTheKernelLacksIt() {
        PosixPlatform platform = new PopulateLessPlatform();
        long size = 8 * page;
        long address = platform.map(size, Mman.PROT_READ, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS | Mman.MAP_POPULATE,
                -1, 0);
        try {
            assertEquals(8, residentPages(platform.residency(address, size)));
        } finally {
            platform.unmap(address, size);
        }
    }

    @Test
    void mapPopulateOfInaccessibleMemoryTouchesNothing() {
        PosixPlatform platform = new PopulateLessPlatform();
        long size = 4 * page;
        long address = platform.map(size, Mman.PROT_NONE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS | Mman.MAP_POPULATE,
                -1, 0);
        try {
            assertEquals(0, residentPages(platform.residency(address, size)));
        } finally {
            platform.unmap(address, size);
        }
    }

    @Test
    void populateAdviceIsEmulatedAndHugePageAdviceIsRefused() {
        PosixPlatform platform = new PopulateLessPlatform();
        long size = 4 * page;
        long address = platform.map(size, Mman.PROT_READ, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, -1, 0);
        try {
            platform.advise(address, size, Advice.POPULATE, false);
            assertEquals(4, residentPages(platform.residency(address, size)));
            MMapException refused = assertThrows(MMapException.class,
                    () -> platform.advise(address, size, Advice.HUGEPAGE, false));
            assertTrue(refused.getMessage().contains("populate-less POSIX has no such advice"), refused.getMessage());
        } finally {
            platform.unmap(address, size);
        }
    }

    @Test
    void platformsWithoutLinuxExtrasReportNone() {
        Platform platform = new PopulateLessPlatform();
        assertEquals(java.util.List.of(), platform.hugePageSizes());
        assertEquals("unsupported", platform.transparentHugePageMode());
        assertFalse(platform.registerForProcessBarriers());
        assertFalse(platform.barrierOnRegisteredProcesses());
    }

    @Test
    void pollingWaitReturnsAtOnceWhenTheWordAlreadyChanged() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment word = arena.allocate(ValueLayout.JAVA_INT);
            word.set(ValueLayout.JAVA_INT, 0, 7);
            assertTrue(PollingWait.await(word, 6, Long.MAX_VALUE / 2));
        }
    }

    @Test
    void pollingWaitTimesOutWhenNothingChanges() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment word = arena.allocate(ValueLayout.JAVA_INT);
            assertFalse(PollingWait.await(word, 0, 2_000_000));
            assertEquals(0, word.get(ValueLayout.JAVA_INT, 0));
        }
    }

    @Test
    void pollingWaitSeesAStoreFromAnotherThread() throws InterruptedException {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment word = arena.allocate(ValueLayout.JAVA_INT);
            CountDownLatch waiting = new CountDownLatch(1);
            Thread waker = Thread.ofPlatform().start(() -> {
                try {
                    waiting.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                ValueLayout.JAVA_INT.varHandle().setVolatile(word, 0L, 1);
            });
            waiting.countDown();
            // A minute is far longer than the store can take: returning true means the store was seen.
            assertTrue(PollingWait.await(word, 0, 60_000_000_000L));
            waker.join();
        }
    }
}
