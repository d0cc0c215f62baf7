package dev.mman.ipc;

import static dev.mman.ipc.Regions.INT;
import static dev.mman.ipc.Regions.LONG;
import static dev.mman.ipc.RingLayout.HEAD_OFFSET;
import static dev.mman.ipc.RingLayout.PADDING_TYPE;
import static dev.mman.ipc.RingLayout.WAITING_OFFSET;
import static dev.mman.ipc.RingLayout.recordHeader;

import dev.mman.MMapException;
import dev.mman.internal.Platform;
import java.lang.foreign.MemorySegment;

/**
 * The producer side of a ring, shared by both kinds: how much a claim takes, whether there is
 * room (checking the consumer position it rereads, since a head ahead of the tail would let the
 * producer overwrite unread records), the wrap padding, the publishing store and the wake-up.
 * Each kind guards it as it guards its writes.
 */
final class RingProducer {

    private final RingBuffer ring;
    /** The producer's last view of the consumer position, checked when read. */
    private long headCache;
    /** Whether this process must fence each publish, because the consumer cannot do it for us. */
    private final boolean fencedPublish = !Barriers.REGISTERED;

    /**
     * Whether this process is a target of the consumer's process-wide barrier; decided once. The
     * rings' factories refuse a platform without native calls, but should one get here, it
     * fences every publish: a static initializer that threw would leave the class unusable.
     */
    private static final class Barriers {
        static final boolean REGISTERED = register();

        private static boolean register() {
            try {
                return Platform.current().registerForProcessBarriers();
            } catch (MMapException noNativeCalls) {
                return false;
            }
        }
    }

    RingProducer(RingBuffer ring) {
        this.ring = ring;
    }

    /**
     * The bytes to claim at producer position {@code tail} for a record: the record itself, or
     * when it would not fit before the end of the data area, the padding up to the end as well.
     */
    long claimSize(long tail, long alignedLength) {
        long toEnd = ring.capacity - (tail & ring.mask);
        return alignedLength <= toEnd ? alignedLength : toEnd + alignedLength;
    }

    /**
     * Whether {@code required} bytes at {@code tail}, a checked position, are free. The consumer
     * position is reread only when the cached one does not show room, and checked then: a head
     * ahead of the tail would let the producer overwrite unread records.
     */
    boolean hasRoom(long tail, long required) {
        long head = headCache;
        if (tail >= head && tail + required - head <= ring.capacity) {
            return true;
        }
        head = (long) LONG.getVolatile(ring.meta, HEAD_OFFSET);
        if (!RingChecks.isPosition(head)) {
            throw RingChecks.badHead(ring.guard, head);
        }
        if (head > tail) {
            // SPSC: corrupt. MPSC: maybe a tail read before others claimed and the consumer read.
            return ring.staleTail(tail, head);
        }
        if (tail - head > ring.capacity) {
            throw RingChecks.tailTooFar(ring.guard, tail, head, ring.capacity);
        }
        headCache = head;
        return tail + required - head <= ring.capacity;
    }

    /** Writes the padding of a claim that wraps, and returns the index of the record's header. */
    long placeRecord(long tail, long required, long alignedLength) {
        long index = tail & ring.mask;
        if (required == alignedLength) {
            return index;
        }
        LONG.setRelease(ring.data, index, recordHeader((int) (required - alignedLength), PADDING_TYPE));
        return 0;
    }

    /** Stores the word that makes a record visible to the consumer (see "Waiting" in RingBuffer). */
    void publish(MemorySegment segment, long offset, long value) {
        if (fencedPublish) {
            LONG.setVolatile(segment, offset, value);
        } else {
            LONG.setRelease(segment, offset, value);
        }
    }

    /** Wakes the consumer when it announced that it sleeps. */
    void wakeConsumer() {
        // The volatile read is also the guard read before the exchange (see "Hostile peers" in the
        // package documentation).
        if ((int) INT.getVolatile(ring.meta, WAITING_OFFSET) != 0
                && (int) INT.getAndSet(ring.meta, WAITING_OFFSET, 0) != 0) {
            ring.platform.futexWake(ring.waitingWord, 1);
        }
    }
}
