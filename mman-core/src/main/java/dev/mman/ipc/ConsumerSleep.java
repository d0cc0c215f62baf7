package dev.mman.ipc;

import static dev.mman.ipc.Regions.INT;
import static dev.mman.ipc.Regions.LONG;
import static dev.mman.ipc.RingLayout.HEAD_OFFSET;
import static dev.mman.ipc.RingLayout.TAIL_OFFSET;
import static dev.mman.ipc.RingLayout.WAITING_OFFSET;

import dev.mman.MMapException;

/**
 * The blocking read's futex sleep (see "Waiting" in {@link RingBuffer}), with the checks that
 * belong before a sleep: that the shared object still covers the ring, and that the producer
 * position does not claim records the consumer will never find. Only the consumer thread uses it.
 */
final class ConsumerSleep {

    private static final long SLEEP_SLICE_NANOS = 100_000_000L;
    /** The longest sleep when no barrier orders the producers' publishes before the consumer's check. */
    private static final long UNORDERED_SLEEP_NANOS = 1_000_000L;
    /** How long a record below the producer position may stay missing before the position counts as corrupt. */
    private static final long STUCK_NANOS = 100_000_000L;

    private final RingBuffer ring;
    /** A consumer position found empty below the producer position, or -1; and since when. */
    private long emptyAt = -1;
    private long emptySince;

    ConsumerSleep(RingBuffer ring) {
        this.ring = ring;
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
        RingChecks.checkOrder(ring.guard, head, tail, ring.capacity);
        boolean empty = tail > head && ring.publishedBelowTail()
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
