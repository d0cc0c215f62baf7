package dev.mman.internal.windows;

import dev.mman.internal.PortableBits;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The live mappings of a Windows process, by start address. POSIX calls take any range, but
 * Windows needs to know what a range belongs to: a view is released with {@code UnmapViewOfFile}
 * and anonymous memory with {@code VirtualFree}, a durable flush needs the file's handle, and a
 * private view's protection must stay copy-on-write.
 */
final class WindowsViews {

    /**
     * One mapping.
     *
     * @param address its start
     * @param size its length
     * @param flags the portable mapping flags it was made with
     * @param fileHandle a handle of the mapped file, duplicated so it outlives the caller's, or 0
     *     for anonymous memory and shared-memory objects
     * @param anonymous whether it came from {@code VirtualAlloc}
     */
    record View(long address, long size, int flags, long fileHandle, boolean anonymous) {

        /** Whether a range lies inside this view. */
        boolean contains(long start, long length) {
            return start >= address && length >= 0 && start - address <= size - length;
        }

        /**
         * The mapping flags that choose page protections: anonymous memory is this process's alone,
         * so it is never copy-on-write (and {@code VirtualAlloc} refuses {@code PAGE_WRITECOPY}).
         */
        int protectionFlags() {
            return anonymous ? flags & ~PortableBits.MAP_PRIVATE : flags;
        }
    }

    private final ConcurrentSkipListMap<Long, View> views = new ConcurrentSkipListMap<>();

    /**
     * Records a new mapping.
     *
     * @param view the mapping
     */
    void add(View view) {
        views.put(view.address(), view);
    }

    /**
     * The mapping that holds a range.
     *
     * @param address the start of the range
     * @param size its length
     * @return the mapping, or null when no single mapping holds the whole range
     */
    View containing(long address, long size) {
        Map.Entry<Long, View> below = views.floorEntry(address);
        return below != null && below.getValue().contains(address, size) ? below.getValue() : null;
    }

    /**
     * Forgets the mapping that starts at an address.
     *
     * @param address the start
     * @return the mapping, or null
     */
    View remove(long address) {
        return views.remove(address);
    }
}
