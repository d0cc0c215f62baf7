package dev.mman.ipc;

import static dev.mman.ipc.RingBuffer.MAX_CAPACITY;
import static dev.mman.ipc.RingBuffer.MIN_CAPACITY;
import static dev.mman.ipc.RingBuffer.RECORD_ALIGNMENT;

import dev.mman.MemoryMap;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * Where everything of a ring lies in shared memory, and how a ring is formatted and found again.
 * The layout is a contract between processes (and languages): see {@link RingBuffer}.
 */
final class RingLayout {

    static final int KIND_SPSC = 1;
    static final int KIND_MPSC = 2;
    static final long MAGIC_OFFSET = 0;
    static final long KIND_OFFSET = 4;
    static final long CAPACITY_OFFSET = 8;
    static final long SLOT_COUNT_OFFSET = 12;
    static final long STALL_TIMEOUT_OFFSET = 16;
    /** The hot words sit 128 bytes apart: a cache line and the neighbour that is prefetched with it. */
    static final long TAIL = 128;
    static final long HEAD = 256;
    static final long WAITING = 384;
    static final long SLOTS = 512;
    static final long SLOT_STRIDE = 128;
    static final int PADDING_TYPE = -1;
    private static final int MAGIC = 0x424d4d4d; // "MMMB" in memory order

    static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private RingLayout() {}

    static long requiredBytes(String call, int capacity, int slots) {
        if (capacity < MIN_CAPACITY || capacity > MAX_CAPACITY || Integer.bitCount(capacity) != 1) {
            throw Regions.invalid(call + ": capacity " + capacity + " is not a power of two between "
                    + MIN_CAPACITY + " and " + MAX_CAPACITY + "; use " + suggestCapacity(capacity));
        }
        return SLOTS + slots * SLOT_STRIDE + capacity;
    }

    static int suggestCapacity(int capacity) {
        if (capacity <= MIN_CAPACITY) {
            return MIN_CAPACITY;
        }
        return capacity >= MAX_CAPACITY ? MAX_CAPACITY : Integer.highestOneBit(capacity - 1) << 1;
    }

    /** Writes an empty ring's metadata and returns its region. */
    static MemorySegment format(String call, MemoryMap map, long offset, int capacity, int kind, int slots,
            long stallTimeoutNanos) {
        MemorySegment region = Regions.slice(call, map, offset, requiredBytes(call, capacity, slots));
        region.fill((byte) 0);
        INT.set(region, KIND_OFFSET, kind);
        INT.set(region, CAPACITY_OFFSET, capacity);
        INT.set(region, SLOT_COUNT_OFFSET, slots);
        LONG.set(region, STALL_TIMEOUT_OFFSET, stallTimeoutNanos);
        INT.setRelease(region, MAGIC_OFFSET, MAGIC);
        return region;
    }

    /** Finds a formatted ring of {@code kind} at {@code offset} and returns its region. */
    static MemorySegment attach(String call, MemoryMap map, long offset, int kind) {
        MemorySegment header = Regions.slice(call, map, offset, SLOTS);
        int magic = (int) INT.getAcquire(header, MAGIC_OFFSET);
        int found = (int) INT.get(header, KIND_OFFSET);
        if (magic != MAGIC || (found != KIND_SPSC && found != KIND_MPSC)) {
            throw Regions.invalid(String.format("%s: no ring buffer was formatted there (found magic 0x%08x); "
                    + "format one first", call, magic));
        }
        if (found != kind) {
            throw Regions.invalid(call + ": the ring at offset " + offset + " is " + kindName(found)
                    + ", not " + kindName(kind) + "; attach it with " + kindName(found) + "RingBuffer.attach");
        }
        int capacity = (int) INT.get(header, CAPACITY_OFFSET);
        int slots = (int) INT.get(header, SLOT_COUNT_OFFSET);
        return Regions.slice(call, map, offset, requiredBytes(call, capacity, slots));
    }

    private static String kindName(int kind) {
        return kind == KIND_SPSC ? "Spsc" : "Mpsc";
    }

    static long align(long length) {
        return (length + RECORD_ALIGNMENT - 1) & -RECORD_ALIGNMENT;
    }

    static long header(int length, int type) {
        return (long) type << 32 | (length & 0xFFFF_FFFFL);
    }
}
