package dev.mman.bench;

import dev.mman.MemoryMap;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Bulk copies between a Java array and anonymous memory: mman's {@code read}/{@code write}
 * against a segment from {@code Arena.ofConfined().allocate}, the Java way to get off-heap bytes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "--enable-native-access=ALL-UNNAMED",
        "--sun-misc-unsafe-memory-access=allow"})
public class AnonCopyBench {

    /** Bytes per copy: 1 MiB fits the cache hierarchy's outer levels, 256 MiB does not. */
    @Param({"1048576", "268435456"})
    public int copySize;

    private MemoryMap map;
    private Arena arena;
    private MemorySegment allocated;
    private byte[] source;
    private byte[] target;

    /** Maps and pre-faults both regions, so that no copy pays for first-touch page faults. */
    @Setup
    public void setUp() {
        map = MemoryMap.createAnonymous(copySize);
        map.fill((byte) 1);
        arena = Arena.ofConfined();
        allocated = arena.allocate(copySize, 4096);
        allocated.fill((byte) 1);
        source = BenchFiles.pattern(copySize);
        target = new byte[copySize];
    }

    /** Unmaps and frees. */
    @TearDown
    public void tearDown() {
        map.close();
        arena.close();
    }

    /** mman: copies into an existing array, the same work as every other contender's read. */
    @Benchmark
    public byte[] read_mman() {
        map.read(0, target, 0, copySize);
        return target;
    }

    /** mman: a new array per call ({@code read(size, offset)}), for context: it also allocates and zeroes. */
    @Benchmark
    public byte[] readNewArray_mman() {
        return map.read(copySize, 0);
    }

    /** mman: copies the array in. */
    @Benchmark
    public int write_mman() {
        return map.write(source, 0);
    }

    /** The JDK: one {@code MemorySegment.copy} into an existing array. */
    @Benchmark
    public byte[] read_arena() {
        MemorySegment.copy(allocated, ValueLayout.JAVA_BYTE, 0, target, 0, copySize);
        return target;
    }

    /** The JDK: one {@code MemorySegment.copy} from the array. */
    @Benchmark
    public MemorySegment write_arena() {
        MemorySegment.copy(source, 0, allocated, ValueLayout.JAVA_BYTE, 0, copySize);
        return allocated;
    }
}
