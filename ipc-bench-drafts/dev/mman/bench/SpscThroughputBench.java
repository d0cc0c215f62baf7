package dev.mman.bench;

import dev.mman.SharedMemory;
import dev.mman.ipc.MessageHandler;
import dev.mman.ipc.SpscRingBuffer;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One-to-one ring throughput for 32-byte messages (goal: at least Agrona's): one producer thread
 * and one consumer thread per group, each ring in its own named shared-memory mapping of the same
 * size. The rows to compare are the {@code messages} counters of the two groups.
 */
@State(Scope.Group)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED",
        "--sun-misc-unsafe-memory-access=allow", "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED"})
public class SpscThroughputBench {

    private static final int CAPACITY = 1 << 20;
    private static final int MESSAGE = 32;
    private static final int BATCH = 256;

    private SharedMemory mmanMemory;
    private SharedMemory agronaMemory;
    private SpscRingBuffer mman;
    private OneToOneRingBuffer agrona;
    private final MemorySegment mmanMessage = MemorySegment.ofArray(new byte[MESSAGE]);
    private final UnsafeBuffer agronaMessage = new UnsafeBuffer(new byte[MESSAGE]);
    private final MessageHandler mmanHandler = (type, buffer, offset, length) -> { };
    private final org.agrona.concurrent.MessageHandler agronaHandler =
            (int type, MutableDirectBuffer buffer, int index, int length) -> { };

    /** Two mappings of the same kind, one per library; names are removed at once. */
    @Setup
    public void setUp() {
        long pid = ProcessHandle.current().pid();
        mmanMemory = SharedMemory.create("mman-bench-spsc-" + pid, SpscRingBuffer.requiredBytes(CAPACITY));
        mmanMemory.unlink();
        mman = SpscRingBuffer.format(mmanMemory, 0, CAPACITY);
        agronaMemory = SharedMemory.create("mman-bench-agrona-" + pid, CAPACITY + RingBufferDescriptor.TRAILER_LENGTH);
        agronaMemory.unlink();
        agrona = new OneToOneRingBuffer(new UnsafeBuffer(agronaMemory.address(), (int) agronaMemory.size()));
    }

    /** Unmaps both. */
    @TearDown
    public void tearDown() {
        mmanMemory.close();
        agronaMemory.close();
    }

    /** mman producer. */
    @Benchmark
    @Group("mman")
    @GroupThreads(1)
    public void write_mman(MessageCount counted) {
        if (mman.tryWrite(1, mmanMessage, 0, MESSAGE)) {
            counted.messages++;
        }
    }

    /** mman consumer. */
    @Benchmark
    @Group("mman")
    @GroupThreads(1)
    public void read_mman(MessageCount counted) {
        counted.messages += mman.read(mmanHandler, BATCH);
    }

    /** Agrona producer. */
    @Benchmark
    @Group("agrona")
    @GroupThreads(1)
    public void write_agrona(MessageCount counted) {
        if (agrona.write(1, agronaMessage, 0, MESSAGE)) {
            counted.messages++;
        }
    }

    /** Agrona consumer. */
    @Benchmark
    @Group("agrona")
    @GroupThreads(1)
    public void read_agrona(MessageCount counted) {
        counted.messages += agrona.read(agronaHandler, BATCH);
    }
}
