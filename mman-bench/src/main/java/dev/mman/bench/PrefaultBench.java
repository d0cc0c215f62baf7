package dev.mman.bench;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import dev.mman.Advice;
import dev.mman.MapOptions;
import dev.mman.MemoryMap;
import dev.mman.Sharing;
import dev.mman.Mman;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Fresh anonymous memory faulted in: each operation maps it, faults every page in and unmaps it.
 * Parallel prefault adds {@code populateParallel_mman}, shown beside the {@code populate}
 * baselines.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED",
        "--sun-misc-unsafe-memory-access=allow"})
public class PrefaultBench {

    private static final int PAGE = 4096;
    private static final int READ_WRITE = Mman.PROT_READ | Mman.PROT_WRITE;
    private static final int PRIVATE_ANONYMOUS = Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS;

    /** Bytes per mapping (bench/run --quick passes 256 MiB). */
    @Param({"1073741824"})
    public long prefaultSize;

    private byte value = 1;

    /** mman: {@code MAP_POPULATE} on one thread ({@code prefaultThreads(1)}), as C does it. */
    @Benchmark
    public long populate_mman() {
        // One thread, as C's MAP_POPULATE: the one-thread figure the parallel row is judged against.
        try (MemoryMap map = MapOptions.anonymous(prefaultSize).sharing(Sharing.PRIVATE).populate().prefaultThreads(1)
                .map()) {
            return map.address();
        }
    }

    /** mman's default prefault: {@code MAP_POPULATE} split across threads (one per 64 MiB, at most the cores). */
    @Benchmark
    public long populateParallel_mman() {
        try (MemoryMap map = MemoryMap.createAnonymous(prefaultSize, READ_WRITE, PRIVATE_ANONYMOUS | Mman.MAP_POPULATE)) {
            return map.address();
        }
    }

    /** {@code Arena.allocate}, which zeroes every byte and so faults every page in. */
    @Benchmark
    public long populate_arena() {
        try (Arena arena = Arena.ofConfined()) {
            return arena.allocate(prefaultSize, PAGE).address();
        }
    }

    /** A Java loop that writes one byte of each page of an mman mapping. */
    @Benchmark
    public long populate_touchLoop() {
        try (MemoryMap map = MemoryMap.createAnonymous(prefaultSize)) {
            return touchPages(map.asSegment());
        }
    }

    /** The same loop after {@code madvise(HUGEPAGE)}: the first-touch cost of huge pages. */
    @Benchmark
    public long hugeTouch_mman() {
        try (MemoryMap map = MemoryMap.createAnonymous(prefaultSize)) {
            map.madvise(Advice.HUGEPAGE);
            return touchPages(map.asSegment());
        }
    }

    /** mman's fill of fresh memory. */
    @Benchmark
    public long fillFresh_mman() {
        try (MemoryMap map = MemoryMap.createAnonymous(prefaultSize)) {
            map.fill(value++);
            return map.address();
        }
    }

    /** {@code Arena.allocate} (zeroing) and then {@code fill}: every byte written twice. */
    @Benchmark
    public long fillFresh_arena() {
        try (Arena arena = Arena.ofConfined()) {
            return arena.allocate(prefaultSize, PAGE).fill(value++).address();
        }
    }

    private long touchPages(MemorySegment memory) {
        for (long at = 0; at < prefaultSize; at += PAGE) {
            memory.set(JAVA_BYTE, at, value);
        }
        return memory.address();
    }
}
