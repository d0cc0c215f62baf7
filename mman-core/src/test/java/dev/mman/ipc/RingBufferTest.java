package dev.mman.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.MMapInvalidParameterException;
import dev.mman.MemoryMap;
import dev.mman.Mman;
import dev.mman.testing.TestBackend;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Both rings inside one process: argument checks, wrap-around, blocking reads, stalled writers. */
class RingBufferTest {

    private static final int CAPACITY = 4096;

    private final MemoryMap map = MemoryMap.createAnonymous(1 << 20, Mman.PROT_READ | Mman.PROT_WRITE,
            Mman.MAP_SHARED);

    @AfterEach
    void unmap() {
        map.close();
    }

    @Test
    void rejectsBadCapacitiesNamingTheValue() {
        assertMessage(() -> SpscRingBuffer.format(map, 0, 3000), "capacity 3000 is not a power of two between "
                + "1024 and 1073741824; use 4096");
        assertMessage(() -> SpscRingBuffer.format(map, 0, 0), "capacity 0 is not a power of two");
        assertMessage(() -> MpscRingBuffer.format(map, 0, 512), "capacity 512 is not a power of two between "
                + "1024 and 1073741824; use 1024");
        assertMessage(() -> SpscRingBuffer.requiredBytes(Integer.MIN_VALUE), "capacity -2147483648");
        assertMessage(() -> MpscRingBuffer.requiredBytes(4096, 0), "producers 0 is outside 1..4096");
        assertMessage(() -> MpscRingBuffer.format(map, 0, 4096, 4, Duration.ZERO), "stall timeout PT0S is not "
                + "positive");
    }

    @Test
    void rejectsBadPlacementNamingTheValue() {
        assertMessage(() -> SpscRingBuffer.format(map, 4, CAPACITY), "offset 4 is not a multiple of 8; use 0 or 8");
        assertMessage(() -> SpscRingBuffer.format(map, -64, CAPACITY), "offset -64 is negative");
        assertMessage(() -> SpscRingBuffer.format(map, (1 << 20) - 1024, CAPACITY), "ends past the end of the "
                + "1048576-byte mapping");
        assertMessage(() -> MpscRingBuffer.attach(map, 0), "no ring buffer was formatted there (found magic "
                + "0x00000000)");
        SpscRingBuffer.format(map, 0, CAPACITY);
        assertMessage(() -> MpscRingBuffer.attach(map, 0), "the ring at offset 0 is Spsc, not Mpsc; attach it with "
                + "SpscRingBuffer.attach");
    }

    @Test
    void rejectsBadRecordsNamingTheValue() {
        SpscRingBuffer ring = SpscRingBuffer.format(map, 0, CAPACITY);
        assertEquals(CAPACITY / 8 - 8, ring.maxMessageLength());
        assertMessage(() -> ring.tryWrite(0, new byte[1]), "type 0 is reserved; record types start at 1");
        assertMessage(() -> ring.tryWrite(-1, new byte[1]), "type -1 is reserved");
        assertMessage(() -> ring.tryWrite(1, new byte[505]), "length 505 is outside 0..504, the most a record of "
                + "this 4096-byte ring can carry; use a capacity of at least 8192");
        assertMessage(() -> ring.read((t, b, o, l) -> { }, 0), "limit 0 is not positive");
        assertMessage(() -> ring.tryWrite(1, MemorySegment.ofArray(new byte[4]), 2, 3),
                "source offset 2 + length 3 does not lie inside the 4-byte source segment; pass an offset from 0 to 1");
    }

    @Test
    void spscFillsUpThenDrainsAcrossTheWrap() {
        SpscRingBuffer ring = SpscRingBuffer.format(map, 0, CAPACITY);
        SpscRingBuffer consumer = SpscRingBuffer.attach(map, 0);
        byte[] scratch = new byte[ring.maxMessageLength()];
        long written = 0;
        long read = 0;
        for (int round = 0; round < 200; round++) {
            while (true) {
                int length = Payloads.length(1, written, 0, ring.maxMessageLength());
                Payloads.fill(1, written, scratch, length);
                if (!ring.tryWrite(1 + (int) (written % 7), MemorySegment.ofArray(scratch), 0, length)) {
                    break;
                }
                written++;
            }
            long before = read;
            long[] next = {read};
            int count = consumer.read((type, buffer, offset, length) -> {
                assertEquals(1 + (int) (next[0] % 7), type);
                assertEquals(Payloads.length(1, next[0], 0, ring.maxMessageLength()), length);
                assertTrue(Payloads.matches(1, next[0], buffer, offset, length, new byte[length]));
                next[0]++;
            }, Integer.MAX_VALUE);
            read = next[0];
            assertEquals(read - before, count);
            assertEquals(written, read);
        }
        assertTrue(written > 2000, "the ring wrapped many times: " + written);
    }

    @Test
    void blockingReadTimesOutEmptyAndWakesOnAWrite() throws Exception {
        SpscRingBuffer ring = SpscRingBuffer.format(map, 0, CAPACITY);
        assertEquals(0, ring.read((t, b, o, l) -> { }, 10, Duration.ofMillis(200)));
        Thread producer = Thread.ofPlatform().start(() -> {
            try {
                Thread.sleep(300);
                ring.write(5, new byte[] {42});
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        List<Integer> types = new ArrayList<>();
        assertEquals(1, SpscRingBuffer.attach(map, 0).read((t, b, o, l) -> types.add(t), 10,
                Duration.ofSeconds(30)));
        assertEquals(List.of(5), types);
        producer.join();
    }

    @Test
    void hugeTimeoutsMeanForeverInsteadOfOverflowing() throws Exception {
        SpscRingBuffer ring = SpscRingBuffer.format(map, 0, CAPACITY);
        ring.write(9, new byte[3]);
        assertEquals(1, ring.read((t, b, o, l) -> { }, 10, Duration.ofSeconds(Long.MAX_VALUE)));
        SharedLock lock = SharedLock.format(map, SpscRingBuffer.requiredBytes(CAPACITY));
        CountDownLatch held = new CountDownLatch(1);
        Thread owner = Thread.ofPlatform().start(() -> {
            lock.lock();
            held.countDown();
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            lock.unlock();
        });
        held.await();
        assertEquals(LockResult.ACQUIRED, lock.tryLock(Duration.ofSeconds(Long.MAX_VALUE)));
        lock.unlock();
        owner.join();
    }

    @Test
    void mpscThreadsDeliverEveryMessageOnce() throws Exception {
        MpscRingBuffer.format(map, 0, CAPACITY, 4, Duration.ofSeconds(1));
        int producers = 3;
        int perProducer = 20_000;
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int p = 1; p <= producers; p++) {
            int id = p;
            threads.add(Thread.ofPlatform().start(() -> {
                byte[] payload = new byte[64];
                try (MpscRingBuffer ring = MpscRingBuffer.attach(map, 0)) {
                    for (long n = 0; n < perProducer; n++) {
                        int length = Payloads.length(id, n, 8, 64);
                        java.nio.ByteBuffer.wrap(payload).order(java.nio.ByteOrder.nativeOrder()).putLong(0, n);
                        ring.write(id, MemorySegment.ofArray(payload), 0, length);
                    }
                } catch (Throwable e) {
                    failure.set(e);
                }
            }));
        }
        MpscRingBuffer consumer = MpscRingBuffer.attach(map, 0);
        long[] next = new long[producers + 1];
        long total = 0;
        while (total < (long) producers * perProducer) {
            int count = consumer.read((type, buffer, offset, length) -> {
                long seq = Payloads.sequence(buffer, offset);
                if (seq != next[type]) {
                    throw new AssertionError("producer " + type + " expected " + next[type] + " got " + seq + " len "
                            + length + " at index " + (offset - 8) + " " + consumer);
                }
                next[type]++;
            }, 100, Duration.ofSeconds(30));
            assertTrue(count > 0, "stalled at " + total + " of " + producers * perProducer + ": " + failure.get());
            total += count;
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertEquals(null, failure.get());
        for (int p = 1; p <= producers; p++) {
            assertEquals(perProducer, next[p]);
        }
        assertEquals(0, consumer.skippedClaims());
    }

    @Test
    void aLiveButStalledProducerIsWaitedFor() throws Exception {
        MpscRingBuffer.format(map, 0, CAPACITY, 2, Duration.ofMillis(100));
        MpscRingBuffer producer = MpscRingBuffer.attach(map, 0);
        CountDownLatch claimed = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread stalled = Thread.ofPlatform().start(() -> producer.tryWrite(3, MemorySegment.ofArray(new byte[16]),
                0, 16, () -> {
                    claimed.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
        claimed.await();
        MpscRingBuffer consumer = MpscRingBuffer.attach(map, 0);
        List<Integer> types = new ArrayList<>();
        assertEquals(0, consumer.read((t, b, o, l) -> types.add(t), 10, Duration.ofMillis(400)),
                "the producer lives, so its claim must not be skipped");
        release.countDown();
        stalled.join();
        assertEquals(1, consumer.read((t, b, o, l) -> types.add(t), 10, Duration.ofSeconds(30)));
        assertEquals(List.of(3), types);
        assertEquals(0, consumer.skippedClaims());
        producer.close();
    }

    @Test
    void producerSlotsRunOut() {
        MpscRingBuffer.format(map, 0, CAPACITY, 1, Duration.ofSeconds(1));
        try (MpscRingBuffer first = MpscRingBuffer.attach(map, 0);
                MpscRingBuffer second = MpscRingBuffer.attach(map, 0)) {
            assertTrue(first.tryWrite(1, new byte[8]));
            dev.mman.MMapException full = assertThrows(dev.mman.MMapException.class,
                    () -> second.tryWrite(1, new byte[8]));
            assertTrue(full.getMessage().contains("all 1 producer slots are taken"), full.getMessage());
            first.close();
            assertTrue(second.tryWrite(1, new byte[8]), "a closed producer frees its slot");
        }
        assertFalse(MpscRingBuffer.attach(map, 0).toString().isEmpty());
    }

    @Test
    void closingAProducerAfterItsMappingIsHarmless() {
        MemoryMap own = MemoryMap.createAnonymous(1 << 16, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_SHARED);
        MpscRingBuffer.format(own, 0, CAPACITY);
        MpscRingBuffer producer = MpscRingBuffer.attach(own, 0);
        assertTrue(producer.tryWrite(1, new byte[8]));
        own.close();
        producer.close();
        TestBackend.assertClosedViewAccess(() -> producer.tryWrite(1, new byte[8]));
    }

    private static void assertMessage(Executable call, String expected) {
        MMapInvalidParameterException e = assertThrows(MMapInvalidParameterException.class, call);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
