package dev.mman.bench;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.mman.Advice;
import dev.mman.MemoryMap;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * {@value #READS} reads of a {@code long} at random 8-byte-aligned offsets of a large, prefaulted
 * anonymous region, with and without transparent huge pages. Each contender holds only its own
 * region (the states are per benchmark method), so one fork maps at most one region.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED",
        "--sun-misc-unsafe-memory-access=allow"})
public class HugeRandomBench {

    /** Reads per operation; the report's UsageWorkloads.RANDOM_READS and the C baseline agree. */
    static final int READS = 4096;

    /** The region's size, shared by every contender's state. */
    @State(Scope.Benchmark)
    public static class Size {
        /** Bytes in the region (bench/run --quick passes 512 MiB). */
        @Param({"4294967296"})
        public long randomSize;

        /**
         * The sequence goes on from one operation to the next: repeating it would bring the same
         * 4096 lines and page-table entries from the caches instead of from memory.
         */
        long state = RandomOffsets.SEED;
    }

    /** An mman mapping, advised or not, faulted in before the trial. */
    @State(Scope.Benchmark)
    public abstract static class Mapped {
        MemoryMap map;
        MemorySegment view;

        void map(Size size, boolean huge) {
            map = MemoryMap.createAnonymous(size.randomSize);
            if (huge) {
                map.madvise(Advice.HUGEPAGE);
            }
            map.madvise(Advice.POPULATE);
            view = map.asSegment();
        }

        /** Unmaps. */
        @TearDown(Level.Trial)
        public void unmap() {
            map.close();
        }
    }

    /** With {@code madvise(HUGEPAGE)}. */
    @State(Scope.Benchmark)
    public static class Huge extends Mapped {
        /** Maps, advises and populates. */
        @Setup(Level.Trial)
        public void setUp(Size size) {
            map(size, true);
        }
    }

    /** Without advice: 4 KiB pages. */
    @State(Scope.Benchmark)
    public static class Small extends Mapped {
        /** Maps and populates. */
        @Setup(Level.Trial)
        public void setUp(Size size) {
            map(size, false);
        }
    }

    /** {@code Arena.ofShared().allocate}, zeroed by the JDK. */
    @State(Scope.Benchmark)
    public static class Allocated {
        Arena arena;
        MemorySegment memory;

        /** Allocates. */
        @Setup(Level.Trial)
        public void setUp(Size size) {
            arena = Arena.ofShared();
            memory = arena.allocate(size.randomSize, 4096);
        }

        /** Frees. */
        @TearDown(Level.Trial)
        public void free() {
            arena.close();
        }
    }

    /** mman with huge pages. */
    @Benchmark
    public long random_mman(Size size, Huge huge) {
        return sum(huge.view, size);
    }

    /** mman without huge pages. */
    @Benchmark
    public long random_noHugepage(Size size, Small small) {
        return sum(small.view, size);
    }

    /** The JDK's allocation. */
    @Benchmark
    public long random_arena(Size size, Allocated allocated) {
        return sum(allocated.memory, size);
    }

    private static long sum(MemorySegment memory, Size size) {
        long longs = size.randomSize / Long.BYTES;
        long state = size.state;
        long sum = 0;
        for (int i = 0; i < READS; i++) {
            state = RandomOffsets.next(state);
            sum += memory.get(JAVA_LONG, Long.remainderUnsigned(state, longs) * Long.BYTES);
        }
        size.state = state;
        return sum;
    }
}
