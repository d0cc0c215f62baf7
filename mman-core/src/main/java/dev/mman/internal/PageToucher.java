package dev.mman.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Faults pages in by reading one byte of each, for systems without {@code MAP_POPULATE} or
 * {@code MADV_POPULATE_READ} (macOS, Windows). Reading, not writing, so a private file mapping is
 * not copied page by page and a shared one is not dirtied.
 */
public final class PageToucher {

    private PageToucher() {}

    /**
     * Reads the first byte of every page of a range. The caller guarantees that the range is a live
     * mapping that allows reading and lies within its file: a read past the end of a file would
     * raise SIGBUS.
     *
     * @param address the start, page-aligned
     * @param size the length
     * @param pageSize the page size
     * @return the sum of the bytes read, so the reads cannot be optimised away
     */
    public static long touch(long address, long size, long pageSize) {
        MemorySegment range = MemorySegment.ofAddress(address).reinterpret(size);
        long sum = 0;
        for (long offset = 0; offset < size; offset += pageSize) {
            sum += range.get(ValueLayout.JAVA_BYTE, offset);
        }
        return sum;
    }
}
