package dev.mman.ipc;

import static dev.mman.ipc.RingLayout.HEAD;
import static dev.mman.ipc.RingLayout.KIND_SPSC;
import static dev.mman.ipc.RingLayout.LONG;
import static dev.mman.ipc.RingLayout.SLOTS;
import static dev.mman.ipc.RingLayout.TAIL;

import dev.mman.MemoryMap;
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
 * that record was never published and the consumer simply sees nothing more.
 */
public final class SpscRingBuffer extends RingBuffer {

    /** The producer position once the claimed record is published. */
    private long claimedTail;

    private SpscRingBuffer(MemorySegment region, long offset) {
        super(region, offset, SLOTS);
    }

    /**
     * The bytes a ring of {@code capacity} occupies in a mapping, metadata included.
     *
     * @param capacity the data capacity, a power of two from 1024 to 2<sup>30</sup>
     * @return bytes
     * @throws dev.mman.MMapInvalidParameterException when the capacity is not allowed
     */
    public static long requiredBytes(int capacity) {
        return RingLayout.requiredBytes("SpscRingBuffer.requiredBytes", capacity, 0);
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
     */
    public static SpscRingBuffer format(MemoryMap map, long offset, int capacity) {
        String call = "SpscRingBuffer.format(" + offset + ", " + capacity + ")";
        return new SpscRingBuffer(RingLayout.format(call, map, offset, capacity, KIND_SPSC, 0, 0), offset);
    }

    /**
     * Uses the ring that {@link #format} placed at {@code offset}, possibly in another process.
     *
     * @param map the mapping, shared and writable
     * @param offset where the ring starts
     * @return the ring
     * @throws dev.mman.MMapInvalidParameterException when there is no one-to-one ring there
     */
    public static SpscRingBuffer attach(MemoryMap map, long offset) {
        String call = "SpscRingBuffer.attach(" + offset + ")";
        return new SpscRingBuffer(RingLayout.attach(call, map, offset, KIND_SPSC), offset);
    }

    @Override
    long claim(long alignedLength) {
        long tail = (long) LONG.get(meta, TAIL);
        long required = claimSize(tail, alignedLength);
        if (!hasRoom(tail, required)) {
            return -1;
        }
        claimedTail = tail + required;
        return placeRecord(tail, required, alignedLength);
    }

    @Override
    void commit(long index, long header) {
        publish(data, index, header);
        // Only this producer reads its position back; the consumer follows the headers.
        LONG.setOpaque(meta, TAIL, claimedTail);
    }

    @Override
    long unpublishedEnd(long position) {
        return -1;
    }
}
