package dev.mman.bench;

import static dev.mman.bench.SpscThroughputBench.BATCH;
import static dev.mman.bench.SpscThroughputBench.CAPACITY;
import static dev.mman.bench.SpscThroughputBench.MESSAGE;
import static dev.mman.bench.SpscThroughputBench.READ_LIMIT;

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
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Many-to-one ring throughput for 32-byte messages: two measured producer threads and one
 * {@link Drain} consumer, mman against Agrona's {@code ManyToOneRingBuffer}, each over a
 * shared-memory mapping of the same size. JMH reports each producer's time per message.
 * (Threads of one JVM; the cross-process case is what the ring's tests cover.)
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED",
        "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED",
        "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
        "--sun-misc-unsafe-memory-access=allow"})
public class MpscThroughputBench {

    /** Slots for the two producers, with room to spare. */
    private static final int PRODUCER_SLOTS = 4;

    /** mman's ring and its consumer. */
    @State(Scope.Benchmark)
    public static class MmanRing {
        private SharedMemory memory;
        private Drain consumer;

        /** Formats the ring, unlinks its name at once and starts the consumer. */
        @Setup
        public void setUp() {
            memory = BenchFiles.unlinkedSharedMemory("mpsc", MpscRingBuffer.requiredBytes(CAPACITY, PRODUCER_SLOTS));
            MpscRingBuffer reader = MpscRingBuffer.format(memory, 0, CAPACITY, PRODUCER_SLOTS,
                    MpscRingBuffer.DEFAULT_STALL_TIMEOUT);
            MessageHandler ignore = (type, buffer, offset, length) -> { };
            consumer = Drain.start("mpsc-mman-consumer", () -> reader.read(ignore, READ_LIMIT));
        }

        /** Stops the consumer, then unmaps. */
        @TearDown
        public void tearDown() {
            consumer.stop();
            memory.close();
        }
    }

    /**
     * Each mman producer thread attaches an object of its own, which holds its producer slot. It
     * is not closed: the mapping may be gone by then, and the slots go with the fork.
     */
    @State(Scope.Thread)
    public static class MmanProducer {
        private MpscRingBuffer ring;
        private final MemorySegment message = MemorySegment.ofArray(new byte[MESSAGE]);

        /**
         * Attaches to the benchmark's ring.
         *
         * @param shared the state that formatted it
         */
        @Setup
        public void attach(MmanRing shared) {
            ring = MpscRingBuffer.attach(shared.memory, 0);
        }
    }

    /** Agrona's ring, shared by both producers (it is thread-safe for writers), and its consumer. */
    @State(Scope.Benchmark)
    public static class AgronaRing {
        private SharedMemory memory;
        private ManyToOneRingBuffer ring;
        private Drain consumer;

        /** Maps, wraps and starts the consumer. */
        @Setup
        public void setUp() {
            memory = BenchFiles.unlinkedSharedMemory("agrona-mpsc", CAPACITY + RingBufferDescriptor.TRAILER_LENGTH);
            ring = new ManyToOneRingBuffer(new UnsafeBuffer(memory.address(), (int) memory.size()));
            org.agrona.concurrent.MessageHandler ignore = (int type, MutableDirectBuffer buffer, int index,
                    int length) -> { };
            consumer = Drain.start("mpsc-agrona-consumer", () -> ring.read(ignore, READ_LIMIT));
        }

        /** Stops the consumer, then unmaps. */
        @TearDown
        public void tearDown() {
            consumer.stop();
            memory.close();
        }
    }

    /** Each Agrona producer thread's message buffer. */
    @State(Scope.Thread)
    public static class AgronaMessage {
        private final UnsafeBuffer message = new UnsafeBuffer(new byte[MESSAGE]);
    }

    /** mman: each producer writes a batch, waiting whenever the ring is full. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void messages_mman(MmanProducer producer) {
        for (int i = 0; i < BATCH; i++) {
            while (!producer.ring.tryWrite(1, producer.message, 0, MESSAGE)) {
                Thread.onSpinWait();
            }
        }
    }

    /** Agrona: the same. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void messages_agrona(AgronaRing shared, AgronaMessage producer) {
        for (int i = 0; i < BATCH; i++) {
            while (!shared.ring.write(1, producer.message, 0, MESSAGE)) {
                Thread.onSpinWait();
            }
        }
    }
}
