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
import dev.mman.ipc.SharedLock;
import dev.mman.pool.MemoryPool;
import dev.mman.testing.Caught;
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
            Caught.report("pool", () -> {
                try (MemoryMap m = MemoryMap.createAnonymous(MemoryPool.requiredSize(64, 10))) {
                    System.out.println("POOL " + MemoryPool.format(m, 64).capacity());
                }
            });
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
            Caught.report("pageSize", Mman::pageSize);
            Caught.report("systemInfo", SystemInfo::lockedMemoryLimit);
            try (MemoryMap m = MemoryMap.createAnonymous(4096)) {
                SharedLock.format(m, 0).lock();
                Caught.report("ipc", () -> { });
            } catch (Throwable failure) {
                Caught.report("ipc", rootMmapException(failure));
            }
        } finally {
            Files.delete(file);
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

    /** The MMapException somewhere in a chain of causes, or the throwable itself when there is none. */
    private static Throwable rootMmapException(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof MMapException) {
                return t;
            }
        }
        return failure;
    }
}
