package dev.mman;

import static dev.mman.Mman.MAP_HUGETLB;
import static dev.mman.Mman.MAP_PRIVATE;
import static dev.mman.Mman.PROT_EXEC;
import static dev.mman.Mman.PROT_WRITE;

import dev.mman.internal.Platform;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileChannel.MapMode;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Supplier;

/** What the JDK and NIO backends share: opening the file as a channel and choosing the map mode. */
final class ChannelMapping {

    /** The page size a backend without native access assumes when it cannot ask the system. */
    private static final long ASSUMED_PAGE_SIZE = 4096;

    private ChannelMapping() {}

    /** The system page size when the native platform can tell it, or the usual 4096. */
    static long pageSize() {
        try {
            return Platform.current().pageSize();
        } catch (MMapException noNativeAccess) {
            return ASSUMED_PAGE_SIZE;
        }
    }

    /** The alignment of file offsets when the native platform can tell it, or the usual 4096. */
    static long granularity() {
        try {
            return Platform.current().allocationGranularity();
        } catch (MMapException noNativeAccess) {
            return ASSUMED_PAGE_SIZE;
        }
    }

    /** Refuses what no channel mapping can express, before anything is opened. */
    static void supports(Backend backend, int prot, int flags) {
        if ((prot & PROT_EXEC) != 0) {
            throw backend.unsupported("PROT_EXEC");
        }
        if ((flags & MAP_HUGETLB) != 0) {
            throw backend.unsupported("MAP_HUGETLB");
        }
    }

    static MapMode mode(int prot, int flags) {
        if ((prot & PROT_WRITE) == 0) {
            return MapMode.READ_ONLY;
        }
        return (flags & MAP_PRIVATE) != 0 ? MapMode.PRIVATE : MapMode.READ_WRITE;
    }

    /** Opens the file as {@code mmap} would need it, and checks that the range lies inside it. */
    static FileChannel open(Supplier<String> call, Path file, long offset, long size, int prot, int flags) {
        // Unlike mmap, FileChannel.map needs a writable channel for private (copy-on-write) maps too.
        boolean write = mode(prot, flags) != MapMode.READ_ONLY;
        FileChannel channel;
        try {
            channel = write ? FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)
                    : FileChannel.open(file, StandardOpenOption.READ);
        } catch (AccessDeniedException denied) {
            throw new MMapException(call.get() + ": " + file + " cannot be opened for "
                    + (write ? "reading and writing" : "reading") + ": permission denied", denied);
        } catch (IOException e) {
            throw new MMapException(call.get() + ": " + file + " cannot be opened: " + e, e);
        }
        try {
            FileChecks.length(call, file.toString(), channel.size(), offset, size);
            return channel;
        } catch (IOException e) {
            closeQuietly(channel);
            throw new MMapException(call.get() + ": the length of " + file + " cannot be read: " + e, e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    /**
     * Why {@code FileChannel.map} refused. A file truncated between mman's length check and the map
     * makes the JDK try to extend it, which a read-only channel cannot ("Channel not open for
     * writing"): that is said as the truncation it is.
     */
    static MMapException refused(Supplier<String> call, Path file, long end, IOException e) {
        try {
            long now = Files.size(file);
            if (now < end) {
                MMapException shrunk = Arguments.invalid(call.get() + ": " + file + " is now " + now + " bytes, "
                        + "shorter than the mapping's end at " + end + " (was it truncated while being mapped?); "
                        + "extend it again or map a shorter range");
                shrunk.initCause(e);
                return shrunk;
            }
        } catch (IOException gone) {
            e.addSuppressed(gone);
        }
        return new MMapAllocationException(call.get() + " failed: " + e, 0);
    }

    /**
     * The JDK turns the SIGBUS of a page the file no longer covers (a peer truncated it while the
     * pages were being loaded) into an {@link InternalError}; {@code map()} reports it as mman does.
     */
    static MMapException prefaultFaulted(Supplier<String> call, Path file, long offset, long size, InternalError fault) {
        return new MMapException(call.get() + " faulted while prefaulting: "
                + FileChecks.faultReason(file, offset, size), fault);
    }

    /**
     * The JDK's allocators report a refused allocation as {@link OutOfMemoryError}, which a caller
     * cannot be expected to catch; it becomes the exception every backend throws for it.
     */
    static MMapAllocationException outOfMemory(String call, Backend backend, OutOfMemoryError e) {
        MMapAllocationException refused = new MMapAllocationException(call + " refused: Backend." + backend
                + " could not allocate the memory (" + e.getMessage() + "; the allocator's ENOMEM); map less, or "
                + "raise -XX:MaxDirectMemorySize for Backend.NIO", 0);
        refused.initCause(e);
        return refused;
    }

    static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // The mapping (or the error being reported) matters more than a failed close of a
            // read descriptor; there is nothing to flush.
        }
    }
}
