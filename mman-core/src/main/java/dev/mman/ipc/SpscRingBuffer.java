package dev.mman.ipc;

import static dev.mman.ipc.Regions.LONG;
import static dev.mman.ipc.RingLayout.HEAD_OFFSET;
import static dev.mman.ipc.RingLayout.KIND_SPSC;
import static dev.mman.ipc.RingLayout.PRODUCER_OFFSET;
import static dev.mman.ipc.RingLayout.TAIL_OFFSET;

import dev.mman.MemoryMap;
import dev.mman.ipc.Regions.Placement;
import java.lang.foreign.MemorySegment;

/**
 * A ring buffer with one producer and one consumer, usually in two processes.
 *
 * <pre>{@code
 * // producer process
 * SpscRingBuffer ring = SpscRingBuffer.format(shm, 0, 1 << 20);
 * ring.write(1, "hello".getBytes(UTF_8));
 * // consumer process
 * SpscRingBuffer ring = SpscRingBuffer.attach(shm, 0);
 * ring.read((type, buffer, offset, length) -> handle(buffer.asSlice(offset, length)), 100,
 *         Duration.ofSeconds(1));
 * }</pre>
 *
 * <p>Exactly one thread at a time may write, and one may read. If the producer dies mid-record,
 * that record was never published and the consumer simply sees nothing more; a producer that
 * attaches later takes over where the last published record ends, and nothing it writes is lost
 * (see "Records" in {@link RingLayout}). The consumer learns that the producer died from
 * {@link #producersAlive()}.
 */
public final class SpscRingBuffer extends RingBuffer {

    /** The producer position once the claimed record is published. */
    private long claimedTail;
    /** Whether this object has taken over from the ring's previous producer (its first write). */
    private boolean tookOver;

    private SpscRingBuffer(RingHeader header) {
        super(header);
    }

    /**
     * The bytes a ring of {@code capacity} occupies in a mapping, metadata included.
     *
     * @param capacity the data capacity, a power of two from 1024 to 2<sup>30</sup>
     * @return bytes
     * @throws dev.mman.MMapInvalidParameterException when the capacity is not allowed
     */
    public static long requiredBytes(int capacity) {
        return RingHeader.requiredBytes("SpscRingBuffer.requiredBytes", capacity, 0);
    }

    /**
     * Writes an empty ring at {@code offset}. Call it once, before any process attaches.
     *
     * @param map the mapping, shared and writable
     * @param offset where the ring starts, a multiple of 8
     * @param capacity the data capacity, a power of two from 1024 to 2<sup>30</sup>
     * @return the ring
     * @throws dev.mman.MMapInvalidParameterException when the offset or capacity is bad, or
     *     {@link #requiredBytes(int)} bytes do not fit
     * @throws dev.mman.MMapException when the JVM denies mman native access (the message names
     *     {@code --enable-native-access}): the waits and wake-ups need it
     */
    public static SpscRingBuffer format(MemoryMap map, long offset, int capacity) {
        return format(Placement.in(map, offset), capacity);
    }

    /**
     * Writes an empty ring at {@code offset} in any native memory, as
     * {@link #format(MemoryMap, long, int)} does in a mapping. The ring lives as long as the
     * segment's scope (see {@link RingBuffer}); to share it with another process, pass memory of
     * a shared mapping, such as a slice of {@link MemoryMap#asSegment()}.
     *
     * @param memory native, writable memory
     * @param offset where the ring starts in {@code memory}; the ring's address ({@code memory}'s
     *     address plus {@code offset}) must be a multiple of 8
     * @param capacity the data capacity, a power of two from 1024 to 2<sup>30</sup>
     * @return the ring
     * @throws dev.mman.MMapInvalidParameterException when {@code memory} is a heap or read-only
     *     segment, the ring's address is not a multiple of 8, the offset or capacity is bad, or
     *     {@link #requiredBytes(int)} bytes do not fit
     * @throws IllegalStateException when the segment's scope is closed
     * @throws dev.mman.MMapException when the JVM denies mman native access (the message names
     *     {@code --enable-native-access}): the waits and wake-ups need it
     */
    public static SpscRingBuffer format(MemorySegment memory, long offset, int capacity) {
        return format(Placement.in(memory, offset), capacity);
    }

    private static SpscRingBuffer format(Placement place, int capacity) {
        String call = "SpscRingBuffer.format(" + place.offset() + ", " + capacity + ")";
        return new SpscRingBuffer(RingHeader.format(call, place, capacity, KIND_SPSC, 0, 0));
    }

    /**
     * Uses the ring that {@link #format} placed at {@code offset}, possibly in another process.
     *
     * @param map the mapping, shared and writable
     * @param offset where the ring starts
     * @return the ring
     * @throws dev.mman.MMapInvalidParameterException when there is no one-to-one ring there, or one
     *     of another {@linkplain RingLayout#VERSION layout version}, or its header is corrupt
     * @throws dev.mman.MMapException when the JVM denies mman native access (the message names
     *     {@code --enable-native-access}): the waits and wake-ups need it
     */
    public static SpscRingBuffer attach(MemoryMap map, long offset) {
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
     * @return the ring, which lives as long as the segment's scope
     * @throws dev.mman.MMapInvalidParameterException when {@code memory} is a heap or read-only
     *     segment, the ring's address is not a multiple of 8, the ring does not fit in
     *     {@code memory}, there is no one-to-one ring there, or one of another
     *     {@linkplain RingLayout#VERSION layout version}, or its header is corrupt
     * @throws IllegalStateException when the segment's scope is closed
     * @throws dev.mman.MMapException when the JVM denies mman native access (the message names
     *     {@code --enable-native-access}): the waits and wake-ups need it
     */
    public static SpscRingBuffer attach(MemorySegment memory, long offset) {
        return attach(Placement.in(memory, offset));
    }

    private static SpscRingBuffer attach(Placement place) {
        String call = "SpscRingBuffer.attach(" + place.offset() + ")";
        return new SpscRingBuffer(RingHeader.attach(call, place, KIND_SPSC));
    }

    @Override
    long claim(long alignedLength) {
        if (!tookOver) {
            takeOver();
        }
        long tail = (long) LONG.get(meta, TAIL_OFFSET);
        if (!RingChecks.isPosition(tail)) {
            throw RingChecks.badTail(guard, tail);
        }
        long required = producer.claimSize(tail, alignedLength);
        if (!producer.hasRoom(tail, required)) {
            return -1;
        }
        // Free space is zero: a header here means tail was moved back over unread records.
        long found = (long) LONG.get(data, tail & mask);
        if (found != 0) {
            throw guard.corrupt("tail (offset " + TAIL_OFFSET + ")", tail, String.format("the producer position "
                    + "points at free space, and a record header (0x%016x) lies there", found));
        }
        claimedTail = tail + required;
        return producer.placeRecord(tail, required, alignedLength);
    }

    /**
     * Before this object's first write: a producer that died between publishing and storing
     * {@code tail} left published records at and after {@code tail} (at most a padding and one
     * record), which must not be overwritten and which the consumer may already have read, and
     * may have left payload bytes it never published, which must not be read as headers later.
     * So {@code tail} moves past those records (or up to {@code head}), and the bytes a record
     * can take after it are zeroed; then the ring records this process as its producer.
     */
    private void takeOver() {
        long head = (long) LONG.getVolatile(meta, HEAD_OFFSET);
        long tail = (long) LONG.getVolatile(meta, TAIL_OFFSET);
        // The consumer may have read what the last producer published after its last tail store.
        RingChecks.checkOrder(guard, head, tail, capacity, capacity);
        tail = Math.max(tail, head);
        long lapEnd = head + capacity;
        while (tail < lapEnd) {
            long index = tail & mask;
            long header = (long) LONG.getAcquire(data, index);
            if (header == 0) {
                break;
            }
            if (!RingChecks.isRecord(header, tail, index, capacity, lapEnd)) {
                throw RingChecks.badRecord(guard, header, tail, index, capacity, lapEnd);
            }
            tail += RingLayout.alignedLength(RingLayout.recordLength(header));
        }
        long index = tail & mask;
        long stale = Math.min(Math.min(capacity / 8, capacity - index), lapEnd - tail);
        data.asSlice(index, stale).fill((byte) 0);
        LONG.setOpaque(meta, TAIL_OFFSET, tail);
        LONG.setRelease(meta, PRODUCER_OFFSET, mine);
        tookOver = true;
    }

    @Override
    void commit(long index, long header) {
        producer.publish(data, index, header);
        // Only producers read the position back; the consumer follows the headers.
        LONG.setOpaque(meta, TAIL_OFFSET, claimedTail);
    }

    @Override
    boolean staleTail(long tail, long head) {
        throw RingChecks.headAhead(guard, head, tail);
    }

    @Override
    long unpublishedEnd(long head, long position) {
        return -1;
    }

    @Override
    boolean tailFollowsPublish() {
        return true;
    }

    /**
     * Whether the producer may still write: false once a producer has written and its process
     * has exited; true before any has written, and while the last one to write runs.
     */
    @Override
    public boolean producersAlive() {
        try {
            return RingPeers.alive((long) LONG.getAcquire(meta, PRODUCER_OFFSET));
        } catch (InternalError fault) {
            throw guard.fault("producersAlive", fault);
        }
    }
}
