package dev.mman.bench;

import dev.mman.MemoryMap;
import dev.mman.pool.MemoryPool;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One {@link MemoryPool} allocate plus free, in nanoseconds; the goal is at most 50 ns uncontended.
 * {@code allocFree} starts from an empty pool; {@code allocFreeHalfFull} from one whose first
 * half of the blocks is taken, so the search passes full bitmap words. {@code heap} runs the same
 * compare-and-set bitmap on a {@code long[]}, to show what the mapping and its bounds and
 * liveness checks cost over plain heap memory.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED",
        "--sun-misc-unsafe-memory-access=allow"})
public class PoolBench {

    private static final int BLOCKS = 4096;
    private static final int BLOCK_SIZE = 64;
    private static final VarHandle HEAP_WORD = MethodHandles.arrayElementVarHandle(long[].class);

    /** A pool in anonymous memory and a heap bitmap, both with the same blocks already taken. */
    abstract static class Pools {
        MemoryMap map;
        MemoryPool pool;
        long[] heapBits;

        void fill(double occupancy) {
            map = MemoryMap.createAnonymous(MemoryPool.requiredSize(BLOCK_SIZE, BLOCKS));
            pool = MemoryPool.format(map, BLOCK_SIZE);
            heapBits = new long[BLOCKS / Long.SIZE];
            long taken = (long) (BLOCKS * occupancy);
            for (long i = 0; i < taken; i++) {
                pool.allocate();
                heapAllocate(heapBits);
            }
        }
    }

    /** Nothing taken. */
    @State(Scope.Benchmark)
    public static class EmptyPool extends Pools {
        /** Maps and formats. */
        @Setup
        public void setUp() {
            fill(0);
        }

        /** Unmaps. */
        @TearDown
        public void tearDown() {
            map.close();
        }
    }

    /** The first half of the blocks taken. */
    @State(Scope.Benchmark)
    public static class HalfFullPool extends Pools {
        /** Maps, formats and takes half the blocks. */
        @Setup
        public void setUp() {
            fill(0.5);
        }

        /** Unmaps. */
        @TearDown
        public void tearDown() {
            map.close();
        }
    }

    /**
     * mman: one block taken and given back.
     *
     * @param pools the empty pool
     * @return the block, so that the work is not dropped
     */
    @Benchmark
    public long allocFree_mman(EmptyPool pools) {
        return allocFree(pools.pool);
    }

    /**
     * The same bitmap algorithm on heap memory.
     *
     * @param pools the empty bitmap
     * @return the block
     */
    @Benchmark
    public long allocFree_heap(EmptyPool pools) {
        return heapAllocFree(pools.heapBits);
    }

    /**
     * mman with half the blocks taken.
     *
     * @param pools the half-full pool
     * @return the block
     */
    @Benchmark
    public long allocFreeHalfFull_mman(HalfFullPool pools) {
        return allocFree(pools.pool);
    }

    /**
     * The heap bitmap with half the blocks taken.
     *
     * @param pools the half-full bitmap
     * @return the block
     */
    @Benchmark
    public long allocFreeHalfFull_heap(HalfFullPool pools) {
        return heapAllocFree(pools.heapBits);
    }

    private static long allocFree(MemoryPool pool) {
        long block = pool.tryAllocate();
        pool.free(block);
        return block;
    }

    private static long heapAllocFree(long[] bits) {
        long block = heapAllocate(bits);
        heapFree(bits, block);
        return block;
    }

    private static long heapAllocate(long[] bits) {
        for (int word = 0; word < bits.length; word++) {
            long used = (long) HEAP_WORD.getAcquire(bits, word);
            while (used != -1L) {
                long lowestFree = ~used & (used + 1);
                long witness = (long) HEAP_WORD.compareAndExchange(bits, word, used, used | lowestFree);
                if (witness == used) {
                    return (long) word * Long.SIZE + Long.numberOfTrailingZeros(lowestFree);
                }
                used = witness;
            }
        }
        return -1;
    }

    private static void heapFree(long[] bits, long index) {
        long bit = 1L << index;
        if (((long) HEAP_WORD.getAndBitwiseAnd(bits, (int) (index >>> 6), ~bit) & bit) == 0) {
            throw new IllegalStateException("double free of " + index);
        }
    }
}
