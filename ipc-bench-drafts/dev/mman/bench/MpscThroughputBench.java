package dev.mman.bench;

import dev.mman.SharedMemory;
import dev.mman.ipc.MessageHandler;
import dev.mman.ipc.MpscRingBuffer;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
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
 * Many-to-one ring throughput for 32-byte messages, two producer threads and one consumer, mman
 * against Agrona's {@code ManyToOneRingBuffer}, each over a shared-memory mapping of the same
 * size. Compare the {@code messages} counters. (Threads of one JVM; a cross-process variant
 * would start the producers as child JVMs, as {@link PingPongBench} does.)
 */
@State(Scope.Group)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED",
        "--sun-misc-unsafe-memory-access=allow", "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED"})
public class MpscThroughputBench {

    private static final int CAPACITY = 1 << 20;
    private static final int MESSAGE = 32;
    private static final int BATCH = 256;

    SharedMemory mmanMemory;
    SharedMemory agronaMemory;
    MpscRingBuffer mmanConsumer;
    ManyToOneRingBuffer agrona;
    private final MessageHandler mmanHandler = (type, buffer, offset, length) -> { };
    private final org.agrona.concurrent.MessageHandler agronaHandler =
            (int type, MutableDirectBuffer buffer, int index, int length) -> { };
    private final UnsafeBuffer agronaMessage = new UnsafeBuffer(new byte[MESSAGE]);

    /** Each mman producer thread attaches its own object, which holds its producer slot. */
    @State(Scope.Thread)
    public static class MmanProducer {
        MpscRingBuffer ring;
        final MemorySegment message = MemorySegment.ofArray(new byte[MESSAGE]);

        /**
         * Attaches to the group's ring.
         *
         * @param group the group state that formatted it
         */
        @Setup
        public void attach(MpscThroughputBench group) {
            ring = MpscRingBuffer.attach(group.mmanMemory, 0);
        }

        // No TearDown: JMH tears the group state (and its mapping) down first; the slots go with the fork.
    }

    /** Two mappings of the same kind; names are removed at once. */
    @Setup
    public void setUp() {
        long pid = ProcessHandle.current().pid();
        mmanMemory = SharedMemory.create("mman-bench-mpsc-" + pid, MpscRingBuffer.requiredBytes(CAPACITY, 4));
        mmanMemory.unlink();
        mmanConsumer = MpscRingBuffer.format(mmanMemory, 0, CAPACITY, 4, MpscRingBuffer.DEFAULT_STALL_TIMEOUT);
        agronaMemory = SharedMemory.create("mman-bench-agrona-mpsc-" + pid,
                CAPACITY + RingBufferDescriptor.TRAILER_LENGTH);
        agronaMemory.unlink();
        agrona = new ManyToOneRingBuffer(new UnsafeBuffer(agronaMemory.address(), (int) agronaMemory.size()));
    }

    /** Unmaps both. */
    @TearDown
    public void tearDown() {
        mmanMemory.close();
        agronaMemory.close();
    }

    /** mman producers. */
    @Benchmark
    @Group("mman")
    @GroupThreads(2)
    public void write_mman(MmanProducer producer, MessageCount counted) {
        if (producer.ring.tryWrite(1, producer.message, 0, MESSAGE)) {
            counted.messages++;
        }
    }

    /** mman consumer. */
    @Benchmark
    @Group("mman")
    @GroupThreads(1)
    public void read_mman(MessageCount counted) {
        counted.messages += mmanConsumer.read(mmanHandler, BATCH);
    }

    /** Agrona producers. */
    @Benchmark
    @Group("agrona")
    @GroupThreads(2)
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
