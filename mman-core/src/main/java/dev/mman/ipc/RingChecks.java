package dev.mman.ipc;

import static dev.mman.ipc.RingLayout.HEAD_OFFSET;
import static dev.mman.ipc.RingLayout.PADDING_TYPE;
import static dev.mman.ipc.RingLayout.RECORD_ALIGNMENT;
import static dev.mman.ipc.RingLayout.RECORD_HEADER_BYTES;
import static dev.mman.ipc.RingLayout.SLOT_LENGTH_OFFSET;
import static dev.mman.ipc.RingLayout.SLOT_START_OFFSET;
import static dev.mman.ipc.RingLayout.TAIL_OFFSET;
import static dev.mman.ipc.RingLayout.recordLength;
import static dev.mman.ipc.RingLayout.recordType;
import static dev.mman.ipc.RingLayout.slotOffset;

/**
 * The rules every value a ring reads from shared memory must keep (see {@link RingLayout}), and
 * the {@link CorruptStructureException} for each that is broken. Any process can write any byte,
 * so a value is checked where it is read, before it indexes, bounds a loop or sizes a fill.
 * The tests are split from the messages so that the hot paths inline a compare or two and the
 * string building stays out of them.
 */
final class RingChecks {

    /** The largest position: room for one more lap of the largest ring before a long overflows. */
    static final long MAX_POSITION = Long.MAX_VALUE - (1L << 32);

    private RingChecks() {}

    /** Whether {@code p} can be a position: a multiple of 8 from 0 to {@link #MAX_POSITION}. */
    static boolean isPosition(long p) {
        return (p & (RECORD_ALIGNMENT - 1)) == 0 && p >= 0 && p <= MAX_POSITION;
    }

    static CorruptStructureException badHead(StructureGuard ring, long head) {
        return ring.corrupt("head (offset " + HEAD_OFFSET + ")", head, "a position is a multiple of "
                + RECORD_ALIGNMENT + " from 0 to " + MAX_POSITION);
    }

    static CorruptStructureException badTail(StructureGuard ring, long tail) {
        return ring.corrupt("tail (offset " + TAIL_OFFSET + ")", tail, "a position is a multiple of "
                + RECORD_ALIGNMENT + " from 0 to " + MAX_POSITION);
    }

    /** {@code head} ahead of {@code tail}: unread records would be overwritten. */
    static CorruptStructureException headAhead(StructureGuard ring, long head, long tail) {
        return ring.corrupt("head (offset " + HEAD_OFFSET + ")", head, "the consumer cannot have read past the "
                + "producer position, tail " + tail);
    }

    /** {@code tail} more than a lap ahead of {@code head}. */
    static CorruptStructureException tailTooFar(StructureGuard ring, long tail, long head, int capacity) {
        return ring.corrupt("tail (offset " + TAIL_OFFSET + ")", tail, "the producers stay within the capacity, "
                + capacity + " bytes, of the consumer position, head " + head);
    }

    /**
     * Checks a fresh pair read in that order (head first): both positions, the tail at most a
     * lap ahead, and the head not past the tail by more than {@code slack} bytes. Where tail is
     * claimed before publishing (MPSC), head never passes the tail read after it: slack 0.
     */
    static void checkOrder(StructureGuard ring, long head, long tail, int capacity, long slack) {
        if (!isPosition(head)) {
            throw badHead(ring, head);
        }
        if (!isPosition(tail)) {
            throw badTail(ring, tail);
        }
        if (head > tail && head - tail > slack) {
            throw headAhead(ring, head, tail);
        }
        if (tail - head > capacity) {
            throw tailTooFar(ring, tail, head, capacity);
        }
    }

    /**
     * Whether a record header read at {@code position} (data-area {@code index}) is one a
     * producer wrote: a length from 8 that ends inside the data area and within one lap of the
     * batch's start ({@code lapEnd}), and a type of 1 or more, or padding.
     */
    static boolean isRecord(long header, long position, long index, int capacity, long lapEnd) {
        int length = recordLength(header);
        int type = recordType(header);
        return length >= RECORD_HEADER_BYTES && length <= capacity - index
                && position + RingLayout.alignedLength(length) <= lapEnd && (type >= 1 || type == PADDING_TYPE);
    }

    static CorruptStructureException badRecord(StructureGuard ring, long header, long position, long index,
            int capacity, long lapEnd) {
        int length = recordLength(header);
        int type = recordType(header);
        String field = String.format("the record header at position %d (data index %d, 0x%016x)", position, index,
                header);
        if (type < 1 && type != PADDING_TYPE) {
            return ring.corrupt(field + ": its type", type, "record types are 1 or more, or " + PADDING_TYPE
                    + " for padding");
        }
        return ring.corrupt(field + ": its length", length, "a record is at least " + RECORD_HEADER_BYTES
                + " bytes and ends inside the " + capacity + "-byte data area (at most " + (capacity - index)
                + " bytes from there) and within " + (lapEnd - position) + " bytes, a lap after head");
    }

    /**
     * Checks a producer slot whose owner is set: {@code start} a position, {@code length} a
     * multiple of 8 from 0 to the capacity. Each field keeps that alone even while its owner
     * rewrites the other, so a live producer never trips this.
     */
    static void checkSlot(StructureGuard ring, int slot, long start, long length, int capacity) {
        if (!isPosition(start)) {
            throw ring.corrupt("producer slot " + slot + " start (offset " + (slotOffset(slot) + SLOT_START_OFFSET)
                    + ")", start, "a claim starts at a position, a multiple of " + RECORD_ALIGNMENT + " from 0 to "
                    + MAX_POSITION);
        }
        if (length < 0 || length > capacity || (length & (RECORD_ALIGNMENT - 1)) != 0) {
            throw ring.corrupt("producer slot " + slot + " length (offset "
                    + (slotOffset(slot) + SLOT_LENGTH_OFFSET) + ")", length, "a claim is a multiple of "
                    + RECORD_ALIGNMENT + " from 0 to the capacity, " + capacity + " bytes");
        }
    }
}
