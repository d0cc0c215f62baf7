package dev.mman.probe;

import static dev.mman.Mman.MAP_HUGETLB;
import static dev.mman.Mman.MAP_PRIVATE;
import static dev.mman.Mman.MAP_SHARED;
import static dev.mman.Mman.PROT_READ;
import static dev.mman.Mman.PROT_WRITE;

import dev.mman.Advice;
import dev.mman.Backend;
import dev.mman.MMapException;
import dev.mman.MappedRecords;
import dev.mman.MemoryMap;
import dev.mman.Mman;
import dev.mman.PageCache;
import dev.mman.SharedMemory;
import dev.mman.SystemInfo;
import dev.mman.ipc.LockLayout;
import dev.mman.ipc.MpscRingBuffer;
import dev.mman.ipc.SharedLock;
import dev.mman.ipc.SpscRingBuffer;
import dev.mman.pool.MemoryPool;
import dev.mman.pool.PoolLayout;
import dev.mman.testing.Caught;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The child-JVM side of {@code DeniedNativeAccessTest}: calls one piece of each part of the API,
 * as README "Without the flag" lists them, and reports what each did with {@link Caught}. Run it with
 * {@code --illegal-native-access=deny} and without {@code --enable-native-access}.
 */
public final class DeniedAccessProbe {

    private DeniedAccessProbe() {}

    /**
     * Runs every call once.
     *
     * @param args unused
     * @throws Exception when the scratch file cannot be made
     */
    public static void main(String[] args) throws Exception {
        Path file = Files.createTempFile("mman-denied", ".bin");
        Files.write(file, new byte[8192]);
        try {
            Caught.report("anonymous", () -> {
                try (MemoryMap m = MemoryMap.createAnonymous(4096)) {
                    m.write(new byte[] {42}, 7);
                    System.out.println("ANONYMOUS " + m.backend() + " " + m.read(1, 7)[0]);
                }
            });
            Caught.report("file", () -> {
                try (MemoryMap m = MemoryMap.createFileMapping(file, 0, 8192, PROT_READ | PROT_WRITE, MAP_SHARED)) {
                    m.write(new byte[] {1}, 0);
                    m.msync();
                    System.out.println("FILE " + m.backend());
                }
            });
            Caught.report("records", () -> {
                try (var records = MappedRecords.of(file, 16).stream()) {
                    System.out.println("RECORDS " + records.count());
                }
            });
            Caught.report("pool", DeniedAccessProbe::pool);
            onAnonymous("mprotect", m -> m.mprotect(PROT_READ));
            onAnonymous("mlock", MemoryMap::mlock);
            onAnonymous("madvise", m -> m.madvise(Advice.WILLNEED));
            onAnonymous("residentPages", MemoryMap::residentPages);
            Caught.report("hugetlb", () -> MemoryMap.createAnonymous(2 << 20, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_HUGETLB).close());
            Caught.report("fd", () -> MemoryMap.createFileMapping(0, 0, 4096, PROT_READ, MAP_SHARED).close());
            Caught.report("native", () -> MemoryMap.createAnonymous(4096, PROT_READ | PROT_WRITE, MAP_PRIVATE,
                    Backend.NATIVE).close());
            Caught.report("shm", () -> SharedMemory.create("mman-denied-probe", 4096).close());
            Caught.report("evict", () -> PageCache.evict(file));
            Caught.report("dataRanges", () -> PageCache.dataRanges(file));
            Caught.report("pageSize", Mman::pageSize);
            Caught.report("systemInfo", SystemInfo::lockedMemoryLimit);
            ipc();
        } finally {
            Files.delete(file);
        }
    }

    /**
     * A pool's whole life on the fallback mapping: its owner table names this process (on Linux
     * read from /proc, without native calls), and a block held by a process that does not exist
     * comes back. Prints the capacity, the free blocks, and how many came back.
     */
    private static void pool() {
        long blockSize = 64;
        try (MemoryMap m = MemoryMap.createAnonymous(MemoryPool.requiredSize(blockSize, 10))) {
            MemoryPool pool = MemoryPool.format(m, blockSize);
            pool.allocate();
            long orphan = pool.tryAllocate();
            pool.free(pool.allocate());
            long index = (orphan - PoolLayout.dataStart(blockSize, pool.capacity())) / blockSize;
            long noSuchProcess = LockLayout.identity(Integer.MAX_VALUE, 1); // above any pid_max
            m.asSegment().set(ValueLayout.JAVA_LONG, PoolLayout.ownerWordOffset(pool.capacity(), index),
                    PoolLayout.ownerWord(noSuchProcess, PoolLayout.OWNER_HELD));
            MemoryPool attached = MemoryPool.attach(m);
            long reclaimed = attached.reclaimDead();
            System.out.println("POOL " + attached.capacity() + " " + attached.available() + " " + reclaimed);
        }
    }

    /**
     * Every factory of {@code dev.mman.ipc}, each twice: each must throw the same MMapException,
     * never an error from a class that failed to initialize.
     */
    private static void ipc() {
        try (MemoryMap m = MemoryMap.createAnonymous(1 << 16)) {
            for (String round : new String[] {"", "Again"}) {
                Caught.report("lock" + round, () -> SharedLock.format(m, 0));
                Caught.report("lockAttach" + round, () -> SharedLock.attach(m, 0));
                Caught.report("spsc" + round, () -> SpscRingBuffer.format(m, 0, 4096));
                Caught.report("spscAttach" + round, () -> SpscRingBuffer.attach(m, 0));
                Caught.report("mpsc" + round, () -> MpscRingBuffer.format(m, 0, 4096));
                Caught.report("mpscAttach" + round, () -> MpscRingBuffer.attach(m, 0));
            }
        }
    }

    /** A call on a fresh anonymous mapping. */
    private interface OnMapping {
        void call(MemoryMap map) throws Exception;
    }

    private static void onAnonymous(String label, OnMapping call) {
        try (MemoryMap m = MemoryMap.createAnonymous(4096)) {
            Caught.report(label, () -> call.call(m));
        }
    }
}
