package dev.mman;

import dev.mman.internal.Platform;

/**
 * The constants of {@code <sys/mman.h>}, with the values of the original mman library, and the
 * entry points that do not need a mapping.
 *
 * <p>The values are mman's own, the same on every platform; they are translated to the kernel's
 * values at the moment of the call (Linux has {@code MS_SYNC} = 4, macOS has {@code MAP_ANON} =
 * 0x1000). Never pass these constants to a native function directly.
 *
 * <pre>{@code
 * try (MemoryMap m = Mman.mmapRegion(4096)) {
 *     m.write("hello".getBytes(StandardCharsets.US_ASCII));
 * }
 * }</pre>
 */
public final class Mman {

    /** Pages may not be accessed. */
    public static final int PROT_NONE = 0;
    /** Pages may be read. */
    public static final int PROT_READ = 1;
    /** Pages may be written. */
    public static final int PROT_WRITE = 2;
    /**
     * Pages may be executed. Refused unless the JVM runs with {@code -Ddev.mman.allowExec=true}:
     * Java has no use for executable data, and an attacker does.
     */
    public static final int PROT_EXEC = 4;

    /** A file-backed mapping; the default, and zero. */
    public static final int MAP_FILE = 0;
    /** Writes are shared with every other mapping of the same object and reach the file. */
    public static final int MAP_SHARED = 1;
    /** Writes are private copy-on-write copies and never reach the file. */
    public static final int MAP_PRIVATE = 2;
    /** The mask of the sharing type ({@link #MAP_SHARED} or {@link #MAP_PRIVATE}). */
    public static final int MAP_TYPE = 0xf;
    /**
     * Place the mapping at an exact address. mman refuses it: the API takes no address, and a
     * fixed mapping could replace memory that the JVM owns.
     */
    public static final int MAP_FIXED = 0x10;
    /** Memory not backed by any file, filled with zeros. */
    public static final int MAP_ANONYMOUS = 0x20;
    /** The same as {@link #MAP_ANONYMOUS}. */
    public static final int MAP_ANON = 0x20;
    /**
     * mman's extension: fault every page in while mapping ({@code MAP_POPULATE} on Linux,
     * touching elsewhere). Failures are ignored, as the kernel does; use
     * {@link MemoryMap#madvise(Advice)} with {@link Advice#POPULATE} to have them reported.
     */
    public static final int MAP_POPULATE = 0x8000;
    /**
     * mman's extension: back the mapping with reserved huge pages ({@code MAP_HUGETLB}, Linux).
     * It needs huge pages reserved by the administrator ({@code sysctl vm.nr_hugepages=N}) and a
     * size that is a multiple of the huge page size; without them the mapping fails with a hint.
     * Transparent huge pages need no reservation: use {@link MemoryMap#madvise(Advice)} with
     * {@link Advice#HUGEPAGE}.
     */
    public static final int MAP_HUGETLB = 0x40000;

    /** Schedule the write-back and return at once. */
    public static final int MS_ASYNC = 1;
    /** Write back and wait until the data is on the storage device. */
    public static final int MS_SYNC = 2;
    /** Invalidate other mappings of the same file so that they see the written data. */
    public static final int MS_INVALIDATE = 4;

    /** The Windows {@code FILE_MAP_EXECUTE} access bit, kept for parity with the original library. */
    public static final int FILE_MAP_EXECUTE = 0x20;

    /**
     * The library version; the build writes the project version here, its one source. It is not a
     * compile-time constant, so code compiled against one mman and run with another sees the one
     * it runs with.
     */
    public static final String VERSION = ProjectVersion.value();

    private Mman() {}

    /**
     * The size of a memory page, from {@code sysconf(_SC_PAGESIZE)} ({@code GetSystemInfo} on
     * Windows). It is 4096 on most x86_64 systems and 16384 on Apple silicon. Only when the
     * system reports nothing sensible (0 or less) is 4096 assumed.
     *
     * @return the page size in bytes
     * @throws MMapException on an unsupported platform, or when native access is denied
     */
    public static long pageSize() {
        return Platform.current().pageSize();
    }

    /**
     * The alignment that file-mapping offsets must have: the page size on POSIX, and
     * {@code dwAllocationGranularity} (64 KiB) on Windows.
     *
     * @return the granularity in bytes
     * @throws MMapException on an unsupported platform, or when native access is denied
     */
    public static long allocationGranularity() {
        return Platform.current().allocationGranularity();
    }

    /**
     * Maps {@code size} bytes of private, zeroed, readable and writable memory.
     *
     * @param size the length in bytes, at least 1
     * @return the mapping; close it when done
     * @throws MMapInvalidParameterException when {@code size} is not positive
     * @throws MMapAllocationException when the system refuses the mapping
     */
    public static MemoryMap mmapRegion(long size) {
        return mmapRegion(size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
    }

    /**
     * Maps anonymous memory ({@link #MAP_ANONYMOUS} must be in {@code flags}).
     *
     * @param size the length in bytes, at least 1
     * @param prot {@code PROT_*} bits
     * @param flags {@code MAP_*} bits including {@link #MAP_ANONYMOUS}
     * @return the mapping; close it when done
     * @throws MMapInvalidParameterException when an argument is bad
     * @throws MMapAllocationException when the system refuses the mapping
     */
    public static MemoryMap mmapRegion(long size, int prot, int flags) {
        return mmapRegion(size, prot, flags, -1, 0);
    }

    /**
     * The original library's {@code mmap_region}: maps anonymous memory when {@code flags}
     * contains {@link #MAP_ANONYMOUS} (then {@code fd} must be -1 and {@code offset} 0), and
     * the file behind {@code fd} otherwise.
     *
     * @param size the length in bytes, at least 1
     * @param prot {@code PROT_*} bits
     * @param flags {@code MAP_*} bits
     * @param fd an open file descriptor, or -1 for anonymous memory
     * @param offset the file offset, a multiple of {@link #allocationGranularity()}
     * @return the mapping; close it when done
     * @throws MMapInvalidParameterException when an argument is bad
     * @throws MMapAllocationException when the system refuses the mapping
     */
    public static MemoryMap mmapRegion(long size, int prot, int flags, int fd, long offset) {
        if ((flags & MAP_ANONYMOUS) != 0) {
            if (fd != -1 || offset != 0) {
                throw new MMapInvalidParameterException("mmapRegion: MAP_ANONYMOUS takes fd -1 and offset 0, "
                        + "but got fd " + fd + " and offset " + offset + "; drop MAP_ANONYMOUS to map the file");
            }
            return MemoryMap.createAnonymous(size, prot, flags);
        }
        return MemoryMap.createFileMapping(fd, offset, size, prot, flags);
    }
}
