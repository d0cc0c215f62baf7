package dev.mman.internal;

/**
 * The portable bit values, in one place for the translation tables. They equal the public
 * constants in {@link dev.mman.Mman}; {@code internal} keeps its own copy so that the tables
 * stay pure and readable.
 */
public final class PortableBits {

    /** {@code PROT_READ}. */
    public static final int PROT_READ = 1;
    /** {@code PROT_WRITE}. */
    public static final int PROT_WRITE = 2;
    /** {@code PROT_EXEC}. */
    public static final int PROT_EXEC = 4;

    /** {@code MAP_SHARED}. */
    public static final int MAP_SHARED = 1;
    /** {@code MAP_PRIVATE}. */
    public static final int MAP_PRIVATE = 2;
    /** {@code MAP_FIXED}. */
    public static final int MAP_FIXED = 0x10;
    /** {@code MAP_ANONYMOUS}. */
    public static final int MAP_ANONYMOUS = 0x20;
    /** {@code MAP_POPULATE}. */
    public static final int MAP_POPULATE = 0x8000;
    /** {@code MAP_HUGETLB}. */
    public static final int MAP_HUGETLB = 0x40000;
    /** {@code MAP_NORESERVE}: only mman's own placeholders use it, so the users' flag checks refuse it. */
    public static final int MAP_NORESERVE = 0x4000;

    /** {@code MS_ASYNC}. */
    public static final int MS_ASYNC = 1;
    /** {@code MS_SYNC}. */
    public static final int MS_SYNC = 2;
    /** {@code MS_INVALIDATE}. */
    public static final int MS_INVALIDATE = 4;

    static final int[] PROT = {PROT_READ, PROT_WRITE, PROT_EXEC};
    static final int[] MS = {MS_ASYNC, MS_SYNC, MS_INVALIDATE};

    private PortableBits() {}
}
