package dev.mman.bench;

import dev.mman.MemoryMap;
import java.lang.foreign.MemorySegment;
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

/** Filling 1 MiB of anonymous memory with one byte value, against C's memset. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED",
        "--sun-misc-unsafe-memory-access=allow"})
public class FillBench {

    private static final int SIZE = 1 << 20;

    private MemoryMap map;
    private MemorySegment view;
    private byte value;

    /** Maps and faults in the region. */
    @Setup
    public void setUp() {
        map = MemoryMap.createAnonymous(SIZE);
        map.fill((byte) 1);
        view = map.asSegment();
    }

    /** Unmaps. */
    @TearDown
    public void tearDown() {
        map.close();
    }

    /** mman's fill of the whole mapping. */
    @Benchmark
    public void fill_mman() {
        map.fill(value++);
    }

    /** {@code MemorySegment.fill} on the same memory. */
    @Benchmark
    public MemorySegment fill_segment() {
        return view.fill(value++);
    }
}
