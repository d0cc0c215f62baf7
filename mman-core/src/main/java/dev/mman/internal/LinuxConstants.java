package dev.mman.internal;

import dev.mman.Advice;

/** Linux's values (the same on x86_64 and aarch64). */
public final class LinuxConstants implements PosixConstants {

    /** The one instance. */
    public static final LinuxConstants INSTANCE = new LinuxConstants();

    static final int MAP_SHARED = 0x01;
    static final int MAP_PRIVATE = 0x02;
    static final int MAP_FIXED = 0x10;
    static final int MAP_ANONYMOUS = 0x20;
    static final int MAP_POPULATE = 0x8000;
    static final int MAP_HUGETLB = 0x40000;

    static final int MS_ASYNC = 1;
    static final int MS_INVALIDATE = 2;
    static final int MS_SYNC = 4;

    private static final int[] NATIVE_PROT = {1, 2, 4};
    private static final int[] PORTABLE_MAP = {
        PortableBits.MAP_SHARED, PortableBits.MAP_PRIVATE, PortableBits.MAP_FIXED,
        PortableBits.MAP_ANONYMOUS, PortableBits.MAP_POPULATE, PortableBits.MAP_HUGETLB
    };
    private static final int[] NATIVE_MAP = {
        MAP_SHARED, MAP_PRIVATE, MAP_FIXED, MAP_ANONYMOUS, MAP_POPULATE, MAP_HUGETLB
    };
    private static final int[] NATIVE_MS = {MS_ASYNC, MS_SYNC, MS_INVALIDATE};

    private LinuxConstants() {}

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
            case HUGEPAGE -> 14;
            case NOHUGEPAGE -> 15;
            case POPULATE -> writable ? 23 : 22; // MADV_POPULATE_WRITE : MADV_POPULATE_READ
        };
    }

    @Override
    public boolean hasNativePopulate() {
        return true;
    }

    @Override
    public int sharedMemoryNameMax() {
        return 255; // NAME_MAX: the name is a file under /dev/shm
    }

    @Override
    public int scPageSize() {
        return 30;
    }

    @Override
    public ErrnoTable errno() {
        return ErrnoTable.LINUX;
    }
}
