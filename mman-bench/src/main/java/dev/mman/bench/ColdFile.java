package dev.mman.bench;

import dev.mman.MemoryMap;
import dev.mman.Mman;
import dev.mman.PageCache;
import java.nio.file.Path;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The file of the cold-cache workloads, evicted from the page cache before every iteration and
 * checked to be out of it: each iteration is one operation (single-shot), so every figure is a
 * first read from the device.
 */
@State(Scope.Benchmark)
public class ColdFile {

    /** At most this share of the file may still be cached after eviction. */
    private static final double MOST_RESIDENT = 0.01;

    /** Bytes in the file (bench/run --quick passes 256 MiB). */
    @Param({"2147483648"})
    public long coldSize;

    Path file;

    /** Writes the file, or finds the one bench/run shares between forks. */
    @Setup(Level.Trial)
    public void create() {
        file = BenchFiles.coldFile(coldSize);
    }

    /** Deletes it unless bench/run keeps it for the next fork. */
    @TearDown(Level.Trial)
    public void delete() {
        BenchFiles.deleteUnlessShared(file);
    }

    /**
     * Writes dirty pages back and drops the file's cached pages ({@code fdatasync} and
     * {@code posix_fadvise(DONTNEED)}), then counts what stayed with {@code mincore}.
     */
    @Setup(Level.Iteration)
    public void evict() {
        PageCache.evict(file);
        long resident;
        long pages;
        try (MemoryMap probe = MemoryMap.createFileMapping(file, 0, coldSize, Mman.PROT_READ, Mman.MAP_SHARED)) {
            resident = probe.residentPages();
            pages = (coldSize + probe.pageSize() - 1) / probe.pageSize();
        }
        if (resident > MOST_RESIDENT * pages) {
            throw new IllegalStateException(file + " kept " + resident + " of " + pages
                    + " pages in the page cache after eviction; the figure would not be cold");
        }
    }
}
