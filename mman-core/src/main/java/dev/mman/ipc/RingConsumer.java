package dev.mman.ipc;

import static dev.mman.ipc.Regions.INT;
import static dev.mman.ipc.Regions.LONG;
import static dev.mman.ipc.RingLayout.CONSUMER_OFFSET;
import static dev.mman.ipc.RingLayout.HEAD_OFFSET;
import static dev.mman.ipc.RingLayout.PADDING_TYPE;
import static dev.mman.ipc.RingLayout.RECORD_HEADER_BYTES;
import static dev.mman.ipc.RingLayout.TAIL_OFFSET;
import static dev.mman.ipc.RingLayout.WAITING_OFFSET;
import static dev.mman.ipc.RingLayout.alignedLength;
import static dev.mman.ipc.RingLayout.recordLength;
import static dev.mman.ipc.RingLayout.recordType;

import dev.mman.MMapException;

/**
 * The consumer side of a ring: a batch read, which checks every header before it hands a record
 * on and frees at most a lap, and the blocking read's futex sleep (see "Waiting" in
 * {@link RingBuffer}), with the checks that belong before a sleep: that the shared object still
 * covers the ring, and that the producer position does not claim records the consumer will
 * never find. Only the consumer thread uses it.
 */
final class RingConsumer {

    private static final long SLEEP_SLICE_NANOS = 100_000_000L;
    /** The longest sleep when no barrier orders the producers' publishes before the consumer's check. */
    private static final long UNORDERED_SLEEP_NANOS = 1_000_000L;
    /** How long a record below the producer position may stay missing before the position counts as corrupt. */
    private static final long STUCK_NANOS = 100_000_000L;

    private final RingBuffer ring;
    /** A consumer position found empty below the producer position, or -1; and since when. */
    private long emptyAt = -1;
    private long emptySince;

    RingConsumer(RingBuffer ring) {
        this.ring = ring;
    }

    /** One batch of {@link RingBuffer#read(MessageHandler, int)}, its arguments checked. */
    int read(MessageHandler handler, int limit) {
        // This process is the consumer now, for producers blocked on a full ring (one load when it was already).
        if ((long) LONG.get(ring.meta, CONSUMER_OFFSET) != ring.mine) {
            LONG.setRelease(ring.meta, CONSUMER_OFFSET, ring.mine);
        }
        long head = (long) LONG.get(ring.meta, HEAD_OFFSET);
        if (!RingChecks.isPosition(head)) {
            throw RingChecks.badHead(ring.guard, head);
        }
        // One lap at most: past it lie this batch's own records, not yet zeroed.
        long lapEnd = head + ring.capacity;
        long position = head;
        int count = 0;
        try {
            while (count < limit && position < lapEnd) {
                long index = position & ring.mask;
                long header = (long) LONG.getAcquire(ring.data, index);
                if (header == 0) {
                    long end = ring.unpublishedEnd(head, position);
                    if (end < 0) {
                        break;
                    }
                    position = end;
                    continue;
                }
                if (!RingChecks.isRecord(header, position, index, ring.capacity, lapEnd)) {
                    throw RingChecks.badRecord(ring.guard, header, position, index, ring.capacity, lapEnd);
                }
                int length = recordLength(header);
                int type = recordType(header);
                position += alignedLength(length);
                if (type != PADDING_TYPE) {
                    count++;
                    handler.onMessage(type, ring.data, index + RECORD_HEADER_BYTES, length - RECORD_HEADER_BYTES);
                }
            }
        } finally {
            if (position != head) {
                free(head, position);
            }
        }
        return count;
    }

    /** Hands the read range, at most a lap, back to the producers: zeroed, since a zero header means "unpublished". */
    private void free(long from, long to) {
        for (long position = from; position < to; ) {
            long index = position & ring.mask;
            long length = Math.min(to - position, ring.capacity - index);
            ring.data.asSlice(index, length).fill((byte) 0);
            position += length;
        }
        LONG.setRelease(ring.meta, HEAD_OFFSET, to);
    }

    /** Sleeps until a producer wakes the consumer, at most {@code left} ns or one slice. */
    void sleep(long left) {
        try {
            ring.guard.checkCovered("read");
            checkStuck();
            INT.setVolatile(ring.meta, WAITING_OFFSET, 1);
            // After the barrier, every producer either sees the announcement or has its record visible.
            boolean ordered = ring.platform.barrierOnRegisteredProcesses();
            // Re-check after the announcement: a record published before it would wake nobody.
            if (!hasRecord()) {
                ring.platform.futexWait(ring.waitingWord, 1,
                        Math.min(left, ordered ? SLEEP_SLICE_NANOS : UNORDERED_SLEEP_NANOS));
            }
            INT.setVolatile(ring.meta, WAITING_OFFSET, 0);
        } catch (InternalError fault) {
            throw ring.guard.fault("read", fault);
        } catch (MMapException failure) {
            throw ring.guard.fault("read", failure);
        }
    }

    /**
     * Where every record below the producer position is published (SPSC), a position below it
     * that stays empty for {@value #STUCK_NANOS} ns means the position was moved ahead of what
     * was written: the consumer would wait for ever, so it says so instead.
     */
    private void checkStuck() {
        long head = (long) LONG.get(ring.meta, HEAD_OFFSET);
        long tail = (long) LONG.getVolatile(ring.meta, TAIL_OFFSET);
        boolean tailFollows = ring.tailFollowsPublish();
        // Where tail is stored after publishing, the consumer may have read a record (and a
        // padding) that tail does not count yet: head passes it by less than a lap.
        RingChecks.checkOrder(ring.guard, head, tail, ring.capacity, tailFollows ? ring.capacity : 0);
        boolean empty = tail > head && tailFollows
                && (long) LONG.getVolatile(ring.data, head & ring.mask) == 0;
        long now = System.nanoTime();
        if (!empty || emptyAt != head) {
            emptyAt = empty ? head : -1;
            emptySince = now;
        } else if (now - emptySince >= STUCK_NANOS) {
            throw ring.guard.corrupt("tail (offset " + TAIL_OFFSET + ")", tail, "the consumer position, head " + head
                    + ", has held no record for " + STUCK_NANOS / 1_000_000 + " ms, and a producer stores tail only "
                    + "after publishing what lies below it");
        }
    }

    /** Whether a published record waits at the consumer position; read with volatile semantics. */
    private boolean hasRecord() {
        return (long) LONG.getVolatile(ring.data, (long) LONG.get(ring.meta, HEAD_OFFSET) & ring.mask) != 0;
    }
}
