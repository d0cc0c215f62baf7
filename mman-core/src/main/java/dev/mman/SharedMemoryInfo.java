package dev.mman;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One named shared-memory object as {@link SharedMemory#list()} found it: a snapshot, true when the
 * scan looked, that may be out of date by the time it is read.
 *
 * <p>On Linux the facts come from the object's entry in {@code /dev/shm} ({@code stat}) and the
 * processes from {@code /proc}: a process counts when a line of its {@code /proc/PID/maps} names the
 * object (same path, same inode), or when one of its descriptors in {@code /proc/PID/fd} points at
 * it, so that a creator that has opened the object but not mapped it yet counts too. A process whose
 * entries this user may not read cannot be seen: another user's; a non-dumpable one such as
 * {@code ssh-agent}; and, for a root without {@code CAP_SYS_PTRACE} (Docker's default), one with
 * capabilities this process lacks. Those that could open the object are in {@link #uninspected()}.
 *
 * @param name the name with its leading slash, as {@link SharedMemory#open} takes it, such as
 *     {@code /orders}
 * @param size the length in bytes ({@code st_size})
 * @param mode the permission bits ({@code st_mode & 07777}), such as {@code 0600}
 * @param owner the owner's user name, or the uid in digits when the system has no name for it
 * @param modified when the object was last sized or reserved ({@code st_mtime}): its creation, or
 *     the last {@link SharedMemory#open} by mman (which reserves any space still missing); writes
 *     through a mapping do not change it
 * @param processes the ids of the live processes that map the object or hold it open, ascending
 * @param uninspected the ids of the live processes that could not be inspected (their
 *     {@code /proc} entries are unreadable to this user) and that could open this object by its
 *     permission bits: those running as its owner, and, when its mode lets group or others in, every
 *     one not running as root. Root's processes are assumed not to use other users' objects. When
 *     this is not empty, an empty {@code processes} does not mean that nobody uses the object
 */
public record SharedMemoryInfo(String name, long size, int mode, String owner, Instant modified,
        List<Long> processes, List<Long> uninspected) {

    /**
     * Checks the fields and copies the process list.
     *
     * @throws NullPointerException when a reference field is null
     */
    public SharedMemoryInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(modified, "modified");
        processes = List.copyOf(processes);
        uninspected = List.copyOf(uninspected);
    }

    /**
     * How long ago the object was last sized or reserved ({@link #modified()}), never negative.
     *
     * @return the age now
     */
    public Duration age() {
        Duration age = Duration.between(modified, Instant.now());
        return age.isNegative() ? Duration.ZERO : age;
    }

    /**
     * Whether the scan knows that no process maps or holds the object: no process was seen using
     * it, and every process that could have was inspected.
     *
     * @return true when {@link SharedMemory#removeUnused} may remove it
     */
    public boolean unused() {
        return processes.isEmpty() && uninspected.isEmpty();
    }

    /**
     * For logs: name, size, mode in octal, owner, modification time and processes.
     *
     * @return for example {@code /orders (4096 bytes, mode 0600, owner app, modified 2025-01-01T10:00:00Z,
     *     used by [4711])}
     */
    @Override
    public String toString() {
        return name + " (" + size + " bytes, mode 0" + Integer.toOctalString(mode) + ", owner " + owner
                + ", modified " + modified + ", " + (processes.isEmpty() ? "used by no process seen"
                        : "used by " + processes) + (uninspected.isEmpty() ? ""
                                : ", processes that could use it but could not be inspected: " + uninspected) + ")";
    }
}
