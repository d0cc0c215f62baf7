package dev.mman.internal;

import dev.mman.Advice;

/** macOS (Darwin) values, from {@code <sys/mman.h>} of the macOS SDK. */
public final class DarwinConstants implements PosixConstants {

    /** The one instance. */
    public static final DarwinConstants INSTANCE = new DarwinConstants();

    static final int MAP_SHARED = 0x0001;
    static final int MAP_PRIVATE = 0x0002;
    static final int MAP_FIXED = 0x0010;
    static final int MAP_ANON = 0x1000;

    static final int MS_ASYNC = 0x0001;
    static final int MS_INVALIDATE = 0x0002;
    static final int MS_SYNC = 0x0010;

    private static final int[] NATIVE_PROT = {1, 2, 4};
    private static final int[] PORTABLE_MAP = {
        PortableBits.MAP_SHARED, PortableBits.MAP_PRIVATE, PortableBits.MAP_FIXED, PortableBits.MAP_ANONYMOUS
    };
    private static final int[] NATIVE_MAP = {MAP_SHARED, MAP_PRIVATE, MAP_FIXED, MAP_ANON};
    private static final int[] NATIVE_MS = {MS_ASYNC, MS_SYNC, MS_INVALIDATE};

    private DarwinConstants() {}

    @Override
    public int protection(int prot) {
        return PosixConstants.translateBits(prot, PortableBits.PROT, NATIVE_PROT);
    }

    @Override
    public int mapFlags(int flags) {
        return PosixConstants.translateBits(flags, PORTABLE_MAP, NATIVE_MAP);
    }

    @Override
    public int msyncFlags(int flags) {
        return PosixConstants.translateBits(flags, PortableBits.MS, NATIVE_MS);
    }

    @Override
    public int advice(Advice advice, boolean writable) {
        return switch (advice) {
            case NORMAL -> 0;
            case RANDOM -> 1;
            case SEQUENTIAL -> 2;
            case WILLNEED -> 3;
            case DONTNEED -> 4;
            // No transparent huge pages and no MADV_POPULATE: POPULATE is done by touching.
            case HUGEPAGE, NOHUGEPAGE, POPULATE -> UNSUPPORTED;
        };
    }

    @Override
    public boolean hasNativePopulate() {
        return false;
    }

    @Override
    public int sharedMemoryNameMax() {
        return 31; // PSHMNAMLEN
    }

    @Override
    public int scPageSize() {
        return 29;
    }

    @Override
    public ErrnoTable errno() {
        return ErrnoTable.DARWIN;
    }
}
