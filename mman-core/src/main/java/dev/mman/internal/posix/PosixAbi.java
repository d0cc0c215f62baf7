package dev.mman.internal.posix;

/**
 * The numbers and names that differ between the POSIX systems mman runs on, beyond the constants
 * of {@code <sys/mman.h>} ({@link PosixConstants}). Pure data, so it can be checked on any OS; each
 * system's values are in its own package.
 *
 * @param constants the {@code <sys/mman.h>} translation
 * @param createFlag {@code O_CREAT}
 * @param exclusiveFlag {@code O_EXCL}
 * @param closeOnExecFlag {@code O_CLOEXEC}, given to {@code open}
 * @param noWaitFlags {@code O_NONBLOCK|O_NOCTTY}, given to {@code open} of a path about to be mapped:
 *     a FIFO then cannot block the call and a terminal does not become the controlling one
 * @param sharedMemoryExtraFlags added to every {@code shm_open}: {@code O_CLOEXEC} on Linux; 0 on
 *     macOS, whose {@code shm_open} sets close-on-exec itself, as POSIX asks
 * @param rlimitMemlock {@code RLIMIT_MEMLOCK}
 * @param unlimited {@code RLIM_INFINITY}: all ones on Linux, {@code 2^63 - 1} on macOS
 * @param stat the {@code struct stat} layout
 * @param fstatSymbol the C symbol of {@code fstat} that fills that layout
 * @param variadicSharedMemoryOpen whether {@code shm_open} is declared with {@code ...} (macOS), which
 *     matters on arm64, where variadic arguments travel on the stack
 * @param seekData {@code SEEK_DATA}: 3 on Linux, 4 on macOS
 * @param seekHole {@code SEEK_HOLE}: 4 on Linux, 3 on macOS
 */
public record PosixAbi(PosixConstants constants, int createFlag, int exclusiveFlag, int closeOnExecFlag,
        int noWaitFlags, int sharedMemoryExtraFlags, int rlimitMemlock, long unlimited, StatLayout stat,
        String fstatSymbol, boolean variadicSharedMemoryOpen, int seekData, int seekHole) {

    /** {@code O_RDONLY}, the same everywhere. */
    static final int READ_ONLY = 0;
    /** {@code O_RDWR}, the same everywhere. */
    static final int READ_WRITE = 2;
    /** {@code O_ACCMODE}, the same everywhere. */
    static final int ACCESS_MODE = 3;
    /** {@code F_GETFL}, the same on Linux and macOS. */
    static final int GET_STATUS_FLAGS = 3;
}
