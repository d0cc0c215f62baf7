package dev.mman;

import static dev.mman.Mman.MAP_SHARED;
import static dev.mman.Mman.PROT_READ;
import static dev.mman.Mman.PROT_WRITE;

import dev.mman.internal.FileStatus;
import dev.mman.internal.Platform;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Named shared memory: a block of memory that several processes map by name. It is a
 * {@link MemoryMap}, so it reads, writes, hands out views, syncs, locks and changes protection
 * in exactly the same way.
 *
 * <pre>{@code
 * // process A
 * try (SharedMemory shm = SharedMemory.create("orders", 1 << 20)) {
 *     shm.write(bytes, 0);
 *     ...
 *     shm.unlink();            // the name goes; A's and B's mappings stay valid
 * }
 * // process B
 * try (SharedMemory shm = SharedMemory.open("orders")) {
 *     byte[] seen = shm.read(bytes.length, 0);
 * }
 * }</pre>
 *
 * <h2>Who owns what</h2>
 * <table class="striped">
 * <caption>Lifetimes of a named shared-memory object</caption>
 * <thead><tr><th>thing</th><th>created by</th><th>ends when</th></tr></thead>
 * <tbody>
 * <tr><td>the name</td><td>{@link #create}</td><td>{@link #unlink()} (or {@link #unlink(String)}) is
 *     called in any process, or the machine reboots; process exit does <em>not</em> remove it</td></tr>
 * <tr><td>this process's mapping</td><td>{@link #create} or {@link #open}</td><td>{@link #close()}
 *     in this process, or this process exits</td></tr>
 * <tr><td>the memory itself</td><td>{@link #create}</td><td>the name is unlinked <em>and</em> every
 *     process has closed its mapping</td></tr>
 * </tbody>
 * </table>
 * {@code close()} is not {@code unlink()}: closing lets go of this process's view only. Forgetting
 * {@code unlink()} leaves the object in {@code /dev/shm} (Linux) until reboot.
 *
 * <h2>Names</h2>
 * A name is one path component: an optional leading {@code /}, then 1 to
 * {@link #maxNameLength()} bytes with no other {@code /}, no NUL, and no {@code ..}. On Linux the
 * object appears as {@code /dev/shm/<name>}.
 *
 * <h2>Security</h2>
 * {@code create} makes the object with mode {@code 0600} (owner only) and {@code O_EXCL}, so it
 * never silently joins an object somebody else prepared; {@link Options} can relax both. The mode
 * asked for is the mode the object gets, whatever the process's umask: {@code shm_open} applies the
 * umask, so an {@code fchmod} follows it (only for an object this call created; the umask only
 * clears bits, so the object is never more open than asked in between). Windows has no permission
 * bits: there the object gets the creator's default security and the mode is ignored.
 *
 * <h2>Space: no SIGBUS from a full /dev/shm</h2>
 * On Linux the memory is a file in the tmpfs {@code /dev/shm}, which is small in containers
 * (Docker gives 64 MiB). Sizing a file there takes no space, and a write to a page that finds the
 * file system full is a SIGBUS that kills the JVM. So {@link #create} reserves the whole object
 * with {@code posix_fallocate} before mapping it, and {@link #open} reserves what another program
 * (Python, C) left unreserved: a full {@code /dev/shm} is an {@link MMapAllocationException} with
 * {@code errno()} {@code ENOSPC} (28) there, saying how much was asked and how much is free, and a
 * failed {@code create} removes the object it made. The price is that the memory is taken at once,
 * not as pages are first touched. On macOS the memory is anonymous virtual memory, not a file system
 * that fills up: nothing is reserved, and memory pressure pages it out instead. On Windows the
 * pagefile-backed section is committed when it is created, so a system out of commit fails
 * {@code create} with {@code ERROR_COMMITMENT_LIMIT}. A shared-memory mapping cannot
 * {@link #resize} (only mappings made from a {@code Path} can), so creation is the only place that
 * needs the reservation.
 *
 * <h2>Stale names</h2>
 * A creator killed before {@code unlink()} leaves its object behind, holding memory until reboot.
 * {@link #list()} shows every object with its size, mode, owner, age and the processes that use it;
 * {@link #removeUnused(Duration)} removes the ones nobody uses. Both need a system that can
 * enumerate names: Linux can ({@code /dev/shm} and {@code /proc}); macOS and Windows cannot, and
 * there both throw {@link UnsupportedOperationException}.
 */
public final class SharedMemory extends MemoryMap {

    private final String name;

    /**
     * How {@link #create(String, long, Options)} treats an existing name, and which permissions a
     * new object gets.
     *
     * @param openOrCreate open the object when the name exists already, instead of failing
     * @param mode the permission bits of a new object, between {@code 0} and {@code 0777}; on Linux and
     *     macOS the object gets exactly these, whatever the umask; Windows ignores them
     */
    public record Options(boolean openOrCreate, int mode) {

        /**
         * Checks the mode.
         *
         * @throws MMapInvalidParameterException when {@code mode} has bits outside {@code 0777}
         */
        public Options {
            if ((mode & ~0777) != 0) {
                throw Arguments.invalid("SharedMemory.Options: mode 0" + Integer.toOctalString(mode)
                        + " has bits outside 0777; use permission bits only, such as 0600");
            }
        }

        /**
         * Fail when the name exists, and create with mode {@code 0600}.
         *
         * @return the defaults
         */
        public static Options defaults() {
            return new Options(false, 0600);
        }

        /**
         * These options, but opening the object when the name exists already.
         *
         * @return new options
         */
        public Options withOpenOrCreate() {
            return new Options(true, mode);
        }

        /**
         * These options, with other permission bits for a new object: exactly these, not these minus
         * the umask (so {@code 0660} under umask {@code 022} is {@code 0660}, not {@code 0640}).
         *
         * @param newMode the bits, such as {@code 0660} to share with the group
         * @return new options
         */
        public Options withMode(int newMode) {
            return new Options(openOrCreate, newMode);
        }
    }

    private SharedMemory(NativeRegion region, long size, String name) {
        super(region, size, PROT_READ | PROT_WRITE, MAP_SHARED,
                "shared memory " + name, null, 0);
        this.name = name;
    }

    /**
     * Creates a new named object of {@code size} bytes, filled with zeros, and maps it for
     * reading and writing. Fails when the name exists.
     *
     * @param name the name (see the class documentation for the rules)
     * @param size the length in bytes, at least 1
     * @return the mapping
     * @throws MMapInvalidParameterException when the name or size is bad
     * @throws MMapAllocationException when {@code /dev/shm} has no room for {@code size} bytes
     *     ({@code ENOSPC}; nothing is left behind) or the memory limit is reached ({@code ENOMEM})
     * @throws MMapException when the name exists already, or the system refuses
     */
    public static SharedMemory create(String name, long size) {
        return create(name, size, Options.defaults());
    }

    /**
     * Creates a named object, or with {@link Options#openOrCreate()} opens the existing one, and
     * maps it for reading and writing.
     *
     * @param name the name (see the class documentation for the rules)
     * @param size the length in bytes, at least 1; an existing object must have this size, or be empty
     * @param options what to do when the name exists, and the mode of a new object
     * @return the mapping
     * @throws MMapInvalidParameterException when an argument is bad, or an existing object has another size
     * @throws MMapAllocationException when {@code /dev/shm} has no room for the object ({@code ENOSPC};
     *     an object this call created is removed again) or the memory limit is reached ({@code ENOMEM})
     * @throws MMapException when the name exists (without {@code openOrCreate}), or the system refuses
     */
    public static SharedMemory create(String name, long size, Options options) {
        Objects.requireNonNull(options, "options");
        Platform platform = Platform.current();
        String call = "SharedMemory.create(" + name + ", " + size + ")";
        String canonical = SharedMemoryName.canonical(call, name, platform.sharedMemoryNameMax());
        Arguments.size(() -> call, size);
        int fd = platform.sharedMemoryCreate(canonical, options.mode());
        boolean created = fd != -1;
        if (!created) {
            if (!options.openOrCreate()) {
                throw new MMapException(call + ": the name " + canonical + " exists already; open it with "
                        + "SharedMemory.open, remove it with SharedMemory.unlink(\"" + canonical + "\"), or pass "
                        + "Options.defaults().withOpenOrCreate()");
            }
            fd = openExisting(platform, call, canonical);
        }
        try {
            // A new object is empty by definition: only an existing one needs an fstat.
            long existing = created ? 0 : existingSize(platform, call, fd, canonical);
            if (existing == 0) {
                platform.truncate(fd, size);
            } else if (existing != size) {
                throw Arguments.invalid(call + ": " + canonical + " exists with " + existing + " bytes, not " + size
                        + "; ask for " + existing + " or use SharedMemory.open");
            }
            reserve(platform, call, fd, size, created ? " (" + canonical + " was removed again)" : "");
            return mapWhole(platform, fd, size, canonical);
        } catch (RuntimeException failure) {
            if (created) {
                platform.sharedMemoryUnlink(canonical); // do not leave a half-made object behind
            }
            throw failure;
        } finally {
            platform.closeFile(fd);
        }
    }

    /**
     * Gives every byte storage before anything maps it, so that a full {@code /dev/shm} is an
     * exception here rather than a SIGBUS at the first write to a page. Never shrinks the object:
     * another process may have mapped it already.
     */
    private static void reserve(Platform platform, String call, int fd, long size, String aftermath) {
        try {
            platform.reserve(fd, size);
        } catch (MMapAllocationException full) {
            MMapAllocationException refused = new MMapAllocationException(call + ": " + full.getMessage() + aftermath,
                    full.errno());
            refused.initCause(full);
            throw refused;
        }
    }

    /**
     * Opens an existing named object and maps all of it for reading and writing. Its size is
     * the one its creator gave.
     *
     * @param name the name (see the class documentation for the rules)
     * @return the mapping
     * @throws MMapInvalidParameterException when the name is bad
     * @throws MMapAllocationException when the object's creator left part of it without storage (a
     *     program other than mman) and {@code /dev/shm} has no room for it ({@code ENOSPC})
     * @throws MMapException when no object has that name (never created, or unlinked), or it is empty
     */
    public static SharedMemory open(String name) {
        Platform platform = Platform.current();
        String call = "SharedMemory.open(" + name + ")";
        String canonical = SharedMemoryName.canonical(call, name, platform.sharedMemoryNameMax());
        int fd = openExisting(platform, call, canonical);
        try {
            long size = existingSize(platform, call, fd, canonical);
            if (size == 0) {
                throw new MMapException(call + ": " + canonical + " is empty: its creator has not sized it yet "
                        + "(or was killed doing so); retry, or unlink it and create it again");
            }
            // Another program (Python, C) may have sized it without reserving: fill its holes first.
            reserve(platform, call, fd, size, "");
            return mapWhole(platform, fd, size, canonical);
        } finally {
            platform.closeFile(fd);
        }
    }

    /** Maps all of the object behind {@code fd} for reading and writing. */
    private static SharedMemory mapWhole(Platform platform, int fd, long size, String canonical) {
        NativeRegion region = NativeRegion.map(platform, () -> "mapping shared memory " + canonical, size,
                PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        return new SharedMemory(region, size, canonical);
    }

    /**
     * The length of an existing object. shm_open opens whatever holds the name, and another program
     * may have put a FIFO or a device there, which has no length and cannot be mapped.
     */
    private static long existingSize(Platform platform, String call, int fd, String canonical) {
        FileStatus status = platform.fileStatus(fd);
        if (status == null || status.kind() != FileStatus.Kind.REGULAR) {
            String what = status == null ? "not open any more" : status.kind().noun();
            throw Arguments.invalid(call + ": " + canonical + " is " + what + ", not a shared-memory object (another "
                    + "program made it where shared memory is kept); remove it, or pick another name");
        }
        return status.size();
    }

    private static int openExisting(Platform platform, String call, String canonical) {
        int fd = platform.sharedMemoryOpen(canonical);
        if (fd == -1) {
            throw new MMapException(call + ": no shared memory is named " + canonical
                    + " (it was never created, or was unlinked); create it with SharedMemory.create");
        }
        return fd;
    }

    /**
     * Removes a name without opening it. Processes that have it mapped keep their mappings.
     *
     * @param name the name (see the class documentation for the rules)
     * @return true when the name existed and is gone now, false when there was no such name
     * @throws MMapInvalidParameterException when the name is bad
     * @throws MMapException when the system refuses (permissions)
     */
    public static boolean unlink(String name) {
        Platform platform = Platform.current();
        String canonical = SharedMemoryName.canonical("SharedMemory.unlink(" + name + ")", name,
                platform.sharedMemoryNameMax());
        return platform.sharedMemoryUnlink(canonical);
    }

    /**
     * Every named shared-memory object on this machine (in this container's {@code /dev/shm}), with
     * its size, mode, owner, age and the live processes that map it or hold it open.
     *
     * <p>On Linux this reads {@code /dev/shm} and then every {@code /proc/PID/maps} and
     * {@code /proc/PID/fd}, which takes milliseconds per hundred processes. It skips what is not a
     * regular file and glibc's named semaphores ({@code sem.NAME}, made by {@code sem_open}). A process
     * that exits during the scan is left out; one whose entries this user may not read is listed in
     * {@link SharedMemoryInfo#uninspected()} of the objects it could open. Processes of other PID
     * namespaces that share this {@code /dev/shm} (containers started with {@code --ipc}) are not seen
     * at all.
     *
     * @return the objects, by name
     * @throws UnsupportedOperationException on macOS, whose POSIX shared-memory names cannot be
     *     enumerated, and on Windows, whose named sections live in the kernel's object namespace,
     *     which only native NT calls list (there a section also disappears with its last handle, so no
     *     stale names are left)
     * @throws MMapException when {@code /dev/shm} or {@code /proc} cannot be listed
     */
    public static List<SharedMemoryInfo> list() {
        return SharedMemoryCleanup.list();
    }

    /**
     * Removes the name of every object that no process uses and that is at least {@code olderThan}
     * old; {@link #removeUnused(Duration, Predicate, boolean)} says how. Use that form with a filter
     * when other programs on the machine use shared memory too.
     *
     * @param olderThan the least age ({@link SharedMemoryInfo#age()}), {@link Duration#ZERO} for any
     * @return what was removed
     * @throws UnsupportedOperationException on macOS and Windows, as {@link #list()}
     * @throws MMapInvalidParameterException when {@code olderThan} is negative
     * @throws MMapException when the system refuses a listing or an unlink
     */
    public static List<SharedMemoryInfo> removeUnused(Duration olderThan) {
        return removeUnused(olderThan, info -> true, false);
    }

    /**
     * Removes the names of the objects that {@code which} accepts and that are {@linkplain
     * SharedMemoryInfo#unused() unused} (no process maps or holds them, and every process that
     * could was inspected), at least {@code olderThan} old, and removable by this user (in the
     * sticky {@code /dev/shm}, only their owner and root may remove names). Or, with
     * {@code dryRun}, only says which it would remove.
     *
     * <p>Removing a name is {@link #unlink(String)}: processes that have the object mapped keep
     * their memory; only the name goes. Just before the unlinks, a second scan makes sure that each
     * object is still the same one (same inode) and still unused, so what happened while the first
     * scan and the filter ran cannot slip through. What remains is a window as long as that second
     * scan: a process that opens the name after the scan looked at it and before the unlink keeps a
     * valid mapping of an object that no longer has a name, and a later {@code create} of that name
     * makes a different object. Processes of the same program should therefore not call this while
     * others of it start; run it at boot, from a supervisor, or with a filter for the names of
     * programs known to be stopped.
     *
     * <p>An object that a process this user cannot inspect might use ({@link
     * SharedMemoryInfo#uninspected()} not empty) is never removed: nothing tells whether it maps the
     * object. Who knows better (say, that the uninspectable pid 1 of a sandbox uses no shared memory)
     * can look at {@link #list()} and call {@link #unlink(String)} itself.
     *
     * @param olderThan the least age ({@link SharedMemoryInfo#age()}), {@link Duration#ZERO} for any
     * @param which which objects to consider, such as {@code info -> info.name().startsWith("/myapp-")};
     *     called once per candidate, before the second scan
     * @param dryRun only report, remove nothing
     * @return what was removed, or with {@code dryRun} what would have been, by name
     * @throws UnsupportedOperationException on macOS and Windows, as {@link #list()}
     * @throws MMapInvalidParameterException when {@code olderThan} is negative
     * @throws MMapException when the system refuses a listing or an unlink
     */
    public static List<SharedMemoryInfo> removeUnused(Duration olderThan, Predicate<? super SharedMemoryInfo> which,
            boolean dryRun) {
        return SharedMemoryCleanup.removeUnused(olderThan, which, dryRun);
    }

    /**
     * The longest name this platform accepts, without the leading slash: 255 on Linux.
     *
     * @return bytes
     */
    public static int maxNameLength() {
        return Platform.current().sharedMemoryNameMax();
    }

    /**
     * Removes this object's name. This process's mapping stays valid until {@link #close()};
     * after {@code unlink()}, {@link #open} of the name fails and {@link #create} makes a new,
     * different object. May be called before or after {@code close()}.
     *
     * @return true when the name existed and is gone now, false when someone removed it already
     * @throws MMapException when the system refuses (permissions)
     */
    public boolean unlink() {
        return Platform.current().sharedMemoryUnlink(name);
    }

    /**
     * The canonical name, with its leading slash.
     *
     * @return for example {@code /orders}
     */
    public String name() {
        return name;
    }
}
