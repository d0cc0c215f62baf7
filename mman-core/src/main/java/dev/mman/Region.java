package dev.mman;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The memory behind one {@link MemoryMap}, as one {@link Backend} provides it. {@code MemoryMap}
 * keeps the state and the safety rules; a region only does what its machinery can, and throws
 * {@link UnsupportedOperationException} (from {@link Backend#unsupported}) for the rest. Offsets are
 * relative to the start of the region and already checked.
 */
sealed interface Region permits NativeRegion, JdkRegion, NioRegion {

    /**
     * A segment over the whole region and the arena that must be closed to invalidate it, or null
     * when closing it is not possible.
     */
    record Views(Arena arena, MemorySegment segment) {}

    Backend backend();

    long address();

    long pageSize();

    /** Views for a new protection epoch. */
    Views openViews();

    /** Views for a later epoch of the same arena, after rights were only added. */
    Views reopenViews(Views current);

    void protect(int prot);

    void sync(long offset, long length, int flags);

    void lock();

    void unlock();

    void advise(long offset, long length, Advice advice, boolean populateForWrite);

    /**
     * Faults every page in, as {@code MAP_POPULATE} does. Every backend can: {@code NATIVE} through
     * {@code madvise}, the others through the JDK's {@code load()}; anonymous memory from the JDK is
     * already resident, as the JDK zeroes it page by page.
     */
    void prefault(boolean forWrite);

    byte[] residency();

    /** Gives the memory back, after the caller has retired every view. */
    void release();
}
