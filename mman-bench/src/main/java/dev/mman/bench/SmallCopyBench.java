package dev.mman.bench;

import dev.mman.MemoryMap;
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
 * Small reads and writes, where mman's per-call work (bounds, protection, the epoch) shows
 * against the bare copy. The baseline copies the same bytes of the same mapping through its
 * segment view, with no check of mman's own and into an array allocated once.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED",
        "--sun-misc-unsafe-memory-access=allow"})
public class SmallCopyBench {

    /** Bytes per call. */
    @Param({"16", "4096"})
    public int smallSize;

    private MemoryMap map;
    private MemorySegment view;
    private byte[] source;
    private byte[] target;
    /** Read by every call so that the offset is not a constant the JIT could fold. */
    private long offset = 64;

    /** Maps 64 KiB and fills it. */
    @Setup
    public void setUp() {
        map = MemoryMap.createAnonymous(1 << 16);
        map.fill((byte) 3);
        view = map.asSegment();
        source = BenchFiles.pattern(smallSize);
        target = new byte[smallSize];
    }

    /** Unmaps. */
    @TearDown
    public void tearDown() {
        map.close();
    }

    /** mman: the bytes copied into an existing array. */
    @Benchmark
    public byte[] read_mman() {
        map.read(offset, target, 0, smallSize);
        return target;
    }

    /** mman: the bytes as a new array ({@code read(size, offset)}). */
    @Benchmark
    public byte[] readNewArray_mman() {
        return map.read(smallSize, offset);
    }

    /** mman: the array copied in. */
    @Benchmark
    public int write_mman() {
        return map.write(source, offset);
    }

    /** The bare copy out of the mapping's segment. */
    @Benchmark
    public byte[] read_rawCopy() {
        MemorySegment.copy(view, ValueLayout.JAVA_BYTE, offset, target, 0, smallSize);
        return target;
    }

    /**
     * The bare copy into a new array: the same work as mman's allocating {@code read}, so the
     * difference to {@link #read_rawCopy} is the allocation.
     */
    @Benchmark
    public byte[] readNewArray_rawCopyNewArray() {
        byte[] fresh = new byte[smallSize];
        MemorySegment.copy(view, ValueLayout.JAVA_BYTE, offset, fresh, 0, smallSize);
        return fresh;
    }

    /** The bare copy into the mapping's segment. */
    @Benchmark
    public MemorySegment write_rawCopy() {
        MemorySegment.copy(source, 0, view, ValueLayout.JAVA_BYTE, offset, smallSize);
        return view;
    }
}
