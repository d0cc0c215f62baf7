package dev.mman.cli.gallery;

import static dev.mman.Mman.MAP_POPULATE;
import static dev.mman.Mman.MAP_PRIVATE;
import static dev.mman.Mman.MAP_SHARED;
import static dev.mman.Mman.PROT_READ;
import static dev.mman.Mman.PROT_WRITE;

import dev.mman.Advice;
import dev.mman.MemoryMap;
import dev.mman.PageCache;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/** The gallery's own measurements: what a mapping costs, and what advice does to the page cache. */
final class Measurements {

    /** Mapping sizes from 4 KiB to 1 GiB, by factors of four. */
    static final long[] SIZES = sizes();
    /** The residency file: 32 MiB, shown as one cell per MiB. */
    static final int FILE_MIB = 32;
    /** The kernel's default read_ahead_kb, which caps what one WILLNEED call reads. */
    private static final long READAHEAD_STEP = 128 << 10;

    private Measurements() {}

    private static long[] sizes() {
        long[] sizes = new long[10];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = 4096L << (2 * i);
        }
        return sizes;
    }

    /**
     * The median time to map and unmap anonymous memory of each size in {@link #SIZES}, without
     * and with prefaulting. The two are measured in turns, so that warm-up and the load of the
     * machine fall on both alike.
     *
     * @return microseconds: {@code [0]} without {@code MAP_POPULATE}, {@code [1]} with it, one per size
     */
    static double[][] mappingMicros() {
        for (int warmUp = 0; warmUp < 2000; warmUp++) {
            mapAndUnmap(SIZES[0], warmUp % 2 == 0);
        }
        double[][] micros = new double[2][SIZES.length];
        for (int i = 0; i < SIZES.length; i++) {
            int repeats = SIZES[i] >= 64L << 20 ? 3 : 15;
            long[][] nanos = new long[2][repeats];
            for (int r = 0; r < repeats; r++) {
                nanos[0][r] = mapAndUnmap(SIZES[i], false);
                nanos[1][r] = mapAndUnmap(SIZES[i], true);
            }
            for (int populate = 0; populate < 2; populate++) {
                Arrays.sort(nanos[populate]);
                micros[populate][i] = nanos[populate][repeats / 2] / 1000.0;
            }
        }
        return micros;
    }

    private static long mapAndUnmap(long size, boolean populate) {
        long start = System.nanoTime();
        MemoryMap.createAnonymous(size, PROT_READ | PROT_WRITE, MAP_PRIVATE | (populate ? MAP_POPULATE : 0)).close();
        return System.nanoTime() - start;
    }

    /**
     * Walks a {@value #FILE_MIB} MiB file through eviction and advice, recording after each step
     * how much of each MiB is in the page cache.
     *
     * @param dir where to put the file, which must be on a disk (tmpfs never evicts)
     * @return per step, the percentage resident of each MiB
     */
    static Map<String, double[]> residencySteps(Path dir) throws IOException {
        Path file = dir.resolve("residency.bin");
        byte[] mib = new byte[1 << 20];
        Arrays.fill(mib, (byte) 1);
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < FILE_MIB; i++) {
                out.write(mib);
            }
        }
        long size = (long) FILE_MIB << 20;
        Map<String, double[]> steps = new LinkedHashMap<>();
        try (MemoryMap m = MemoryMap.createFileMapping(file, 0, size, PROT_READ, MAP_SHARED)) {
            PageCache.evict(file);
            steps.put("1. evicted: posix_fadvise(DONTNEED)", perMib(m.residency(), m.pageSize()));
            m.madvise(size / 4, size / 2, Advice.WILLNEED);
            waitForReadahead(m, size / 4, size / 2);
            steps.put("2. madvise(WILLNEED), MiB 8-23", perMib(m.residency(), m.pageSize()));
            // One WILLNEED call reads at most the device's read_ahead_kb; small calls get it all.
            for (long offset = size / 4; offset < size * 3 / 4; offset += READAHEAD_STEP) {
                m.madvise(offset, READAHEAD_STEP, Advice.WILLNEED);
            }
            waitForReadahead(m, size / 4, size / 2);
            steps.put("3. WILLNEED per 128 KiB, MiB 8-23", perMib(m.residency(), m.pageSize()));
            m.madvise(Advice.DONTNEED);
            steps.put("4. madvise(DONTNEED), whole mapping", perMib(m.residency(), m.pageSize()));
            PageCache.evict(file, size / 2, size / 4);
            steps.put("5. posix_fadvise(DONTNEED), MiB 16-23", perMib(m.residency(), m.pageSize()));
        } finally {
            Files.delete(file);
        }
        return steps;
    }

    /**
     * WILLNEED starts readahead and returns at once: wait until the range is resident or stops
     * growing, at most about a second.
     */
    private static void waitForReadahead(MemoryMap m, long offset, long length) {
        long pages = length / m.pageSize();
        int first = (int) (offset / m.pageSize());
        int before = -1;
        for (int attempt = 0; attempt < 20; attempt++) {
            int now = m.residency().get(first, (int) (first + pages)).cardinality();
            if (now == pages || now == before) {
                return;
            }
            before = now;
            LockSupport.parkNanos(50_000_000L);
        }
    }

    private static double[] perMib(BitSet resident, long pageSize) {
        int pagesPerMib = (int) ((1 << 20) / pageSize);
        double[] percent = new double[FILE_MIB];
        for (int i = 0; i < FILE_MIB; i++) {
            percent[i] = 100.0 * resident.get(i * pagesPerMib, (i + 1) * pagesPerMib).cardinality() / pagesPerMib;
        }
        return percent;
    }
}
