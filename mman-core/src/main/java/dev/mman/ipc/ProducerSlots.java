package dev.mman.ipc;

import static dev.mman.ipc.Regions.LONG;
import static dev.mman.ipc.RingLayout.HEAD_OFFSET;
import static dev.mman.ipc.RingLayout.SLOT_LENGTH_OFFSET;
import static dev.mman.ipc.RingLayout.SLOT_OWNER_OFFSET;
import static dev.mman.ipc.RingLayout.SLOT_START_OFFSET;
import static dev.mman.ipc.RingLayout.TAIL_OFFSET;
import static dev.mman.ipc.RingLayout.slotOffset;

import dev.mman.MMapException;
import dev.mman.internal.ProcessIdentity;
import java.lang.foreign.MemorySegment;

/**
 * The producer slots of an MPSC ring (see {@link RingLayout}): how a producer takes one, and how
 * the consumer finds out whether the claim that blocks it belongs to dead producers only, and
 * where it ends. Slots are written by other processes, so each value read is checked
 * ({@link RingChecks#checkSlot}) before it bounds anything.
 */
final class ProducerSlots {

    private static final long RECHECK_NANOS = 100_000_000L;

    private final MemorySegment meta;
    private final StructureGuard guard;
    private final int producers;
    private final int capacity;
    private final long stallTimeoutNanos;
    private final long mine = ProcessIdentity.current();
    /** Consumer state: where it waits for an unpublished record, and since when. */
    private long stalledAt = -1;
    private long stalledSince;
    /** Whether no producer slot covered {@link #stalledAt} at the last check. */
    private boolean uncovered;

    ProducerSlots(MemorySegment meta, StructureGuard guard, int producers, int capacity, long stallTimeoutNanos) {
        this.meta = meta;
        this.guard = guard;
        this.producers = producers;
        this.capacity = capacity;
        this.stallTimeoutNanos = stallTimeoutNanos;
    }

    /**
     * Takes a free slot, or one of a dead process whose last claim was read or skipped.
     *
     * @return the slot's offset in the metadata
     * @throws MMapException when every slot is taken
     */
    long take() {
        long head = (long) LONG.getVolatile(meta, HEAD_OFFSET);
        if (!RingChecks.isPosition(head)) {
            throw RingChecks.badHead(guard, head);
        }
        for (int i = 0; i < producers; i++) {
            long base = slotOffset(i);
            // The plain read guards the compare-and-set (see "Hostile peers" in the package
            // documentation), and skips taken slots.
            if ((long) LONG.get(meta, base + SLOT_OWNER_OFFSET) == 0
                    && (boolean) LONG.compareAndSet(meta, base + SLOT_OWNER_OFFSET, 0L, mine)) {
                return base;
            }
        }
        for (int i = 0; i < producers; i++) {
            long base = slotOffset(i);
            long owner = (long) LONG.getVolatile(meta, base + SLOT_OWNER_OFFSET);
            if (owner == 0 || ProcessIdentity.isAlive(owner)) {
                continue;
            }
            long start = (long) LONG.getOpaque(meta, base + SLOT_START_OFFSET);
            long length = (long) LONG.getOpaque(meta, base + SLOT_LENGTH_OFFSET);
            RingChecks.checkSlot(guard, i, start, length, capacity);
            // Checked values: the sum cannot overflow. Reread the owner just before the exchange, as its guard.
            if (start + length <= head && (long) LONG.getVolatile(meta, base + SLOT_OWNER_OFFSET) == owner
                    && (boolean) LONG.compareAndSet(meta, base + SLOT_OWNER_OFFSET, owner, mine)) {
                return base;
            }
        }
        throw new MMapException(guard.describe() + ": all " + producers + " producer slots are taken by live "
                + "producers (or by dead ones whose last record is still unread); close producers you no longer use, "
                + "or format the ring with more producers");
    }

    /** Whether any slot is held by a running process. */
    boolean anyOwnerAlive() {
        for (int i = 0; i < producers; i++) {
            long owner = (long) LONG.getVolatile(meta, slotOffset(i) + SLOT_OWNER_OFFSET);
            if (owner != 0 && ProcessIdentity.isAlive(owner)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Where the claim that blocks {@code position} (claimed: it lies below the producer position
     * {@code tail}) ends, when it has blocked for the stall timeout and every producer that may
     * own it is dead; otherwise -1. The end comes from shared slots, so it is bounded: it lies
     * after {@code position} and at most at {@code tail}, which is within a lap of the consumer.
     */
    long deadClaimEnd(long position, long tail) {
        long now = System.nanoTime();
        if (position != stalledAt) {
            stalledAt = position;
            stalledSince = now;
            uncovered = false;
            return -1;
        }
        if (now - stalledSince < stallTimeoutNanos) {
            return -1;
        }
        long end = -1;
        boolean covered = false;
        for (int i = 0; i < producers && end != -2; i++) {
            long base = slotOffset(i);
            long owner = (long) LONG.getVolatile(meta, base + SLOT_OWNER_OFFSET);
            if (owner == 0) {
                continue;
            }
            long start = (long) LONG.getOpaque(meta, base + SLOT_START_OFFSET);
            long length = (long) LONG.getOpaque(meta, base + SLOT_LENGTH_OFFSET);
            RingChecks.checkSlot(guard, i, start, length, capacity);
            long claimEnd = start + length;
            // A claim that ends past tail was never made: its producer died before its compare-and-set.
            if (position < start || position >= claimEnd || claimEnd > tail) {
                continue;
            }
            covered = true;
            // A producer whose compare-and-set failed may still name this range: all must be dead,
            // and agree on where it ends.
            end = ProcessIdentity.isAlive(owner) || (end >= 0 && end != claimEnd) ? -2 : claimEnd;
        }
        if (!covered && uncovered) {
            throw guard.corrupt("tail (offset " + TAIL_OFFSET + ")", tail, "position " + position + " below it has "
                    + "held no record for the stall timeout and no producer slot claims it");
        }
        uncovered = !covered;
        if (end < 0) {
            stalledSince = now - stallTimeoutNanos + Math.min(stallTimeoutNanos, RECHECK_NANOS);
            return -1;
        }
        stalledAt = -1;
        return end;
    }
}
