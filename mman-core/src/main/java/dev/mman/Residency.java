package dev.mman;

import java.util.Arrays;
import java.util.BitSet;

/**
 * Reads which pages are resident a bounded part at a time, so that neither the native vector
 * {@code mincore} fills nor any Java array grows with the mapping: a mapping of terabytes has
 * billions of pages, more than one {@code byte[]} or {@link BitSet} holds.
 */
final class Residency {

    /** Pages per system call: 1 GiB of 4 KiB pages, a 256 KiB vector (4 MiB of entries on Windows). */
    static final long PAGES_PER_CALL = 1 << 18;
    /** The most pages one {@link BitSet} answer may have: its indexes are ints. */
    static final long MAX_PAGES = Integer.MAX_VALUE;

    private Residency() {}

    /** The pages of {@code [offset, offset + length)} that are resident; bit 0 is the page at {@code offset}. */
    static BitSet of(Region region, long offset, long length) {
        long pageSize = region.pageSize();
        // Built a word at a time, which a cold JVM (mman's CLI) runs far faster than BitSet.set per
        // page. A call's first page is a multiple of PAGES_PER_CALL, so of 64 too.
        Words words = new Words(Math.toIntExact((pages(length, pageSize) + 63) / 64));
        scan(region, offset, length, (page, vector) -> {
            int last = vector.length - 1;
            while (last >= 0 && (vector[last] & 1) == 0) {
                last--;
            }
            if (last < 0) {
                return;
            }
            int base = (int) (page >>> 6);
            long[] w = words.reaching(base + (last >>> 6) + 1);
            for (int i = 0; i <= last; i++) {
                w[base + (i >>> 6)] |= (long) (vector[i] & 1) << i;
            }
        }, pageSize);
        return BitSet.valueOf(words.array);
    }

    /**
     * The words of an answer, grown only as far as its last resident page, as a {@link BitSet}
     * grows: a sparse range of billions of pages would otherwise take hundreds of megabytes of
     * heap for an answer of a few bits.
     */
    private static final class Words {
        private final int most;
        long[] array = new long[0];

        Words(int most) {
            this.most = most;
        }

        /** The words, at least {@code length} of them, doubled when they grow so that growing costs little. */
        long[] reaching(int length) {
            if (length > array.length) {
                array = Arrays.copyOf(array, Math.min(most, Math.max(length, 2 * array.length)));
            }
            return array;
        }
    }

    /** How many pages of {@code [offset, offset + length)} are resident. */
    static long count(Region region, long offset, long length) {
        long[] count = {0};
        scan(region, offset, length, (page, vector) -> {
            for (byte entry : vector) {
                count[0] += entry & 1;
            }
        }, region.pageSize());
        return count[0];
    }

    /** How many pages a range of {@code length} bytes touches. */
    static long pages(long length, long pageSize) {
        return length / pageSize + (length % pageSize == 0 ? 0 : 1);
    }

    @FunctionalInterface
    private interface Part {
        void accept(long firstPage, byte[] vector);
    }

    private static void scan(Region region, long offset, long length, Part part, long pageSize) {
        long chunk = PAGES_PER_CALL * pageSize;
        for (long done = 0; done < length; done += chunk) {
            long bytes = Math.min(chunk, length - done);
            part.accept(done / pageSize, region.residency(offset + done, bytes));
        }
    }
}
