package dev.mman.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.MMapException;
import dev.mman.SharedMemory;
import dev.mman.testing.ChildJvm;
import dev.mman.testing.RunningChild;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Both rings between real processes, the parent consuming with blocking reads. */
class RingProcessesTest {

    private static final int CAPACITY = 1 << 20;
    private static final long MPSC_PER_PRODUCER = 200_000;
    private static final Duration STALL_TIMEOUT = Duration.ofMillis(300);
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    @TempDir
    Path dir;

    private final String name = "mman-ring-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();

    @AfterEach
    void removeName() {
        SharedMemory.unlink(name);
    }

    /** The full count: about 7 s on a loaded 2-core machine. */
    @Test
    void spscDeliversTenMillionMessagesInOrder() throws InterruptedException {
        spscRoundTrip(10_000_000);
    }

    private void spscRoundTrip(long count) throws InterruptedException {
        try (SharedMemory shm = SharedMemory.create(name, SpscRingBuffer.requiredBytes(CAPACITY))) {
            SpscRingBuffer ring = SpscRingBuffer.format(shm, 0, CAPACITY);
            RunningChild producer = ChildJvm.in(dir).withTimeout(Duration.ofMinutes(10))
                    .start(RingPeer.class.getName(), "spsc", name, Long.toString(count));
            SpscChecker checker = new SpscChecker();
            while (checker.next < count) {
                int read = ring.read(checker, 1000, Duration.ofSeconds(60));
                assertTrue(read > 0, "no message for 60 s after " + checker.next);
            }
            String crc = producer.awaitExit().assertCleanExit().line("CRC ");
            assertEquals(count, checker.next);
            assertEquals(0, checker.wrong, "messages with a wrong type, length or content");
            assertEquals(crc, "CRC " + checker.crc.getValue());
            assertEquals(0, ring.read((t, b, o, l) -> { }, 1), "nothing after the last message");
        }
    }

    /** Compares every message with the one the producer must have sent next. */
    private static final class SpscChecker implements MessageHandler {
        final CRC32C crc = new CRC32C();
        final byte[] scratch = new byte[RingPeer.SPSC_MAX_LENGTH];
        long next;
        long wrong;

        @Override
        public void onMessage(int type, MemorySegment buffer, long offset, int length) {
            boolean right = type == 1 + (int) (next % 1000)
                    && length == Payloads.length(RingPeer.SPSC_STREAM, next, 1, RingPeer.SPSC_MAX_LENGTH)
                    && Payloads.matches(RingPeer.SPSC_STREAM, next, buffer, offset, length, scratch);
            wrong += right ? 0 : 1;
            Payloads.checksum(crc, buffer, offset, length);
            next++;
        }
    }

    @Test
    void mpscDeliversEveryMessageOnceAndSkipsAKilledWriter() throws InterruptedException {
        // Small enough that the producers fill it while the dead claim blocks the consumer.
        int capacity = 64 * 1024;
        try (SharedMemory shm = SharedMemory.create(name, MpscRingBuffer.requiredBytes(capacity, 8))) {
            MpscRingBuffer ring = MpscRingBuffer.format(shm, 0, capacity, 8, STALL_TIMEOUT);
            RunningChild stalled = ChildJvm.in(dir).start(RingPeer.class.getName(), "stall", name);
            stalled.awaitLine("CLAIMED");
            List<RunningChild> producers = List.of(
                    ChildJvm.in(dir).start(RingPeer.class.getName(), "mpsc", name, "1", Long.toString(MPSC_PER_PRODUCER)),
                    ChildJvm.in(dir).start(RingPeer.class.getName(), "mpsc", name, "2", Long.toString(MPSC_PER_PRODUCER)));
            long[] next = new long[3];
            long[] wrong = {0};
            MessageHandler checker = (type, buffer, offset, length) -> {
                if (type != 1 && type != 2) {
                    wrong[0]++;
                    return;
                }
                boolean right = Payloads.sequence(buffer, offset) == next[type]
                        && length == Payloads.length(type, next[type], Long.BYTES, RingPeer.MPSC_MAX_LENGTH);
                wrong[0] += right ? 0 : 1;
                next[type]++;
            };
            // Records now wait behind the dead claim (the other producer may already be blocked on a full ring).
            producers.get(0).awaitLine("WRITING");
            assertEquals(0, ring.read(checker, 100, STALL_TIMEOUT.multipliedBy(2)),
                    "the writer of the first claim lives, so the consumer waits for it");
            long killed = System.nanoTime();
            stalled.killForcibly().assertNoCrash();
            long firstAfterKill = 0;
            while (next[1] + next[2] < 2 * MPSC_PER_PRODUCER) {
                int read = ring.read(checker, 1000, Duration.ofSeconds(60));
                assertTrue(read > 0, "no message for 60 s; received " + next[1] + " and " + next[2]);
                firstAfterKill = firstAfterKill == 0 ? System.nanoTime() - killed : firstAfterKill;
            }
            for (RunningChild producer : producers) {
                producer.awaitExit().assertCleanExit().line("DONE");
            }
            assertEquals(0, wrong[0], "messages out of order, duplicated or damaged");
            assertEquals(MPSC_PER_PRODUCER, next[1]);
            assertEquals(MPSC_PER_PRODUCER, next[2]);
            assertEquals(1, ring.skippedClaims(), "the killed writer's claim is skipped, once");
            assertEquals(0, ring.read(checker, 1), "nothing after the last message");
            System.out.println("mpsc: first record " + TimeUnit.NANOSECONDS.toMillis(firstAfterKill)
                    + " ms after SIGKILL, stall timeout " + STALL_TIMEOUT.toMillis() + " ms");
        }
    }

    @Test
    void aDeadProducersSlotIsReusedOnceItsClaimIsSkipped() throws InterruptedException {
        int capacity = 4096;
        try (SharedMemory shm = SharedMemory.create(name, MpscRingBuffer.requiredBytes(capacity, 1))) {
            MpscRingBuffer ring = MpscRingBuffer.format(shm, 0, capacity, 1, STALL_TIMEOUT);
            RunningChild stalled = ChildJvm.in(dir).start(RingPeer.class.getName(), "stall", name);
            stalled.awaitLine("CLAIMED");
            MMapException full = assertThrows(MMapException.class, () -> ring.tryWrite(2, new byte[8]));
            assertTrue(full.getMessage().contains("all 1 producer slots are taken"), full.getMessage());
            stalled.killForcibly().assertNoCrash();
            assertEquals(0, ring.read((t, b, o, l) -> { }, 10, STALL_TIMEOUT.multipliedBy(3)));
            assertEquals(1, ring.skippedClaims());
            assertTrue(ring.tryWrite(2, new byte[8]), "the dead producer's slot is free again");
            List<Integer> types = new ArrayList<>();
            assertEquals(1, ring.read((t, b, o, l) -> types.add(t), 10));
            assertEquals(List.of(2), types);
            ring.close();
        }
    }
}
