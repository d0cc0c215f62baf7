package dev.mman.ipc;

import static dev.mman.ipc.Regions.LONG;
import static dev.mman.ipc.RingLayout.KIND_MPSC;
import static dev.mman.ipc.RingLayout.SLOT_LENGTH_OFFSET;
import static dev.mman.ipc.RingLayout.SLOT_OWNER_OFFSET;
import static dev.mman.ipc.RingLayout.SLOT_START_OFFSET;
import static dev.mman.ipc.RingLayout.TAIL_OFFSET;

import dev.mman.MemoryMap;
import dev.mman.ipc.Regions.Placement;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.Objects;

/**
 * A ring buffer with many producers, in any number of processes, and one consumer.
 *
 * <pre>{@code
 * // once
 * MpscRingBuffer.format(shm, 0, 1 << 20, 16, Duration.ofSeconds(1));
 * // each producer process
 * try (MpscRingBuffer ring = MpscRingBuffer.attach(shm, 0)) {
 *     ring.write(7, payload);
 * }
 * // the consumer process
 * MpscRingBuffer ring = MpscRingBuffer.attach(shm, 0);
 * ring.read(handler, 100, Duration.ofMillis(500));
 * }</pre>
 *
 * <h2>How a record is written</h2>
 * A producer first notes in its own <em>producer slot</em> which range it is about to claim, then
 * claims it by moving the shared producer position with a compare-and-set, copies the payload,
 * and publishes the record by writing its header last.
 *
 * <h2>Producers that die mid-write</h2>
 * When a claimed record stays unpublished for the ring's stall timeout, the consumer looks up the
 * producer slots that cover it. If every such producer has died (checked by pid and start time,
 * so a reused pid does not count as alive; the processes must see each other in {@code /proc},
 * as for {@link SharedLock}), it skips the claimed range, whose length the slot
 * gives, and goes on; records that other producers wrote after it are all delivered. A producer
 * that is merely slow, or stopped, is waited for: a live process never loses a record.
 *
 * <h2>Threads</h2>
 * Each {@code MpscRingBuffer} object takes one producer slot on its first write and frees it on
 * {@link #close()}; its writes are serialized. Threads that should write in parallel attach
 * objects of their own. The slots of a dead process are reused once its last claim has been read
 * or skipped. One thread in total may read.
 */
public final class MpscRingBuffer extends RingBuffer implements AutoCloseable {

    /** The stall timeout of {@link #format(MemoryMap, long, int)}. */
    public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(1);
    /** The number of producer slots of {@link #format(MemoryMap, long, int)}. */
    public static final int DEFAULT_PRODUCERS = 16;
    /** The most producer slots a ring may have ({@link RingLayout#MAX_PRODUCER_SLOTS}). */
    public static final int MAX_PRODUCERS = RingLayout.MAX_PRODUCER_SLOTS;

    /** The stall timeout is stored in nanoseconds, as an int64. */
    private static final Duration LONGEST_STALL_TIMEOUT = Duration.ofNanos(Long.MAX_VALUE);

    private final long stallTimeoutNanos;
    /** The producer slots: taking one, and finding dead producers' claims. */
    private final ProducerSlots slots;
    /** This object's producer slot, or -1; guarded by {@code this}. */
    private long slotBase = -1;
    /** Consumer state. */
    private long skippedClaims;

    private MpscRingBuffer(RingHeader header) {
        super(header);
        this.stallTimeoutNanos = header.stallTimeoutNanos();
        this.slots = new ProducerSlots(meta, guard, header.producerSlots(), capacity, stallTimeoutNanos);
    }

    /**
     * The bytes a ring occupies in a mapping, metadata and producer slots included.
     *
     * @param capacity the data capacity, a power of two from 1024 to 2<sup>30</sup>
     * @param producers the number of producer slots
     * @return bytes
     * @throws dev.mman.MMapInvalidParameterException when an argument is not allowed
     */
    public static long requiredBytes(int capacity, int producers) {
        String call = "MpscRingBuffer.requiredBytes(" + capacity + ", " + producers + ")";
        checkProducers(call, producers);
        return RingHeader.requiredBytes(call, capacity, producers);
    }

    /**
     * Writes an empty ring with {@value #DEFAULT_PRODUCERS} producer slots and a one-second stall
     * timeout.
     *
     * @param map the mapping, shared and writable
     * @param offset where the ring starts, a multiple of 8
     * @param capacity the data capacity, a power of two from 1024 to 2<sup>30</sup>
     * @return the ring
     * @throws dev.mman.MMapInvalidParameterException when an argument is bad or the ring does not fit
     * @throws dev.mman.MMapException when the JVM denies mman native access (the message names
     *     {@code --enable-native-access}): the waits and wake-ups need it
     */
    public static MpscRingBuffer format(MemoryMap map, long offset, int capacity) {
        return format(map, offset, capacity, DEFAULT_PRODUCERS, DEFAULT_STALL_TIMEOUT);
    }

    /**
     * Writes an empty ring at {@code offset}. Call it once, before any process attaches.
     *
     * @param map the mapping, shared and writable
     * @param offset where the ring starts, a multiple of 8
     * @param capacity the data capacity, a power of two from 1024 to 2<sup>30</sup>
     * @param producers how many producer objects may be attached at once, 1 to {@value #MAX_PRODUCERS}
     * @param stallTimeout how long an unpublished record may block the consumer before it checks
     *     whether its producer died; positive
     * @return the ring
     * @throws dev.mman.MMapInvalidParameterException when an argument is bad or the ring does not fit
     * @throws dev.mman.MMapException when the JVM denies mman native access (the message names
     *     {@code --enable-native-access}): the waits and wake-ups need it
     */
    public static MpscRingBuffer format(MemoryMap map, long offset, int capacity, int producers,
            Duration stallTimeout) {
        return format(Placement.in(map, offset), capacity, producers, stallTimeout);
    }

    /**
     * Writes an empty ring with {@value #DEFAULT_PRODUCERS} producer slots and a one-second stall
     * timeout at {@code offset} in any native memory, as {@link #format(MemoryMap, long, int)}
     * does in a mapping.
     *
     * @param memory native, writable memory
     * @param offset where the ring starts in {@code memory}; the ring's address ({@code memory}'s
     *     address plus {@code offset}) must be a multiple of 8
     * @param capacity the data capacity, a power of two from 1024 to 2<sup>30</sup>
     * @return the ring, which lives as long as the segment's scope (see {@link RingBuffer})
     * @throws dev.mman.MMapInvalidParameterException when {@code memory} is a heap or read-only
     *     segment, the ring's address is not a multiple of 8, an argument is bad, or the ring does
     *     not fit
     * @throws IllegalStateException when the segment's scope is closed
     * @throws dev.mman.MMapException when the JVM denies mman native access (the message names
     *     {@code --enable-native-access}): the waits and wake-ups need it
     */
    public static MpscRingBuffer format(MemorySegment memory, long offset, int capacity) {
        return format(memory, offset, capacity, DEFAULT_PRODUCERS, DEFAULT_STALL_TIMEOUT);
    }

    /**
     * Writes an empty ring at {@code offset} in any native memory, as
     * {@link #format(MemoryMap, long, int, int, Duration)} does in a mapping. To share the ring
     * with other processes, pass memory of a shared mapping, such as a slice of
     * {@link MemoryMap#asSegment()}.
     *
     * @param memory native, writable memory
     * @param offset where the ring starts in {@code memory}; the ring's address must be a
     *     multiple of 8
     * @param capacity the data capacity, a power of two from 1024 to 2<sup>30</sup>
     * @param producers how many producer objects may be attached at once, 1 to {@value #MAX_PRODUCERS}
     * @param stallTimeout how long an unpublished record may block the consumer before it checks
     *     whether its producer died; positive
     * @return the ring, which lives as long as the segment's scope (see {@link RingBuffer})
     * @throws dev.mman.MMapInvalidParameterException when {@code memory} is a heap or read-only
     *     segment, the ring's address is not a multiple of 8, an argument is bad, or the ring does
     *     not fit
     * @throws IllegalStateException when the segment's scope is closed
     * @throws dev.mman.MMapException when the JVM denies mman native access (the message names
     *     {@code --enable-native-access}): the waits and wake-ups need it
     */
    public static MpscRingBuffer format(MemorySegment memory, long offset, int capacity, int producers,
            Duration stallTimeout) {
        return format(Placement.in(memory, offset), capacity, producers, stallTimeout);
    }

    private static MpscRingBuffer format(Placement place, int capacity, int producers, Duration stallTimeout) {
        Objects.requireNonNull(stallTimeout, "stallTimeout");
        String call = "MpscRingBuffer.format(" + place.offset() + ", " + capacity + ", " + producers + ", "
                + stallTimeout + ")";
        checkProducers(call, producers);
        if (stallTimeout.isNegative() || stallTimeout.isZero()) {
            throw Regions.invalid(call + ": stall timeout " + stallTimeout + " is not positive");
        }
        if (stallTimeout.compareTo(LONGEST_STALL_TIMEOUT) > 0) {
            throw Regions.invalid(call + ": stall timeout " + stallTimeout + " is longer than the ring can hold, "
                    + LONGEST_STALL_TIMEOUT + " (2^63 - 1 ns, about 292 years)");
        }
        return new MpscRingBuffer(RingHeader.format(call, place, capacity, KIND_MPSC, producers,
                stallTimeout.toNanos()));
    }

    /**
     * Uses the ring that {@link #format} placed at {@code offset}, possibly in another process.
     *
     * @param map the mapping, shared and writable
     * @param offset where the ring starts
     * @return the ring
     * @throws dev.mman.MMapInvalidParameterException when there is no many-to-one ring there, or one
     *     of another {@linkplain RingLayout#VERSION layout version}, or its header is corrupt
     * @throws dev.mman.MMapException when the JVM denies mman native access (the message names
     *     {@code --enable-native-access}): the waits and wake-ups need it
     */
    public static MpscRingBuffer attach(MemoryMap map, long offset) {
        return attach(Placement.in(map, offset));
    }

    /**
     * Uses the ring that {@link #format} placed at {@code offset} of {@code memory}, or that
     * another process (or program, see {@link RingLayout}) placed in the memory that
     * {@code memory} views.
     *
     * @param memory native, writable memory
     * @param offset where the ring starts in {@code memory}; the ring's address must be a
     *     multiple of 8
     * @return the ring, which lives as long as the segment's scope (see {@link RingBuffer})
     * @throws dev.mman.MMapInvalidParameterException when {@code memory} is a heap or read-only
     *     segment, the ring's address is not a multiple of 8, the ring does not fit in
     *     {@code memory}, there is no many-to-one ring there, or one of another
     *     {@linkplain RingLayout#VERSION layout version}, or its header is corrupt
     * @throws IllegalStateException when the segment's scope is closed
     * @throws dev.mman.MMapException when the JVM denies mman native access (the message names
     *     {@code --enable-native-access}): the waits and wake-ups need it
     */
    public static MpscRingBuffer attach(MemorySegment memory, long offset) {
        return attach(Placement.in(memory, offset));
    }

    private static MpscRingBuffer attach(Placement place) {
        String call = "MpscRingBuffer.attach(" + place.offset() + ")";
        return new MpscRingBuffer(RingHeader.attach(call, place, KIND_MPSC));
    }

    private static void checkProducers(String call, int producers) {
        if (producers < 1 || producers > MAX_PRODUCERS) {
            throw Regions.invalid(call + ": producers " + producers + " is outside 1.." + MAX_PRODUCERS);
        }
    }

    /**
     * How long an unpublished record may block the consumer before it checks its producer.
     *
     * @return the timeout the ring was formatted with
     */
    public Duration stallTimeout() {
        return Duration.ofNanos(stallTimeoutNanos);
    }

    /**
     * How many claims of dead producers this object, as the consumer, has skipped.
     *
     * @return the count
     */
    public long skippedClaims() {
        return skippedClaims;
    }

    @Override
    synchronized boolean tryWrite(int type, MemorySegment source, long sourceOffset, int length,
            Runnable beforeCommit) {
        if (slotBase < 0) {
            try {
                slotBase = slots.take();
            } catch (InternalError fault) {
                throw guard.fault("tryWrite", fault);
            }
        }
        return super.tryWrite(type, source, sourceOffset, length, beforeCommit);
    }

    @Override
    long claim(long alignedLength) {
        while (true) {
            // Also the guard read before the compare-and-set below.
            long tail = (long) LONG.getVolatile(meta, TAIL_OFFSET);
            if (!RingChecks.isPosition(tail)) {
                throw RingChecks.badTail(guard, tail);
            }
            long required = producer.claimSize(tail, alignedLength);
            if (!producer.hasRoom(tail, required)) {
                return -1;
            }
            // The intent comes first, so that a claim never exists without a slot that tells its length.
            LONG.setOpaque(meta, slotBase + SLOT_START_OFFSET, tail);
            LONG.setOpaque(meta, slotBase + SLOT_LENGTH_OFFSET, required);
            if ((boolean) LONG.compareAndSet(meta, TAIL_OFFSET, tail, tail + required)) {
                return producer.placeRecord(tail, required, alignedLength);
            }
        }
    }

    @Override
    void commit(long index, long header) {
        producer.publish(data, index, header);
    }

    @Override
    boolean staleTail(long tail, long head) {
        // Read after head, the producer position is at least head unless one of them is corrupt.
        long fresh = (long) LONG.getVolatile(meta, TAIL_OFFSET);
        if (fresh < head) {
            throw RingChecks.headAhead(guard, head, fresh);
        }
        return true;
    }

    @Override
    long unpublishedEnd(long head, long position) {
        long tail = (long) LONG.getVolatile(meta, TAIL_OFFSET);
        RingChecks.checkOrder(guard, head, tail, capacity, 0);
        if (position >= tail) {
            return -1;
        }
        long end = slots.deadClaimEnd(position, tail);
        if (end >= 0) {
            skippedClaims++;
        }
        return end;
    }

    @Override
    boolean tailFollowsPublish() {
        return false;
    }

    /**
     * Whether a producer may still write: false once records were claimed and no producer slot
     * is held by a running process any more (every producer closed or died); true before any
     * record was claimed, and while one slot's owner runs.
     */
    @Override
    public boolean producersAlive() {
        try {
            long tail = (long) LONG.getVolatile(meta, TAIL_OFFSET);
            if (tail == 0) {
                return true;
            }
            return slots.anyOwnerAlive();
        } catch (InternalError fault) {
            throw guard.fault("producersAlive", fault);
        }
    }

    /**
     * Frees this object's producer slot, so that another producer may take it. The ring and its
     * records stay; this object may still read, and takes a slot again if it writes. When the
     * mapping was closed first, the slot cannot be written any more: it stays taken until this
     * process exits, and is reused after that.
     */
    @Override
    public synchronized void close() {
        if (slotBase >= 0) {
            try {
                LONG.setRelease(meta, slotBase + SLOT_OWNER_OFFSET, 0L);
            } catch (IllegalStateException | InternalError gone) {
                // Closed mapping or shrunk object: nothing to free here; other processes see the
                // slot's owner die with this process.
            }
            slotBase = -1;
        }
    }
}
