package dev.mman.bench;

import dev.mman.MemoryMap;
import dev.mman.pool.MemoryPool;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One {@link MemoryPool} allocate plus free, in nanoseconds; the goal is at most 50 ns uncontended.
 *
 * <p>{@code occupancy} is the share of blocks held by the setup before measuring, so the search
 * has to pass used bits (0 = empty pool, 0.5 = every other bitmap word full up to the middle).
 * {@code heap} runs the same compare-and-set bitmap on a {@code long[]}, to show what
 * the mapping and its bounds and liveness checks cost over plain heap memory. The {@code pair}
 * group is two threads of one process allocating and freeing at once on the same few words, the
 * contended case.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class PoolBench {

    private static final int BLOCKS = 4096;
    private static final int BLOCK_SIZE = 64;
    private static final VarHandle HEAP_WORD = MethodHandles.arrayElementVarHandle(long[].class);

    /** Share of the blocks taken before measuring. */
    @Param({"0", "0.5"})
    public double occupancy;

    private MemoryMap map;
    private MemoryPool pool;
    private long[] heapBits;

    /** Maps, formats and pre-fills the pool and the heap bitmap to the same occupancy. */
    @Setup(Level.Trial)
    public void setUp() {
        map = MemoryMap.createAnonymous(MemoryPool.requiredSize(BLOCK_SIZE, BLOCKS));
        pool = MemoryPool.format(map, BLOCK_SIZE);
        heapBits = new long[BLOCKS / 64];
        long taken = (long) (BLOCKS * occupancy);
        for (long i = 0; i < taken; i++) {
            pool.allocate();
            heapAllocate();
        }
    }

    /** Unmaps. */
    @TearDown(Level.Trial)
    public void tearDown() {
        map.close();
    }

    /** mman: one block taken and given back. */
    @Benchmark
    public long mman() {
        long block = pool.tryAllocate();
        pool.free(block);
        return block;
    }

    /** The same bitmap algorithm on heap memory, as the floor the mapping is measured against. */
    @Benchmark
    public long heap() {
        long block = heapAllocate();
        heapFree(block);
        return block;
    }

    /** Two threads contending for the same pool; read the group's average per operation. */
    @Benchmark
    @Group("pair")
    @GroupThreads(2)
    public long mmanContended() {
        long block = pool.tryAllocate();
        if (block != MemoryPool.FULL) {
            pool.free(block);
        }
        return block;
    }

    private long heapAllocate() {
        for (int word = 0; word < heapBits.length; word++) {
            long used = (long) HEAP_WORD.getAcquire(heapBits, word);
            while (used != -1L) {
                long lowestFree = ~used & (used + 1);
                long witness = (long) HEAP_WORD.compareAndExchange(heapBits, word, used, used | lowestFree);
                if (witness == used) {
                    return (long) word * 64 + Long.numberOfTrailingZeros(lowestFree);
                }
                used = witness;
            }
        }
        return -1;
    }

    private void heapFree(long index) {
        long bit = 1L << index;
        if (((long) HEAP_WORD.getAndBitwiseAnd(heapBits, (int) (index >>> 6), ~bit) & bit) == 0) {
            throw new IllegalStateException("double free of " + index);
        }
    }
}
