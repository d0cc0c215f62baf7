package dev.mman;

import static dev.mman.Mman.MAP_SHARED;
import static dev.mman.Mman.PROT_READ;
import static dev.mman.Mman.PROT_WRITE;

import dev.mman.internal.Platform;
import java.util.Objects;

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
 * never silently joins an object somebody else prepared; {@link Options} can relax both.
 */
public final class SharedMemory extends MemoryMap {

    private final String name;

    /**
     * How {@link #create(String, long, Options)} treats an existing name, and which permissions a
     * new object gets.
     *
     * @param openOrCreate open the object when the name exists already, instead of failing
     * @param mode the permission bits of a new object, between {@code 0} and {@code 0777}
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
         * These options, with other permission bits for a new object.
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
            long existing = created ? 0 : platform.openedFileSize(fd);
            if (existing == 0) {
                platform.truncate(fd, size);
            } else if (existing != size) {
                throw Arguments.invalid(call + ": " + canonical + " exists with " + existing + " bytes, not " + size
                        + "; ask for " + existing + " or use SharedMemory.open");
            }
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
     * Opens an existing named object and maps all of it for reading and writing. Its size is
     * the one its creator gave.
     *
     * @param name the name (see the class documentation for the rules)
     * @return the mapping
     * @throws MMapInvalidParameterException when the name is bad
     * @throws MMapException when no object has that name (never created, or unlinked), or it is empty
     */
    public static SharedMemory open(String name) {
        Platform platform = Platform.current();
        String call = "SharedMemory.open(" + name + ")";
        String canonical = SharedMemoryName.canonical(call, name, platform.sharedMemoryNameMax());
        int fd = openExisting(platform, call, canonical);
        try {
            long size = platform.openedFileSize(fd);
            if (size == 0) {
                throw new MMapException(call + ": " + canonical + " is empty: its creator has not sized it yet "
                        + "(or was killed doing so); retry, or unlink it and create it again");
            }
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
