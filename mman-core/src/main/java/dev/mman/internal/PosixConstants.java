package dev.mman.internal;

import dev.mman.Advice;

/**
 * Translates mman's portable constants (the seed's values, see {@link dev.mman.Mman}) into one
 * POSIX kernel's values. Implementations are pure functions: no native calls, no state.
 */
public interface PosixConstants {

    /** Returned by {@link #advice(Advice, boolean)} when the platform has no such advice. */
    int UNSUPPORTED = -1;

    /**
     * Translates portable {@code PROT_*} bits.
     *
     * @param prot portable protection bits
     * @return the native protection bits
     */
    int protection(int prot);

    /**
     * Translates portable {@code MAP_*} bits. Bits the platform cannot express natively
     * (such as {@code MAP_POPULATE} on macOS) are dropped; see {@link #hasNativePopulate()}.
     *
     * @param flags portable mapping flags
     * @return the native mapping flags
     */
    int mapFlags(int flags);

    /**
     * Translates portable {@code MS_*} bits.
     *
     * @param flags portable msync flags
     * @return the native msync flags
     */
    int msyncFlags(int flags);

    /**
     * Translates a portable advice.
     *
     * @param advice the advice
     * @param writable whether the mapping is writable (chooses the populate flavour)
     * @return the native advice value, or {@link #UNSUPPORTED}
     */
    int advice(Advice advice, boolean writable);

    /**
     * Whether {@code mmap} can prefault by itself ({@code MAP_POPULATE}).
     *
     * @return true on Linux
     */
    boolean hasNativePopulate();

    /**
     * The longest shared-memory name the platform accepts, without the leading slash.
     *
     * @return the limit in bytes
     */
    int sharedMemoryNameMax();

    /**
     * {@code _SC_PAGESIZE} for {@code sysconf}.
     *
     * @return the platform's value
     */
    int scPageSize();

    /**
     * The errno names and texts of this platform.
     *
     * @return the table
     */
    ErrnoTable errno();

    /**
     * Moves each bit of {@code value} that appears in {@code from} to the bit at the same index
     * in {@code to}. Bits not listed are dropped.
     *
     * @param value the bits to translate
     * @param from source bits, one per entry
     * @param to target bits, one per entry
     * @return the translated bits
     */
    static int translateBits(int value, int[] from, int[] to) {
        int out = 0;
        for (int i = 0; i < from.length; i++) {
            if ((value & from[i]) != 0) {
                out |= to[i];
            }
        }
        return out;
    }
}
