package dev.mman.internal.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.mman.internal.Downcall;
import dev.mman.internal.NativeCalls;
import dev.mman.internal.posix.Native;
import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * How much room a file system has ({@code fstatvfs}) and how much of it a file already takes
 * ({@code st_blocks}), so that a reservation that cannot fit fails before it allocates anything, and
 * the words that tell the user so: how much was asked, how much is free, and how to get more, which
 * for {@code /dev/shm} in a container is a flag of the container rather than a disk to clean.
 *
 * <p>The check matters on tmpfs: a {@code posix_fallocate} that does not fit allocates until the
 * file system is full and only then gives the pages back, and while it is full, a write by any
 * other process to a page of /dev/shm it has not touched yet is a SIGBUS.
 */
final class Space {

    /** {@code struct statvfs} on 64-bit glibc and musl: {@code f_frsize}, {@code f_blocks}, {@code f_bavail}. */
    static final long STATVFS_FRSIZE = 8;
    static final long STATVFS_BLOCKS = 16;
    static final long STATVFS_BAVAIL = 32;
    static final long STATVFS_SIZE = 112;
    /** {@code st_blocks} of {@code struct stat}, in 512-byte units, at 64 on both x86_64 and aarch64. */
    static final long STAT_BLOCKS = 64;
    static final long STAT_SIZE = 144;
    private static final long STAT_BLOCK_UNIT = 512;

    private static final Downcall FSTATVFS = Native.withErrno("fstatvfs",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final Downcall FSTAT = Native.withErrno("fstat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final int ENOMEM = 12;
    private static final int EFBIG = 27;
    /** The error a reservation that does not fit reports. */
    static final int ENOSPC = 28;

    private Space() {}

    /**
     * The room on a descriptor's file system.
     *
     * @param free bytes an unprivileged user may still take
     * @param total the size of the file system; 0 when it has no limit (a tmpfs mounted with size=0)
     */
    record Room(long free, long total) {}

    /**
     * The room on the file system of {@code fd}.
     *
     * @param calls the errno helper
     * @param fd the descriptor
     * @return the room, or null when fstatvfs fails (the check is a courtesy and is then skipped)
     */
    static Room room(NativeCalls calls, int fd) {
        MemorySegment buffer = Native.scratch(STATVFS_SIZE);
        long result = calls.call(() -> "fstatvfs(" + fd + ")", -1, NativeCalls.ANY, NativeCalls.NO_HINT, false,
                state -> (int) FSTATVFS.handle().invokeExact(state, fd, buffer));
        if (result != 0) {
            return null;
        }
        long unit = buffer.get(JAVA_LONG, STATVFS_FRSIZE);
        return new Room(buffer.get(JAVA_LONG, STATVFS_BAVAIL) * unit, buffer.get(JAVA_LONG, STATVFS_BLOCKS) * unit);
    }

    /**
     * How many bytes of storage {@code fd}'s file already has.
     *
     * @param calls the errno helper
     * @param fd the descriptor
     * @return bytes, or -1 when fstat fails
     */
    static long allocated(NativeCalls calls, int fd) {
        MemorySegment buffer = Native.scratch(STAT_SIZE);
        long result = calls.call(() -> "fstat(" + fd + ")", -1, NativeCalls.ANY, NativeCalls.NO_HINT, false,
                state -> (int) FSTAT.handle().invokeExact(state, fd, buffer));
        return result == 0 ? buffer.get(JAVA_LONG, STAT_BLOCKS) * STAT_BLOCK_UNIT : -1;
    }

    /**
     * Whether {@code size} bytes cannot fit, as far as the numbers tell: more is missing than is free.
     *
     * @param room the file system's room, or null when unknown
     * @param allocated what the file has already, or -1 when unknown
     * @param size what the file needs in all
     * @return true when the reservation must fail; false when it may fit or nothing is known
     */
    static boolean cannotFit(Room room, long allocated, long size) {
        return room != null && room.total() > 0 && allocated >= 0 && size - Math.min(allocated, size) > room.free();
    }

    /**
     * The hint for a failed reservation.
     *
     * @param fd the descriptor being reserved
     * @param size how many bytes were asked for in all
     * @param reached how many of them were reserved before the call ran out
     * @param errno the error
     * @param room the file system's room now, or null
     * @return the hint, or null for an error with nothing to add
     */
    static String hint(int fd, long size, long reached, int errno, Room room) {
        Path file = fileOf(fd);
        boolean shm = file != null && file.startsWith(LinuxPlatform.DEV_SHM);
        return switch (errno) {
            case ENOSPC -> noSpace(file, shm, size, reached, room);
            case ENOMEM -> "the memory limit was reached while reserving " + bytes(size) + (shm
                    ? ": pages of /dev/shm are RAM and count against the container's (cgroup's) memory limit; "
                            + "raise that limit or ask for less" : "; free memory or ask for less");
            case EFBIG -> bytes(size) + " is more than the file system allows one file to have";
            default -> null;
        };
    }

    private static String noSpace(Path file, boolean shm, long size, long reached, Room room) {
        StringBuilder hint = new StringBuilder("asked for ").append(bytes(size));
        if (reached > 0) {
            hint.append(" and got ").append(bytes(reached)).append(" before running out");
        }
        if (room != null && room.total() > 0) {
            String where = shm ? LinuxPlatform.DEV_SHM.toString()
                    : file == null ? "the file system" : "the file system of " + file;
            hint.append("; ").append(where).append(" has ").append(bytes(room.free())).append(" free of ")
                    .append(bytes(room.total()));
        }
        if (shm) {
            return hint.append(": remove stale objects (SharedMemory.list(), SharedMemory.removeUnused(...)) or "
                    + "enlarge /dev/shm, e.g. docker run --shm-size=1g, a Kubernetes emptyDir with medium: Memory "
                    + "mounted at /dev/shm, or mount -o remount,size=2g /dev/shm").toString();
        }
        return hint.append(": free space there, or put the file on a larger file system").toString();
    }

    /** The file behind a descriptor, or null when it has none any more (unlinked) or /proc cannot say. */
    private static Path fileOf(int fd) {
        try {
            Path target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd));
            return target.isAbsolute() && Files.exists(target) ? target : null;
        } catch (IOException | UnsupportedOperationException unknown) {
            return null;
        }
    }

    /**
     * A byte count as people read it, with the exact number.
     *
     * @param count bytes
     * @return for example {@code 64 MiB (67108864 bytes)}
     */
    static String bytes(long count) {
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double scaled = count;
        int unit = -1;
        while (scaled >= 1024 && unit < units.length - 1) {
            scaled /= 1024;
            unit++;
        }
        if (unit < 0) {
            return count + " bytes";
        }
        String amount = scaled == Math.rint(scaled) ? Long.toString((long) scaled)
                : String.format(Locale.ROOT, "%.1f", scaled);
        return amount + " " + units[unit] + " (" + count + " bytes)";
    }
}
