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
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One-to-one ring throughput for 32-byte messages (goal: at least Agrona's). The measured thread
 * is the producer; a {@link Drain} thread consumes. Each ring lives in its own named
 * shared-memory mapping of the same size, and only the ring of the running benchmark has a
 * consumer, so the two never compete for the cores.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED",
        "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED",
        "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
        "--sun-misc-unsafe-memory-access=allow"})
public class SpscThroughputBench {

    static final int CAPACITY = 1 << 20;
    static final int MESSAGE = 32;
    /** Messages per invocation, so that JMH's own per-call cost stays out of the figure. */
    static final int BATCH = 64;
    /** Messages per read call of the consumer. */
    static final int READ_LIMIT = 256;

    /** mman's ring, formatted in a fresh mapping, with its consumer. */
    @State(Scope.Benchmark)
    public static class MmanRing {
        private SharedMemory memory;
        private SpscRingBuffer producer;
        private Drain consumer;
        private final MemorySegment message = MemorySegment.ofArray(new byte[MESSAGE]);

        /** Formats the ring, unlinks its name at once and starts the consumer. */
        @Setup
        public void setUp() {
            memory = BenchFiles.unlinkedSharedMemory("spsc", SpscRingBuffer.requiredBytes(CAPACITY));
            producer = SpscRingBuffer.format(memory, 0, CAPACITY);
            SpscRingBuffer reader = SpscRingBuffer.attach(memory, 0);
            MessageHandler ignore = (type, buffer, offset, length) -> { };
            consumer = Drain.start("spsc-mman-consumer", () -> reader.read(ignore, READ_LIMIT));
        }

        /** Stops the consumer, then unmaps. */
        @TearDown
        public void tearDown() {
            consumer.stop();
            memory.close();
        }
    }

    /** Agrona's ring over a mapping of the same kind and size, with its consumer. */
    @State(Scope.Benchmark)
    public static class AgronaRing {
        private SharedMemory memory;
        private OneToOneRingBuffer ring;
        private Drain consumer;
        private final UnsafeBuffer message = new UnsafeBuffer(new byte[MESSAGE]);

        /** Maps, wraps and starts the consumer. */
        @Setup
        public void setUp() {
            memory = BenchFiles.unlinkedSharedMemory("agrona-spsc", CAPACITY + RingBufferDescriptor.TRAILER_LENGTH);
            ring = new OneToOneRingBuffer(new UnsafeBuffer(memory.address(), (int) memory.size()));
            org.agrona.concurrent.MessageHandler ignore = (int type, MutableDirectBuffer buffer, int index,
                    int length) -> { };
            consumer = Drain.start("spsc-agrona-consumer", () -> ring.read(ignore, READ_LIMIT));
        }

        /** Stops the consumer, then unmaps. */
        @TearDown
        public void tearDown() {
            consumer.stop();
            memory.close();
        }
    }

    /** mman: writes a batch, waiting whenever the ring is full. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void messages_mman(MmanRing ring) {
        for (int i = 0; i < BATCH; i++) {
            while (!ring.producer.tryWrite(1, ring.message, 0, MESSAGE)) {
                Thread.onSpinWait();
            }
        }
    }

    /** Agrona: the same. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void messages_agrona(AgronaRing ring) {
        for (int i = 0; i < BATCH; i++) {
            while (!ring.ring.write(1, ring.message, 0, MESSAGE)) {
                Thread.onSpinWait();
            }
        }
    }
}
