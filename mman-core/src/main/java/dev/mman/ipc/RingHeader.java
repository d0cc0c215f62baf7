package dev.mman.ipc;

import static dev.mman.ipc.Regions.INT;
import static dev.mman.ipc.Regions.LONG;
import static dev.mman.ipc.RingLayout.CAPACITY_OFFSET;
import static dev.mman.ipc.RingLayout.KIND_MPSC;
import static dev.mman.ipc.RingLayout.KIND_OFFSET;
import static dev.mman.ipc.RingLayout.KIND_SPSC;
import static dev.mman.ipc.RingLayout.MAGIC;
import static dev.mman.ipc.RingLayout.MAGIC_OFFSET;
import static dev.mman.ipc.RingLayout.MAX_CAPACITY;
import static dev.mman.ipc.RingLayout.MAX_PRODUCER_SLOTS;
import static dev.mman.ipc.RingLayout.METADATA_BYTES;
import static dev.mman.ipc.RingLayout.MIN_CAPACITY;
import static dev.mman.ipc.RingLayout.PRODUCER_SLOTS_OFFSET;
import static dev.mman.ipc.RingLayout.STALL_TIMEOUT_OFFSET;
import static dev.mman.ipc.RingLayout.VERSION;
import static dev.mman.ipc.RingLayout.VERSION_OFFSET;

import dev.mman.internal.Platform;
import dev.mman.ipc.Regions.Placement;
import java.lang.foreign.MemorySegment;

/**
 * A ring's geometry as {@code format} wrote it or {@code attach} read and checked it, once, with
 * the ring's memory. The rings use these values and never read the header fields again, so a
 * peer that rewrites them later cannot change the bounds this process works within.
 *
 * @param region the ring's memory, metadata to the end of the data area
 * @param guard names the ring and its memory, and tells when the object no longer covers it
 * @param capacity the data-area bytes, a power of two in range
 * @param producerSlots 0 for SPSC, 1 to {@link RingLayout#MAX_PRODUCER_SLOTS} for MPSC
 * @param stallTimeoutNanos 0 for SPSC, positive for MPSC
 */
record RingHeader(MemorySegment region, StructureGuard guard, int capacity, int producerSlots, long stallTimeoutNanos) {

    /** Where the data area starts in {@link #region}. */
    long dataOffset() {
        return RingLayout.dataOffset(producerSlots);
    }

    /** The bytes a ring occupies, after checking the capacity; {@code slots} must be in range. */
    static long requiredBytes(String call, int capacity, int slots) {
        if (capacity < MIN_CAPACITY || capacity > MAX_CAPACITY || Integer.bitCount(capacity) != 1) {
            throw Regions.invalid(call + ": capacity " + capacity + " is not a power of two between "
                    + MIN_CAPACITY + " and " + MAX_CAPACITY + "; use " + suggestCapacity(capacity));
        }
        return RingLayout.dataOffset(slots) + capacity;
    }

    static int suggestCapacity(int capacity) {
        if (capacity <= MIN_CAPACITY) {
            return MIN_CAPACITY;
        }
        return capacity >= MAX_CAPACITY ? MAX_CAPACITY : Integer.highestOneBit(capacity - 1) << 1;
    }

    /** Writes an empty ring's metadata into the slice that {@code place} hands out. */
    static RingHeader format(String call, Placement place, int capacity, int kind, int slots,
            long stallTimeoutNanos) {
        Platform.current().requireNativeCalls(call);
        MemorySegment region = place.slice(call, requiredBytes(call, capacity, slots));
        region.fill((byte) 0);
        INT.set(region, KIND_OFFSET, kind);
        INT.set(region, CAPACITY_OFFSET, capacity);
        INT.set(region, PRODUCER_SLOTS_OFFSET, slots);
        LONG.set(region, STALL_TIMEOUT_OFFSET, stallTimeoutNanos);
        INT.set(region, VERSION_OFFSET, VERSION);
        INT.setRelease(region, MAGIC_OFFSET, MAGIC);
        return new RingHeader(region, guard(place, kind, region), capacity, slots, stallTimeoutNanos);
    }

    /**
     * Finds a formatted ring of {@code kind} where {@code place} points, checks its header, and
     * that the shared object covers the whole ring.
     */
    static RingHeader attach(String call, Placement place, int kind) {
        Platform.current().requireNativeCalls(call);
        MemorySegment header = place.slice(call, METADATA_BYTES);
        try {
            RingHeader ring = check(call, place, kind, header);
            ring.guard().checkCovered(call);
            return ring;
        } catch (InternalError fault) {
            throw guard(place, kind, header).fault(call, fault);
        }
    }

    private static StructureGuard guard(Placement place, int kind, MemorySegment region) {
        return new StructureGuard(kindName(kind) + "RingBuffer", place.owner(), place.offset(), region);
    }

    private static RingHeader check(String call, Placement place, int kind, MemorySegment header) {
        long offset = place.offset();
        int magic = (int) INT.getAcquire(header, MAGIC_OFFSET);
        if (magic != MAGIC) {
            throw Regions.invalid(String.format("%s: no ring buffer was formatted there (found magic 0x%08x); "
                    + "format one first", call, magic));
        }
        int version = (int) INT.get(header, VERSION_OFFSET);
        if (version != VERSION) {
            throw Regions.versionMismatch(call, "the ring at offset " + offset, version, VERSION, RingLayout.class);
        }
        int found = (int) INT.get(header, KIND_OFFSET);
        if (found != KIND_SPSC && found != KIND_MPSC) {
            throw Regions.invalid(call + ": the ring at offset " + offset + " has kind " + found + ", neither "
                    + KIND_SPSC + " (SPSC) nor " + KIND_MPSC + " (MPSC); its header is corrupt: format it again");
        }
        if (found != kind) {
            throw Regions.invalid(call + ": the ring at offset " + offset + " is " + kindName(found)
                    + ", not " + kindName(kind) + "; attach it with " + kindName(found) + "RingBuffer.attach");
        }
        int capacity = (int) INT.get(header, CAPACITY_OFFSET);
        int slots = (int) INT.get(header, PRODUCER_SLOTS_OFFSET);
        long stallTimeoutNanos = (long) LONG.get(header, STALL_TIMEOUT_OFFSET);
        boolean mpsc = kind == KIND_MPSC;
        if (mpsc ? slots < 1 || slots > MAX_PRODUCER_SLOTS || stallTimeoutNanos <= 0
                : slots != 0 || stallTimeoutNanos != 0) {
            throw Regions.invalid(call + ": the ring at offset " + offset + " claims " + slots
                    + " producer slots and a stall timeout of " + stallTimeoutNanos + " ns, which "
                    + (mpsc ? "an MPSC ring has 1 to " + MAX_PRODUCER_SLOTS + " of, and positive"
                            : "an SPSC ring has 0 of")
                    + "; its header is corrupt: format it again");
        }
        MemorySegment region = place.slice(call, requiredBytes(call, capacity, slots));
        return new RingHeader(region, guard(place, kind, region), capacity, slots, stallTimeoutNanos);
    }

    private static String kindName(int kind) {
        return kind == KIND_SPSC ? "Spsc" : "Mpsc";
    }
}
