package dev.mman;

import dev.mman.internal.Platform;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * {@link MapOptions#reserve()}: gives a file's blocks storage before it is mapped, so that a full
 * file system is an exception at map time and never a fault at the first write to a page. A write
 * through a shared mapping into a hole of a sparse file needs a new block; without one the kernel
 * raises SIGBUS, which the JDK turns into an {@link InternalError} in the middle of the caller's
 * code (and mman into an {@link MMapException}, but only for its own copies).
 */
final class StorageReservation {

    private StorageReservation() {}

    /**
     * Reserves the first {@code end} bytes of the file behind {@code fd}, which is open for writing.
     * The platform's reservation starts at offset 0, so holes before a mapping's offset get blocks
     * too; the file's length is never changed.
     */
    static void reserve(Platform platform, Supplier<String> call, int fd, long end) {
        boolean reserved;
        try {
            reserved = platform.reserve(fd, end);
        } catch (MMapAllocationException full) {
            MMapAllocationException refused = new MMapAllocationException(call.get() + ": " + full.getMessage()
                    + "; nothing was mapped", full.errno());
            refused.initCause(full);
            throw refused;
        }
        if (!reserved) {
            throw new MMapException(call.get() + ": " + platform.describeFd(fd) + " cannot be reserved here ("
                    + platform.describe() + ": its file system has no fallocate, or mman reserves no files on this "
                    + "system yet); map it without reserve(), and keep room on the file system", 0);
        }
    }

    /** As {@link #reserve(Platform, Supplier, int, long)}, for the JDK and NIO backends, which hold no descriptor. */
    static void reserve(Supplier<String> call, Path file, long end) {
        Platform platform = Platform.current();
        int fd = platform.openFile(file, true);
        try {
            reserve(platform, call, fd, end);
        } finally {
            platform.closeFile(fd);
        }
    }
}
