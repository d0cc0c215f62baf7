package dev.mman;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The memory behind one {@link MemoryMap}, as one {@link Backend} provides it. {@link MappingGuard}
 * keeps the state and the safety rules; a region only does what its machinery can. The calls that
 * only {@code NATIVE} can make are default methods that throw {@link UnsupportedOperationException}
 * (from {@link Backend#unsupported}). Offsets are relative to the start of the region and already
 * checked.
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

    /**
     * Views for a new protection epoch.
     *
     * @param confined whether only the calling thread may use them (a confined arena, whose close
     *     needs no handshake with other threads)
     */
    Views openViews(boolean confined);

    /** Views for a later epoch of the same arena, after rights were only added. */
    Views reopenViews(Views current);

    /** Changes the kernel's protection; only {@code NATIVE} can. */
    default void protect(int prot) {
        throw backend().unsupported("mprotect");
    }

    void sync(long offset, long length, int flags);

    default void lock() {
        throw backend().unsupported("mlock");
    }

    default void unlock() {
        throw backend().unsupported("munlock");
    }

    /** {@code madvise}; {@link Advice#POPULATE} is split over {@code populateThreads} threads. */
    default void advise(long offset, long length, Advice advice, boolean populateForWrite, int populateThreads) {
        throw backend().unsupported("madvise");
    }

    /**
     * Faults every page in, as {@code MAP_POPULATE} does. Every backend can: {@code NATIVE} through
     * {@code madvise}, the others through the JDK's {@code load()}; anonymous memory from the JDK is
     * already resident, as the JDK zeroes it page by page. Large regions are split over threads
     * ({@link ParallelPrefault}).
     *
     * @param threads how many threads, as {@link ParallelPrefault#threads} chose
     */
    void prefault(boolean forWrite, int threads);

    /**
     * Which pages of part of the region are resident: one byte per page, bit 0 set when resident.
     * {@link Residency} asks for bounded parts, so that the vector stays small.
     */
    default byte[] residency(long offset, long length) {
        throw backend().unsupported("residency (mincore)");
    }

    /**
     * Gives the memory back, after the caller has closed every view arena.
     *
     * @param viewsRetired whether an arena was closed just now; NATIVE then leaves a placeholder
     *     for late accesses and makes the extra handshakes itself (see {@code Placeholders})
     */
    void release(boolean viewsRetired);

    /** Whether {@link #release release(true)} makes the extra handshakes, so the caller need not. */
    default boolean awaitsLateAccesses() {
        return false;
    }
}
