package dev.mman.internal.posix;

import dev.mman.Advice;
import dev.mman.internal.PortableBits;
import java.util.Map;

/**
 * One POSIX kernel's values for mman's portable constants (the seed's values, see
 * {@link dev.mman.Mman}), and the one routine that translates through them. Each system fills a
 * table from its own headers, so Linux and macOS can differ only in their numbers, never in how
 * the numbers are applied. Pure data: no native calls, so every table can be checked on any OS.
 *
 * @param protection the {@code PROT_*} bits
 * @param mapping the {@code MAP_*} bits; a flag the kernel lacks has no row and is dropped, which
 *     for {@code MAP_POPULATE} the caller makes up for (see {@link #hasNativePopulate()})
 * @param msync the {@code MS_*} bits
 * @param advice the {@code madvise} values; an advice with no entry is {@link #UNSUPPORTED}, and
 *     the entry for {@code POPULATE} is the one for read-only mappings
 * @param populateWritable the {@code POPULATE} value for writable mappings, which must not be
 *     faulted in read-only ({@code MADV_POPULATE_WRITE}), or {@link #UNSUPPORTED}
 * @param sharedMemoryNameMax the longest shared-memory name, without the leading slash
 * @param scPageSize {@code _SC_PAGESIZE} for {@code sysconf}
 * @param errno the errno names and texts
 */
public record PosixConstants(Bits protection, Bits mapping, Bits msync, Map<Advice, Integer> advice,
        int populateWritable, int sharedMemoryNameMax, int scPageSize, ErrnoTable errno) {

    /** Returned by {@link #advice(Advice, boolean)} when the platform has no such advice. */
    public static final int UNSUPPORTED = -1;

    /**
     * Translates portable {@code PROT_*} bits.
     *
     * @param prot portable protection bits
     * @return the native protection bits
     */
    public int protection(int prot) {
        return protection.translate(prot);
    }

    /**
     * Translates portable {@code MAP_*} bits.
     *
     * @param flags portable mapping flags
     * @return the native mapping flags
     */
    public int mapFlags(int flags) {
        return mapping.translate(flags);
    }

    /**
     * Translates portable {@code MS_*} bits.
     *
     * @param flags portable msync flags
     * @return the native msync flags
     */
    public int msyncFlags(int flags) {
        return msync.translate(flags);
    }

    /**
     * Translates a portable advice.
     *
     * @param advice the advice
     * @param writable whether the mapping is writable (chooses the populate flavour)
     * @return the native advice value, or {@link #UNSUPPORTED}
     */
    public int advice(Advice advice, boolean writable) {
        return advice == Advice.POPULATE && writable ? populateWritable : this.advice.getOrDefault(advice, UNSUPPORTED);
    }

    /**
     * Whether {@code mmap} can prefault by itself ({@code MAP_POPULATE}); where it cannot, mman
     * touches the pages instead.
     *
     * @return true when the table has a row for it
     */
    public boolean hasNativePopulate() {
        return mapFlags(PortableBits.MAP_POPULATE) != 0;
    }

    /**
     * Rows of portable bits and the native bits they become. A row per bit, rather than a shift or
     * a mask, because the kernels number their flags as they please.
     */
    public static final class Bits {

        private final int[] portable;
        private final int[] target;

        private Bits(int[] portable, int[] target) {
            this.portable = portable;
            this.target = target;
        }

        /**
         * A table from pairs.
         *
         * @param rows a portable bit, then its native value, for each row
         * @return the table
         * @throws IllegalArgumentException when a native value is missing
         */
        public static Bits of(int... rows) {
            if (rows.length % 2 != 0) {
                throw new IllegalArgumentException("every portable bit needs its native value");
            }
            int[] portable = new int[rows.length / 2];
            int[] target = new int[rows.length / 2];
            for (int row = 0; row < portable.length; row++) {
                portable[row] = rows[2 * row];
                target[row] = rows[2 * row + 1];
            }
            return new Bits(portable, target);
        }

        /**
         * Moves each bit of {@code value} that has a row to its native value. Bits without a row
         * are dropped.
         *
         * @param value portable bits
         * @return the native bits
         */
        public int translate(int value) {
            int out = 0;
            for (int row = 0; row < portable.length; row++) {
                if ((value & portable[row]) != 0) {
                    out |= target[row];
                }
            }
            return out;
        }
    }
}
