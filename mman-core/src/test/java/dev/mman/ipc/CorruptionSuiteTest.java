package dev.mman.ipc;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.mman.MMapException;
import dev.mman.SharedMemory;
import dev.mman.internal.ProcessIdentity;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every field of the ring and lock layouts, set by a peer (through a second mapping of the same
 * shared memory object) to boundary values and then to random ones, while producers, the
 * consumer and lockers go on. Each run must end within its bound, hand handlers only slices of
 * the data area, allocate nothing in proportion to a shared value, and end either normally or in
 * the documented exceptions (the {@link MMapException} family); never IndexOutOfBounds,
 * IllegalArgument, Arithmetic or a raw InternalError.
 */
class CorruptionSuiteTest {

    private static final int CAPACITY = 4096;
    private static final long BYTES = 1 << 16;
    private static final long LOCK_AT = 32768;
    private static final Duration STALL = Duration.ofMillis(10);
    private static final long CASE_BOUND_SECONDS = 20;
    /** Far above what a run of a few thousand small records allocates; far below a size taken from a shared value. */
    private static final long ALLOCATION_BOUND = 64L << 20;
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final String name = "mman-corrupt-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
    private final SharedMemory mine = SharedMemory.create(name, BYTES);
    /** The peer's mapping of the same object. */
    private final SharedMemory theirs = SharedMemory.open(name);
    private final MemorySegment peer = theirs.asSegment();
    private final ExecutorService runner = Executors.newSingleThreadExecutor();

    @AfterEach
    void cleanUp() {
        runner.shutdownNow();
        theirs.close();
        mine.close();
        SharedMemory.unlink(name);
    }

    /** A field: where it sits (computed from the ring, for record headers) and how wide it is. */
    private record Field(String name, int width, java.util.function.ToLongFunction<RingBuffer> offset) {
        static Field at(String name, int width, long offset) {
            return new Field(name, width, ring -> offset);
        }
    }

    private static List<Field> ringFields(boolean mpsc) {
        List<Field> fields = new ArrayList<>(List.of(
                Field.at("magic", 4, RingLayout.MAGIC_OFFSET), Field.at("kind", 4, RingLayout.KIND_OFFSET),
                Field.at("capacity", 4, RingLayout.CAPACITY_OFFSET),
                Field.at("producerSlots", 4, RingLayout.PRODUCER_SLOTS_OFFSET),
                Field.at("stallTimeoutNanos", 8, RingLayout.STALL_TIMEOUT_OFFSET),
                Field.at("version", 4, RingLayout.VERSION_OFFSET), Field.at("reserved", 4, 28),
                Field.at("tail", 8, RingLayout.TAIL_OFFSET), Field.at("producer", 8, RingLayout.PRODUCER_OFFSET),
                Field.at("head", 8, RingLayout.HEAD_OFFSET), Field.at("consumer", 8, RingLayout.CONSUMER_OFFSET),
                Field.at("waiting", 4, RingLayout.WAITING_OFFSET),
                new Field("header at head", 8, ring -> dataAt(ring, RingLayout.HEAD_OFFSET, 0)),
                new Field("header after head", 8, ring -> dataAt(ring, RingLayout.HEAD_OFFSET, 16)),
                new Field("header at tail", 8, ring -> dataAt(ring, RingLayout.TAIL_OFFSET, 0)),
                new Field("last data word", 8, ring -> RingLayout.dataOffset(slots(ring)) + CAPACITY - 8)));
        if (mpsc) {
            for (int slot = 0; slot < 2; slot++) {
                long base = RingLayout.slotOffset(slot);
                fields.add(Field.at("slot " + slot + " owner", 8, base + RingLayout.SLOT_OWNER_OFFSET));
                fields.add(Field.at("slot " + slot + " start", 8, base + RingLayout.SLOT_START_OFFSET));
                fields.add(Field.at("slot " + slot + " length", 8, base + RingLayout.SLOT_LENGTH_OFFSET));
            }
        }
        return fields;
    }

    private static int slots(RingBuffer ring) {
        return ring instanceof MpscRingBuffer ? 2 : 0;
    }

    /** The data-area word at the position in the metadata field {@code position}, plus {@code delta}. */
    private static long dataAt(RingBuffer ring, long position, long delta) {
        long at = ring.meta.get(JAVA_LONG, position) + delta;
        return RingLayout.dataOffset(slots(ring)) + (at & (CAPACITY - 1) & ~7L);
    }

    /** The boundary values, and values near the field's current one (plausible and wrong). */
    private static long[] boundaryValues(long current) {
        return new long[] {0, -1, 1, Long.MIN_VALUE, Long.MAX_VALUE, Integer.MIN_VALUE, Integer.MAX_VALUE,
            CAPACITY - 1, CAPACITY, CAPACITY + 1, 2L * CAPACITY, 7, current + 8, current - 8, current + CAPACITY,
            current ^ 0x5555_5555_5555_5555L};
    }

    @Test
    void everySpscFieldAtEveryBoundaryValue() throws Exception {
        runBoundaries(false);
    }

    @Test
    void everyMpscFieldAtEveryBoundaryValue() throws Exception {
        runBoundaries(true);
    }

    private void runBoundaries(boolean mpsc) throws Exception {
        int runs = 0;
        for (Field field : ringFields(mpsc)) {
            int values = boundaryValues(0).length;
            for (int v = 0; v < values; v++) {
                int which = v;
                bounded(field.name() + " value #" + which, () -> {
                    RingPair pair = RingPair.fresh(mine, mpsc);
                    long at = field.offset().applyAsLong(pair.consumer);
                    long value = boundaryValues(read(field, at))[which];
                    write(field, at, value);
                    pair.drive(field.name() + " = " + value);
                });
                runs++;
            }
        }
        assertEquals(ringFields(mpsc).size() * boundaryValues(0).length, runs);
    }

    @Test
    void theLockWordAndEveryLockFieldAtEveryBoundaryValue() throws Exception {
        long identity = ProcessIdentity.current();
        long[] words = {0, -1, 1, 2, 3, Long.MIN_VALUE, Long.MAX_VALUE, Integer.MIN_VALUE, Integer.MAX_VALUE, identity,
            identity | 2, identity | 3, ProcessIdentity.of(1, 0) | 1, ProcessIdentity.of(Integer.MAX_VALUE, 5) | 2};
        long[] offsets = {LockLayout.WORD_OFFSET, LockLayout.MAGIC_OFFSET, LockLayout.CONSISTENCY_OFFSET,
            LockLayout.VERSION_OFFSET};
        for (long offset : offsets) {
            for (long word : words) {
                bounded("lock offset " + offset + " = " + word, () -> {
                    SharedLock lock = SharedLock.format(mine, LOCK_AT);
                    if (offset == LockLayout.WORD_OFFSET) {
                        peer.set(JAVA_LONG, LOCK_AT + offset, word);
                    } else {
                        peer.set(JAVA_INT, LOCK_AT + offset, (int) word);
                    }
                    driveLock(lock);
                });
            }
        }
    }

    /** Takes and releases the lock as a locker would, and attaches anew; every step may end in a documented way. */
    private void driveLock(SharedLock lock) {
        step("toString", lock::toString);
        step("attach", () -> SharedLock.attach(mine, LOCK_AT));
        step("ownerPid", lock::ownerPid);
        for (int round = 0; round < 3; round++) {
            if (!step("tryLock", () -> {
                LockResult result = lock.tryLock(Duration.ofMillis(250));
                if (result.acquired()) {
                    if (result == LockResult.OWNER_DIED) {
                        lock.markConsistent();
                    }
                    lock.unlock();
                }
                return result;
            })) {
                return;
            }
        }
    }

    @Test
    void randomCorruptionSoak() throws Exception {
        soak(Duration.ofSeconds(Long.getLong("mman.ipc.soakSeconds", 20)));
    }

    @Tag("stress")
    @Test
    void randomCorruptionSoakForTenMinutes() throws Exception {
        soak(Duration.ofSeconds(Math.max(600, Long.getLong("mman.ipc.soakSeconds", 600))));
    }

    /**
     * Random fields of a ring and a lock get random values (boundary ones, near misses of the
     * current value, and arbitrary bits) while a producer, the consumer and a locker run; each
     * round re-formats what was found corrupt.
     */
    private void soak(Duration length) throws Exception {
        long seed = Long.getLong("mman.ipc.soakSeed", System.nanoTime());
        SplittableRandom random = new SplittableRandom(seed);
        long end = System.nanoTime() + length.toNanos();
        int rounds = 0;
        while (System.nanoTime() < end) {
            boolean mpsc = random.nextBoolean();
            List<Field> fields = ringFields(mpsc);
            long roundSeed = random.nextLong();
            bounded("soak seed " + seed + " round " + rounds + " (" + (mpsc ? "MPSC" : "SPSC") + ")", () -> {
                SplittableRandom r = new SplittableRandom(roundSeed);
                RingPair pair = RingPair.fresh(mine, mpsc);
                SharedLock lock = SharedLock.format(mine, LOCK_AT);
                for (int hit = 0; hit < 8; hit++) {
                    Field field = fields.get(r.nextInt(fields.size()));
                    long at = field.offset().applyAsLong(pair.consumer);
                    long[] candidates = boundaryValues(read(field, at));
                    long value = r.nextInt(3) == 0 ? r.nextLong() : candidates[r.nextInt(candidates.length)];
                    write(field, at, value);
                    if (r.nextInt(4) == 0) {
                        peer.set(JAVA_LONG, LOCK_AT, r.nextInt(2) == 0 ? r.nextLong() : r.nextLong(8));
                    }
                    if (!pair.drive(field.name() + " = " + value)) {
                        break;
                    }
                    driveLock(lock);
                }
            });
            rounds++;
        }
        System.out.println("corruption soak: " + rounds + " rounds in " + length + ", seed " + seed);
        assertTrue(rounds > 0);
    }

    private long read(Field field, long at) {
        return field.width() == 8 ? peer.get(JAVA_LONG, at) : peer.get(JAVA_INT, at);
    }

    private void write(Field field, long at, long value) {
        if (field.width() == 8) {
            peer.set(JAVA_LONG, at, value);
        } else {
            peer.set(JAVA_INT, at, (int) value);
        }
    }

    /** A producer and the consumer of a fresh ring with unread records, read records and free space. */
    private record RingPair(SharedMemory memory, boolean mpsc, RingBuffer producer, RingBuffer consumer) {

        static RingPair fresh(SharedMemory memory, boolean mpsc) {
            RingBuffer consumer = mpsc ? MpscRingBuffer.format(memory, 0, CAPACITY, 2, STALL)
                    : SpscRingBuffer.format(memory, 0, CAPACITY);
            RingBuffer producer = mpsc ? MpscRingBuffer.attach(memory, 0) : consumer;
            for (int i = 0; i < 10; i++) {
                assertTrue(producer.tryWrite(1 + i, new byte[8 * i]));
            }
            assertEquals(3, consumer.read((t, b, o, l) -> { }, 3));
            return new RingPair(memory, mpsc, producer, consumer);
        }

        /** Attaches, writes, reads and asks; false once a step ended in a documented exception. */
        boolean drive(String what) {
            MessageHandler inBounds = (type, buffer, offset, length) -> {
                if (offset < 0 || length < 0 || offset + length > buffer.byteSize() || type < 1
                        || buffer.byteSize() != CAPACITY) {
                    fail(what + ": the handler got type " + type + ", offset " + offset + ", length " + length
                            + " of " + buffer.byteSize() + " bytes");
                }
            };
            boolean going = step("attach", () -> {
                RingBuffer again = mpsc ? MpscRingBuffer.attach(memory, 0) : SpscRingBuffer.attach(memory, 0);
                if (again instanceof MpscRingBuffer m) {
                    m.close();
                }
            });
            for (int round = 0; going && round < 20; round++) {
                int size = 8 * (round % 7);
                going = step("tryWrite", () -> producer.tryWrite(1 + size, new byte[size]))
                        && step("read", () -> consumer.read(inBounds, 5));
            }
            going = going && step("read-timeout", () -> consumer.read(inBounds, 100, Duration.ofMillis(15)));
            step("toString", () -> producer + " " + consumer);
            step("producersAlive", consumer::producersAlive);
            step("consumerAlive", producer::consumerAlive);
            return going;
        }
    }

    /** One step: true when it returned, false when it threw a documented exception; fails on any other. */
    private static boolean step(String name, ThrowingStep step) {
        try {
            step.run();
            return true;
        } catch (MMapException documented) {
            return false;
        } catch (Throwable other) {
            throw new AssertionError(name + " threw " + other + ", outside the MMapException family", other);
        }
    }

    @FunctionalInterface
    private interface ThrowingStep {
        Object run() throws Exception;

        static ThrowingStep of(Runnable r) {
            return () -> {
                r.run();
                return null;
            };
        }
    }

    private static boolean step(String name, Runnable step) {
        return step(name, ThrowingStep.of(step));
    }

    /**
     * The bytes the current thread has allocated, from the platform's thread bean. This module
     * does not read {@code java.management}, so it is reached by reflection, which needs no
     * readability; it is resolved whenever the test JVM runs.
     */
    static final class ThreadAllocation {
        private static final Object BEAN;
        private static final java.lang.reflect.Method BYTES;

        static {
            try {
                Class<?> factory = Class.forName("java.lang.management.ManagementFactory");
                BEAN = factory.getMethod("getThreadMXBean").invoke(null);
                BYTES = Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes");
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        static long bytes() throws ReflectiveOperationException {
            return (long) BYTES.invoke(BEAN);
        }
    }

    /** Runs one case on the runner thread, within the bound and the allocation limit. */
    private void bounded(String what, Runnable body) throws Exception {
        Future<Long> run = runner.submit(() -> {
            long before = ThreadAllocation.bytes();
            body.run();
            return ThreadAllocation.bytes() - before;
        });
        try {
            long allocated = run.get(CASE_BOUND_SECONDS, TimeUnit.SECONDS);
            assertTrue(allocated < ALLOCATION_BOUND, what + " allocated " + allocated + " bytes");
        } catch (TimeoutException hang) {
            run.cancel(true);
            fail(what + " did not end within " + CASE_BOUND_SECONDS + " s");
        } catch (ExecutionException e) {
            throw new AssertionError(what + ": " + e.getCause().getMessage(), e.getCause());
        }
    }
}
