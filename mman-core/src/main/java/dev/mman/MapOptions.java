package dev.mman;

import static dev.mman.Mman.MAP_HUGETLB;
import static dev.mman.Mman.MAP_POPULATE;
import static dev.mman.Mman.MAP_PRIVATE;
import static dev.mman.Mman.MAP_SHARED;
import static dev.mman.Mman.PROT_READ;
import static dev.mman.Mman.PROT_WRITE;

import dev.mman.internal.Flags;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * How to map memory, as an immutable value: the typed way to build a {@link MemoryMap}, beside
 * the seed's {@code int} factories (which are one-line calls into this). Every method returns a
 * new {@code MapOptions}; one value may be kept, shared between threads and mapped many times.
 *
 * <pre>{@code
 * try (MemoryMap m = MapOptions.file(path)           // the rest of the file from offset 0
 *         .access(Access.READ, Access.WRITE)
 *         .sharing(Sharing.SHARED)
 *         .populate()                              // fault every page in while mapping
 *         .map()) {
 *     m.write(data, 0);
 * }
 * }</pre>
 *
 * <p>Defaults: anonymous memory is readable, writable and {@link Sharing#PRIVATE}; a file is mapped
 * {@link Access#READ} only and {@link Sharing#SHARED}, from offset 0 to its end; the backend is
 * {@link Backend#selected()} at the time of {@link #map()}; any thread may use the mapping; nothing
 * is prefaulted; a prefault uses as many threads as {@link #prefaultThreads} says by default.
 *
 * <h2>Errors</h2>
 * A method given a value that is wrong whatever else is set (a negative offset, a zero length, a
 * thread count out of range) throws {@link MMapInvalidParameterException} at once; a combination
 * that is wrong, and everything that depends on the file or the system, is checked by
 * {@link #map()}, with the errors of {@link MemoryMap#createFileMapping(Path, long, long, int, int)}
 * and {@link MemoryMap#createAnonymous(long, int, int)}. A null argument gives a
 * {@link NullPointerException} naming it.
 *
 * <h2>Backends and platforms</h2>
 * A descriptor can be mapped by {@link Backend#NATIVE} only; {@link Backend#JDK} and
 * {@link Backend#NIO} cannot grant {@link Access#EXEC} or huge pages, and NIO cannot confine. On
 * Windows, file offsets are multiples of 64 KiB ({@link Mman#allocationGranularity()}).
 */
public final class MapOptions {

    /** Everything a mapping is made from; never changed once a {@code MapOptions} holds it. */
    static final class Settings implements Cloneable {
        /** Whether a seed factory made these, whose call the messages name. */
        boolean seed;
        Path file;
        /** Whether {@link #fd} is what to map. */
        boolean descriptor;
        int fd;
        long offset;
        long length;
        /** Whether {@link #length} was given; otherwise the mapping runs to the end of the file. */
        boolean lengthGiven;
        int prot;
        int flags;
        Backend backend;
        boolean confined;
        int prefaultThreads = MappingTraits.AUTOMATIC;
        boolean reserve;

        boolean anonymous() {
            return file == null && !descriptor;
        }

        Settings copy() {
            try {
                return (Settings) clone();
            } catch (CloneNotSupportedException impossible) {
                throw new AssertionError(impossible);
            }
        }
    }

    private final Settings settings;

    private MapOptions(Settings settings) {
        this.settings = settings;
    }

    /**
     * Options for {@code size} bytes of anonymous memory: readable, writable, private, zeroed.
     *
     * @param size the length in bytes, at least 1
     * @return the options
     * @throws MMapInvalidParameterException when {@code size} is not positive
     */
    public static MapOptions anonymous(long size) {
        Settings s = new Settings();
        s.prot = PROT_READ | PROT_WRITE;
        s.flags = MAP_PRIVATE;
        return new MapOptions(s).length(size);
    }

    /**
     * Options for a file by its path, opened (for writing only when the mapping writes to it) and
     * closed again by {@link #map()}: read-only, shared, from offset 0 to the end of the file.
     *
     * @param file a regular file
     * @return the options
     */
    public static MapOptions file(Path file) {
        Objects.requireNonNull(file, "file");
        Settings s = new Settings();
        s.file = file;
        s.prot = PROT_READ;
        s.flags = MAP_SHARED;
        return new MapOptions(s);
    }

    /**
     * Options for the file behind an open descriptor ({@link Backend#NATIVE} only), which stays the
     * caller's: read-only, shared, from offset 0 to the end of the file.
     *
     * @param fd an open descriptor of a regular file, 0 or more
     * @return the options
     * @throws MMapInvalidParameterException when {@code fd} is negative
     */
    public static MapOptions descriptor(int fd) {
        if (fd < 0) {
            throw Arguments.invalid("MapOptions.descriptor(" + fd + "): a descriptor is 0 or more; use "
                    + "MapOptions.anonymous(size) for memory without a file");
        }
        Settings s = new Settings();
        s.descriptor = true;
        s.fd = fd;
        s.prot = PROT_READ;
        s.flags = MAP_SHARED;
        return new MapOptions(s);
    }

    /** The seed's {@code createAnonymous}: raw bits, checked by {@link #map()} with the seed's messages. */
    static MapOptions seedAnonymous(long size, int prot, int flags, Backend backend) {
        return seed(null, false, -1, 0, size, prot, flags, backend);
    }

    /** The seed's {@code createFileMapping(Path, ...)}. */
    static MapOptions seedFile(Path file, long offset, long size, int prot, int flags, Backend backend) {
        return seed(Objects.requireNonNull(file, "file"), false, -1, offset, size, prot, flags, backend);
    }

    /** The seed's {@code createFileMapping(int fd, ...)}; a negative descriptor is refused by {@link #map()}. */
    static MapOptions seedDescriptor(int fd, long offset, long size, int prot, int flags) {
        return seed(null, true, fd, offset, size, prot, flags, Backend.selected());
    }

    private static MapOptions seed(Path file, boolean descriptor, int fd, long offset, long size, int prot, int flags,
            Backend backend) {
        Objects.requireNonNull(backend, "backend");
        Settings s = new Settings();
        s.descriptor = descriptor;
        s.seed = true;
        s.lengthGiven = true;
        s.file = file;
        s.fd = fd;
        s.offset = offset;
        s.length = size;
        s.prot = prot;
        s.flags = flags;
        s.backend = backend;
        return new MapOptions(s);
    }

    /**
     * Where the mapping starts in the file. Without {@link #length}, the mapping runs to the end of
     * the file.
     *
     * @param offset 0 or more, a multiple of {@link Mman#allocationGranularity()} (checked by {@link #map()})
     * @return new options
     * @throws MMapInvalidParameterException when {@code offset} is negative, or these options are for
     *     anonymous memory, which has no offset
     */
    public MapOptions offset(long offset) {
        if (settings.anonymous()) {
            throw Arguments.invalid(this + ".offset(" + offset + "): anonymous memory has no offset; map a file");
        }
        if (offset < 0) {
            throw Arguments.invalid(this + ".offset(" + offset + "): an offset is 0 or more");
        }
        Settings s = settings.copy();
        s.offset = offset;
        return new MapOptions(s);
    }

    /**
     * The length of the mapping; for a file, by default the file's size less the offset, read when
     * {@link #map()} runs.
     *
     * @param length the length in bytes, at least 1
     * @return new options
     * @throws MMapInvalidParameterException when {@code length} is not positive
     */
    public MapOptions length(long length) {
        if (length <= 0) {
            throw Arguments.invalid((settings.anonymous() ? "MapOptions.anonymous(" + length + ")"
                    : this + ".length(" + length + ")") + ": the length is not positive; a mapping needs at "
                    + "least 1 byte");
        }
        Settings s = settings.copy();
        s.length = length;
        s.lengthGiven = true;
        return new MapOptions(s);
    }

    /**
     * The rights over the memory; none at all is {@link #access(Set)} with an empty set.
     *
     * @param first a right
     * @param more further rights
     * @return new options
     */
    public MapOptions access(Access first, Access... more) {
        Objects.requireNonNull(first, "first");
        EnumSet<Access> rights = EnumSet.of(first);
        Objects.requireNonNull(more, "more");
        for (int i = 0; i < more.length; i++) {
            rights.add(Objects.requireNonNull(more[i], "more[" + i + "]"));
        }
        return access(rights);
    }

    /**
     * The rights over the memory, as a set; the empty set is {@link Mman#PROT_NONE}.
     *
     * @param rights the rights
     * @return new options
     * @throws NullPointerException when {@code rights} is or holds null
     */
    public MapOptions access(Set<Access> rights) {
        Objects.requireNonNull(rights, "rights");
        Settings s = settings.copy();
        s.prot = Access.bits(rights);
        return new MapOptions(s);
    }

    /**
     * Who sees the writes: {@link Sharing#SHARED} (the file, or child processes) or
     * {@link Sharing#PRIVATE} (this mapping only).
     *
     * @param sharing the sharing
     * @return new options
     */
    public MapOptions sharing(Sharing sharing) {
        Objects.requireNonNull(sharing, "sharing");
        Settings s = settings.copy();
        s.flags = (s.flags & ~(MAP_SHARED | MAP_PRIVATE)) | sharing.bit();
        return new MapOptions(s);
    }

    /**
     * Faults every page in while mapping ({@link Mman#MAP_POPULATE}), on several threads for a
     * large mapping ({@link #prefaultThreads}). Linux uses {@code MAP_POPULATE}, or
     * {@code MADV_POPULATE_*} on each thread's piece; macOS and Windows read one byte of each page;
     * JDK and NIO call {@code load()}.
     *
     * @return new options
     */
    public MapOptions populate() {
        Settings s = settings.copy();
        s.flags |= MAP_POPULATE;
        return new MapOptions(s);
    }

    /**
     * Backs the mapping with reserved huge pages ({@link Mman#MAP_HUGETLB}, Linux and
     * {@link Backend#NATIVE} only). The administrator must have reserved them
     * ({@code sysctl vm.nr_hugepages=N}), and the length must be a multiple of the huge page size;
     * otherwise {@link #map()} fails with a hint. Transparent huge pages need none of this:
     * {@link MemoryMap#madvise(Advice)} with {@link Advice#HUGEPAGE}.
     *
     * @return new options
     */
    public MapOptions hugePages() {
        Settings s = settings.copy();
        s.flags |= MAP_HUGETLB;
        return new MapOptions(s);
    }

    /**
     * The machinery to map with, whatever {@link Backend#selected()} says.
     *
     * @param backend the backend
     * @return new options
     */
    public MapOptions backend(Backend backend) {
        Objects.requireNonNull(backend, "backend");
        Settings s = settings.copy();
        s.backend = backend;
        return new MapOptions(s);
    }

    /**
     * Confines the mapping to the thread that calls {@link #map()}: only that thread may use it and
     * its views. Any other thread gets the JDK's {@link WrongThreadException} from every call,
     * {@code close()} included, and from every view, as from a confined {@link java.lang.foreign.Arena}.
     * In exchange {@code close()} and an {@code mprotect} that takes rights away need no handshake
     * with the other threads of the JVM: they cost about what C's {@code munmap} and
     * {@code mprotect} do. Not available with {@link #mapAsync()}, whose mapping is made on another
     * thread, nor on {@link Backend#NIO}, whose buffers cannot be confined. The calls that only
     * report what was fixed at map time ({@code size()}, {@code pageSize()}, {@code address()},
     * {@code backend()}, {@code isValid()}, {@code toString()}) answer on any thread.
     *
     * <p>When the owner ends without closing the mapping: on {@link Backend#NATIVE} any thread may
     * then {@code close()} it (every other call still throws), and a dropped one is unmapped after
     * the garbage collector, as any other; on {@link Backend#JDK} no thread can unmap it any more
     * (the JDK closes a confined arena on its owner thread only), so it stays mapped until the JVM
     * exits, and {@code close()} says so in its {@code WrongThreadException}. Close a confined
     * mapping before its thread ends, with try-with-resources.
     *
     * @return new options
     */
    public MapOptions confined() {
        Settings s = settings.copy();
        s.confined = true;
        return new MapOptions(s);
    }

    /**
     * How many threads fault the mapping in, for {@link #populate()}, {@link #mapAsync()} and
     * {@link MemoryMap#madvise(Advice)} with {@link Advice#POPULATE}. By default mman chooses: one
     * thread per 64 MiB, at most one per available processor and at most 8, so a mapping under
     * 128 MiB is faulted in by the calling thread alone. Never more threads than pages. On the JDK
     * backend a confined mapping is faulted in by its own thread only.
     *
     * @param threads from 1 to 256
     * @return new options
     * @throws MMapInvalidParameterException when {@code threads} is out of range
     */
    public MapOptions prefaultThreads(int threads) {
        if (threads < 1 || threads > ParallelPrefault.MOST_THREADS) {
            throw Arguments.invalid(this + ".prefaultThreads(" + threads + "): the count is from 1 to "
                    + ParallelPrefault.MOST_THREADS + "; leave it unset to let mman choose");
        }
        Settings s = settings.copy();
        s.prefaultThreads = threads;
        return new MapOptions(s);
    }

    /**
     * Reserves the file's storage under the mapping before mapping it ({@code posix_fallocate} on
     * Linux), so that a full file system fails here, with {@code ENOSPC} in an
     * {@link MMapAllocationException} that gives the figures and what to do, and never later on a
     * page fault while writing. The file keeps its length; only its holes get blocks. For a shared,
     * writable file mapping only: the others never write to the file. Needs native access (any
     * backend). A file system that cannot reserve (no {@code fallocate}; macOS and Windows files,
     * which mman does not reserve yet) makes {@link #map()} throw an {@link MMapException} saying so.
     *
     * @return new options
     */
    public MapOptions reserve() {
        Settings s = settings.copy();
        s.reserve = true;
        return new MapOptions(s);
    }

    /**
     * Maps the memory on the calling thread.
     *
     * @return the mapping; close it when done
     * @throws MMapInvalidParameterException for a bad combination (an offset past the end of the file,
     *     {@link #reserve()} of a mapping that never writes the file, ...) or a file that is missing,
     *     a directory, or too short
     * @throws MMapAllocationException when the system refuses the mapping, or {@link #reserve()} finds
     *     no room
     * @throws MMapException when the file cannot be opened, or a prefault fails
     * @throws UnsupportedOperationException when the backend cannot do what is asked
     */
    public MemoryMap map() {
        return MapFactory.map(this);
    }

    /**
     * Maps the memory and faults every page in (reading a file from storage) on a platform daemon
     * thread: the kernel's work runs inside a downcall, which would pin a virtual thread's carrier.
     * Cancelling the future, or a failure while faulting in, unmaps the memory: nothing leaks.
     *
     * @return a future of the prefaulted mapping, or of what {@link #map()} would throw
     * @throws MMapInvalidParameterException for a confined mapping or a descriptor, which both belong
     *     to the calling thread
     */
    public CompletableFuture<MemoryMap> mapAsync() {
        return mapAsync(AsyncMapping.DEFAULT_EXECUTOR);
    }

    /**
     * As {@link #mapAsync()}, on the caller's executor.
     *
     * An executor that refuses the task ({@link java.util.concurrent.RejectedExecutionException}, as
     * one that is shut down does) completes the future with an {@link MMapException} naming it, with
     * nothing mapped. One that accepts the task and drops it unrun (as {@code shutdownNow()} does)
     * leaves the future incomplete, also with nothing mapped: give such a future a timeout.
     *
     * @param executor where the mapping and the prefault run
     * @return a future of the prefaulted mapping
     * @throws MMapInvalidParameterException for a confined mapping or a descriptor
     */
    public CompletableFuture<MemoryMap> mapAsync(Executor executor) {
        Objects.requireNonNull(executor, "executor");
        if (settings.confined) {
            throw Arguments.invalid(this + ".mapAsync(): a confined mapping belongs to the thread that maps it, and "
                    + "this one would be mapped on another; call map() on the thread that will use it");
        }
        if (settings.descriptor) {
            throw Arguments.invalid(this + ".mapAsync(): the descriptor is the caller's and may be closed before the "
                    + "mapping is made; map it with map(), or map the file by its Path");
        }
        return AsyncMapping.start(this::map, executor);
    }

    Settings settings() {
        return settings;
    }

    /** The call to name in messages about these options. */
    String call() {
        Settings s = settings;
        if (!s.seed) {
            return this + ".map()";
        }
        String rights = Flags.protection(s.prot) + ", " + Flags.mapping(s.flags) + ")";
        if (s.anonymous()) {
            return "createAnonymous(" + s.length + ", " + rights;
        }
        return "createFileMapping(" + (s.file != null ? s.file.toString() : "fd " + s.fd) + ", " + s.offset + ", "
                + s.length + ", " + rights;
    }

    /** {@return the options, such as {@code MapOptions[file data.bin, offset 0, to the end, PROT_READ, MAP_SHARED]}} */
    @Override
    public String toString() {
        Settings s = settings;
        StringBuilder text = new StringBuilder("MapOptions[");
        text.append(s.file != null ? "file " + s.file : s.descriptor ? "fd " + s.fd : "anonymous");
        if (!s.anonymous()) {
            text.append(", offset ").append(s.offset);
        }
        text.append(s.lengthGiven ? ", " + s.length + " bytes" : ", to the end");
        text.append(", ").append(Flags.protection(s.prot)).append(", ").append(Flags.mapping(s.flags));
        if (s.backend != null) {
            text.append(", Backend.").append(s.backend);
        }
        if (s.confined) {
            text.append(", confined");
        }
        if (s.prefaultThreads != MappingTraits.AUTOMATIC) {
            text.append(", ").append(s.prefaultThreads).append(" prefault threads");
        }
        if (s.reserve) {
            text.append(", reserved");
        }
        return text.append(']').toString();
    }
}
