package dev.mman;

import static dev.mman.Mman.MAP_PRIVATE;
import static dev.mman.Mman.MS_SYNC;
import static dev.mman.Mman.PROT_READ;
import static dev.mman.Mman.PROT_WRITE;

import dev.mman.MappingGuard.Epoch;
import dev.mman.internal.Flags;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * One memory mapping: anonymous memory or a window onto a file. The factories here take the
 * seed's {@code PROT_*}/{@code MAP_*} ints; {@link MapOptions} builds the same mappings from
 * enums, with every option.
 *
 * <pre>{@code
 * try (MemoryMap m = MemoryMap.createAnonymous(4096)) {
 *     m.write("hello".getBytes(StandardCharsets.US_ASCII), 100);
 *     byte[] back = m.read(5, 100);
 * }
 * }</pre>
 *
 * <h2>Safety</h2>
 * No call and no misuse of a {@code MemoryMap} or of its views crashes the JVM. {@link #read},
 * {@link #write} and {@link #fill} check bounds and the current protection first, and throw
 * instead of faulting. Views ({@link #asSegment()}, {@link #asByteBuffer()}) belong to the mapping:
 * after {@link #close()}, and after an {@link #mprotect} that takes rights away, every earlier view
 * throws {@link IllegalStateException}. A view is writable only while the mapping has
 * {@link Mman#PROT_WRITE}; without {@link Mman#PROT_READ} there is no view. A file truncated under
 * the mapping makes {@code read}/{@code write}/{@code fill} throw an {@link MMapException} naming
 * the file (a view then throws the JDK's {@link InternalError}; it does not crash either).
 *
 * <h2>Errors</h2>
 * Unless a method says otherwise: a bad argument gives an {@link MMapInvalidParameterException}
 * before any system call, saying what would be right; a call on a closed mapping gives an
 * {@link MMapException} ("the mapping is closed"); a system call that fails gives an
 * {@code MMapException} with the errno, its name and a hint; a null argument gives a
 * {@link NullPointerException} naming it.
 *
 * <h2>Threads</h2>
 * Data calls and views may be used from any number of threads at once and take no lock, except
 * a fill large enough to run as {@code memset}, which {@code close} and a narrowing
 * {@code mprotect} wait for. The control calls ({@code mprotect}, {@code msync}, {@code mlock},
 * {@code madvise}, residency, {@code close}) are serialized among themselves. A thread reading
 * while another closes gets an exception, never stale or foreign memory. A mapping made with
 * {@link MapOptions#confined()} belongs to the thread that made it: every other thread gets
 * {@link WrongThreadException} from every call and view but the getters of what was fixed at map
 * time, and its close makes no handshake. After its owner ended without closing it, a
 * {@link Backend#NATIVE} one may be closed by any thread ({@link MapOptions#confined()}).
 *
 * <h2>Backends and platforms</h2>
 * {@link Backend#NATIVE} has every call. On {@link Backend#JDK} and {@link Backend#NIO}, an
 * {@code mprotect} that takes rights away, {@code mlock}, {@code munlock}, {@code madvise} and
 * residency throw {@link UnsupportedOperationException} naming the backend, and NIO maps at most
 * {@code Integer.MAX_VALUE} bytes. On Windows, file offsets are multiples of the 64 KiB allocation
 * granularity, the {@code NORMAL}, {@code RANDOM} and {@code SEQUENTIAL} advice does nothing, the
 * huge-page advice is refused, and residency comes from {@code QueryWorkingSetEx}.
 *
 * <h2>Lifetime and limits</h2>
 * Close a mapping when you are done with it. One that is dropped unclosed is unmapped some time
 * after the garbage collector finds neither it nor any view, buffer or IPC structure made from it
 * reachable ({@link Backend#NATIVE}; JDK mappings live until closed, NIO ones until collected).
 * A process may hold only so many mappings ({@code vm.max_map_count} on Linux); near that limit
 * mman first reclaims dropped mappings and then refuses new ones with an
 * {@link MMapAllocationException}, keeping a reserve for the JVM, which aborts when it cannot map.
 */
public sealed class MemoryMap implements AutoCloseable permits SharedMemory {

    // Package-private for MapFactory, which makes and remaps mappings.
    final Region region;
    final int flags;
    final String source;
    /** The file this mapping was created from by path, or null: {@link #resize} needs it. */
    final Path file;
    final long fileOffset;
    final MappingGuard guard;
    /** Its confinement and prefault threads, which a resized successor keeps. */
    final MappingTraits traits;
    private final long size;

    /** A mapping of {@code region} that any thread may use, as {@link SharedMemory} makes. */
    MemoryMap(Region region, long size, int prot, int flags, String source, Path file, long fileOffset) {
        this(region, size, prot, flags, source, file, fileOffset, MappingTraits.SHARED);
    }

    /** A mapping of {@code region}; {@code file} is null (and {@code fileOffset} 0) unless it was mapped by path. */
    MemoryMap(Region region, long size, int prot, int flags, String source, Path file, long fileOffset,
            MappingTraits traits) {
        this.region = region;
        this.size = size;
        this.flags = flags;
        this.source = source;
        this.file = file;
        this.fileOffset = fileOffset;
        this.traits = traits;
        this.guard = new MappingGuard(this, region, size, prot, flags, traits.confinedTo());
    }

    // ---------------------------------------------------------------- factories

    /**
     * Maps {@code size} bytes of private anonymous memory, readable, writable and zeroed.
     *
     * @param size the length in bytes, at least 1
     * @return the mapping
     * @throws MMapAllocationException when the system refuses (address space, {@code vm.max_map_count})
     */
    public static MemoryMap createAnonymous(long size) {
        return createAnonymous(size, PROT_READ | PROT_WRITE, MAP_PRIVATE);
    }

    /**
     * Maps private anonymous memory with the given protection.
     *
     * @param size the length in bytes, at least 1
     * @param prot {@code PROT_*} bits
     * @return the mapping
     * @throws MMapAllocationException when the system refuses
     */
    public static MemoryMap createAnonymous(long size, int prot) {
        return createAnonymous(size, prot, MAP_PRIVATE);
    }

    /**
     * Maps anonymous memory with the {@link Backend#selected()} backend.
     *
     * @param size the length in bytes, at least 1
     * @param prot {@code PROT_*} bits
     * @param flags exactly one of {@link Mman#MAP_PRIVATE} and {@link Mman#MAP_SHARED} (shared with
     *     child processes); optionally {@link Mman#MAP_ANONYMOUS} (implied) and {@link Mman#MAP_POPULATE}
     * @return the mapping
     * @throws MMapAllocationException when the system refuses
     */
    public static MemoryMap createAnonymous(long size, int prot, int flags) {
        return createAnonymous(size, prot, flags, Backend.selected());
    }

    /**
     * Maps anonymous memory with the given backend, whatever {@link Backend#selected()} says.
     *
     * @param size the length in bytes, at least 1
     * @param prot {@code PROT_*} bits
     * @param flags {@code MAP_*} bits, as for {@link #createAnonymous(long, int, int)}
     * @param backend the machinery to map with
     * @return the mapping
     * @throws MMapAllocationException when the system refuses
     * @throws UnsupportedOperationException when the backend cannot express {@code prot} or {@code flags}
     */
    public static MemoryMap createAnonymous(long size, int prot, int flags, Backend backend) {
        return MapOptions.seedAnonymous(size, prot, flags, backend).map();
    }

    /**
     * Maps part of the file behind an open descriptor ({@link Backend#NATIVE} only). The descriptor
     * stays the caller's: it may be closed as soon as this returns.
     *
     * @param fd an open descriptor of a regular file; for {@code PROT_WRITE} with {@code MAP_SHARED},
     *     open for reading and writing
     * @param offset where the mapping starts in the file, a multiple of {@link Mman#allocationGranularity()}
     * @param size the length in bytes, at least 1; {@code offset + size} may not pass the end of the file
     * @param prot {@code PROT_*} bits
     * @param flags {@link Mman#MAP_SHARED} or {@link Mman#MAP_PRIVATE}, optionally with {@link Mman#MAP_POPULATE}
     * @return the mapping
     * @throws MMapInvalidParameterException also when the descriptor is not open, not a regular file,
     *     too short, or opened in a mode that cannot grant {@code prot}
     * @throws MMapAllocationException when the system refuses
     * @throws UnsupportedOperationException when the selected backend is not NATIVE
     */
    public static MemoryMap createFileMapping(int fd, long offset, long size, int prot, int flags) {
        return MapOptions.seedDescriptor(fd, offset, size, prot, flags).map();
    }

    /**
     * Maps part of a file. The file is opened (for writing too when {@code prot} has
     * {@code PROT_WRITE} and {@code flags} has {@code MAP_SHARED}) and closed again at once.
     *
     * @param file a regular file
     * @param offset where the mapping starts in the file, a multiple of {@link Mman#allocationGranularity()}
     * @param size the length in bytes, at least 1; {@code offset + size} may not pass the end of the file
     * @param prot {@code PROT_*} bits
     * @param flags {@link Mman#MAP_SHARED} or {@link Mman#MAP_PRIVATE}, optionally with {@link Mman#MAP_POPULATE}
     * @return the mapping
     * @throws MMapInvalidParameterException also when the file is missing, a directory, or too short
     * @throws MMapException when the file cannot be opened (permissions)
     * @throws MMapAllocationException when the system refuses the mapping
     */
    public static MemoryMap createFileMapping(Path file, long offset, long size, int prot, int flags) {
        return createFileMapping(file, offset, size, prot, flags, Backend.selected());
    }

    /**
     * As {@link #createFileMapping(Path, long, long, int, int)}, with the given backend.
     *
     * @param file a regular file
     * @param offset where the mapping starts in the file, a multiple of the page size
     * @param size the length in bytes, at least 1
     * @param prot {@code PROT_*} bits
     * @param flags {@code MAP_*} bits
     * @param backend the machinery to map with
     * @return the mapping
     * @throws UnsupportedOperationException when the backend cannot express {@code prot} or {@code flags}
     */
    public static MemoryMap createFileMapping(Path file, long offset, long size, int prot, int flags,
            Backend backend) {
        return MapOptions.seedFile(file, offset, size, prot, flags, backend).map();
    }

    /**
     * Maps anonymous memory and faults every page in on a platform daemon thread. Cancelling the future,
     * or a failure while faulting in, unmaps the memory: nothing leaks.
     *
     * @param size the length in bytes, at least 1
     * @param prot {@code PROT_*} bits
     * @param flags {@code MAP_*} bits, as for {@link #createAnonymous(long, int, int)}
     * @return a future of the prefaulted mapping, or of what {@code createAnonymous} would throw
     */
    public static CompletableFuture<MemoryMap> createAnonymousAsync(long size, int prot, int flags) {
        return createAnonymousAsync(size, prot, flags, AsyncMapping.DEFAULT_EXECUTOR);
    }

    /**
     * As {@link #createAnonymousAsync(long, int, int)}, on the caller's executor.
     *
     * @param size the length in bytes, at least 1
     * @param prot {@code PROT_*} bits
     * @param flags {@code MAP_*} bits
     * @param executor where the mapping and the prefault run
     * @return a future of the prefaulted mapping
     */
    public static CompletableFuture<MemoryMap> createAnonymousAsync(long size, int prot, int flags,
            Executor executor) {
        return MapOptions.seedAnonymous(size, prot, flags, Backend.selected()).mapAsync(executor);
    }

    /**
     * Maps part of a file and faults every page in (reading it from storage) on a platform daemon thread.
     * Cancelling the future, or a failure, unmaps it again.
     *
     * @param file a regular file
     * @param offset where the mapping starts in the file
     * @param size the length in bytes
     * @param prot {@code PROT_*} bits
     * @param flags {@code MAP_*} bits
     * @return a future of the prefaulted mapping, or of what {@code createFileMapping} would throw
     */
    public static CompletableFuture<MemoryMap> createFileMappingAsync(Path file, long offset, long size, int prot,
            int flags) {
        return createFileMappingAsync(file, offset, size, prot, flags, AsyncMapping.DEFAULT_EXECUTOR);
    }

    /**
     * As {@link #createFileMappingAsync(Path, long, long, int, int)}, on the caller's executor.
     *
     * @param file a regular file
     * @param offset where the mapping starts in the file
     * @param size the length in bytes
     * @param prot {@code PROT_*} bits
     * @param flags {@code MAP_*} bits
     * @param executor where the mapping and the prefault run
     * @return a future of the prefaulted mapping
     */
    public static CompletableFuture<MemoryMap> createFileMappingAsync(Path file, long offset, long size, int prot,
            int flags, Executor executor) {
        return MapOptions.seedFile(file, offset, size, prot, flags, Backend.selected()).mapAsync(executor);
    }

    // ---------------------------------------------------------------- state

    /**
     * {@return the address of the first byte} Informational: access the memory through this object
     * or its views. Memory reached through the raw address by other means is valid only while this
     * object is open and reachable.
     */
    public long address() {
        return region.address();
    }

    /** {@return the backend that made this mapping} */
    public Backend backend() {
        return region.backend();
    }

    /** {@return the length of the mapping in bytes} */
    public long size() {
        return size;
    }

    /** {@return whether the mapping is open: false once {@link #close()} was called} */
    public boolean isValid() {
        return guard.isOpen();
    }

    /** {@return the system page size, as {@link Mman#pageSize()}} */
    public long pageSize() {
        return region.pageSize();
    }

    /**
     * {@return the current protection, as {@code PROT_*} bits}
     *
     * @throws MMapException when the mapping is closed
     */
    public int protection() {
        return guard.open(() -> "protection()").prot();
    }

    // ---------------------------------------------------------------- data

    /**
     * Copies {@code size} bytes from the start of the mapping, as {@link #read(int, long)}.
     *
     * @param size how many bytes, 0 or more
     * @return a new array
     */
    public byte[] read(int size) {
        return read(size, 0);
    }

    /**
     * Copies {@code size} bytes starting at {@code offset} into a new array.
     *
     * @param size how many bytes, 0 or more
     * @param offset where to start, from 0
     * @return a new array holding the bytes
     * @throws MMapException also when the mapping is not readable, or the file was truncated below the range
     */
    public byte[] read(int size, long offset) {
        return guard.read(size, offset);
    }

    /**
     * Copies {@code length} bytes starting at {@code offset} into part of the caller's array: the
     * bytes of {@link #read(int, long)} without a new array per call, for repeated or large reads.
     * A refused call leaves {@code into} as it was.
     *
     * @param offset where to start in the mapping, from 0
     * @param into the array that receives the bytes
     * @param at the index in {@code into} of the first byte
     * @param length how many bytes, 0 or more
     * @return the number of bytes copied, {@code length}
     * @throws MMapInvalidParameterException also when {@code at} and {@code length} do not lie inside {@code into}
     * @throws MMapException also when the mapping is not readable, or the file was truncated below the range
     */
    public int read(long offset, byte[] into, int at, int length) {
        return guard.read(offset, into, at, length);
    }

    /**
     * Copies {@code data} to the start of the mapping, as {@link #write(byte[], long)}.
     *
     * @param data the bytes
     * @return the number of bytes written, {@code data.length}
     */
    public int write(byte[] data) {
        return write(data, 0);
    }

    /**
     * Copies {@code data} into the mapping at {@code offset}.
     *
     * @param data the bytes
     * @param offset where to start, from 0
     * @return the number of bytes written, {@code data.length}
     * @throws MMapException also when the mapping is not writable, or the file was truncated below the range
     */
    public int write(byte[] data, long offset) {
        return guard.write(data, offset);
    }

    /**
     * Sets every byte of the mapping to {@code value}, as {@link #fill(long, long, byte)}.
     *
     * @param value the byte
     */
    public void fill(byte value) {
        fill(0, size, value);
    }

    /**
     * Sets {@code length} bytes from {@code offset} to {@code value}, as one native fill: C's
     * {@code memset} for 4 KiB and more of anonymous memory on {@link Backend#NATIVE}, the JDK's
     * fill otherwise.
     *
     * @param offset where to start
     * @param length how many bytes
     * @param value the byte
     * @throws MMapException also when the mapping is not writable, or the file was truncated below the range
     */
    public void fill(long offset, long length, byte value) {
        guard.fill(offset, length, value);
    }

    // ---------------------------------------------------------------- views

    /**
     * A zero-copy view of the whole mapping, read-only unless the mapping has {@code PROT_WRITE}.
     * It stays valid until {@link #close()} or until an {@link #mprotect} takes rights away; after
     * that every access throws {@link IllegalStateException}.
     *
     * @return the view
     * @throws MMapException also when the mapping is not readable
     */
    public MemorySegment asSegment() {
        return guard.viewable("asSegment()").segment();
    }

    /**
     * A zero-copy view for elements of {@code dtype}, the counterpart of NumPy's
     * {@code as_numpy_array(dtype)}: {@code segment.getAtIndex(dtype, i)} reads element {@code i}.
     *
     * @param dtype the element layout
     * @return the view, with the lifetime rules of {@link #asSegment()}
     * @throws MMapInvalidParameterException when {@code dtype.byteSize()} does not divide {@link #size()}
     * @throws MMapException also when the mapping is not readable
     */
    public MemorySegment asSegment(ValueLayout dtype) {
        Objects.requireNonNull(dtype, "dtype");
        if (size % dtype.byteSize() != 0) {
            throw Arguments.invalid("asSegment(" + dtype + "): the element size " + dtype.byteSize()
                    + " does not divide the " + size + "-byte mapping (" + size % dtype.byteSize()
                    + " bytes would be left over); use a layout whose size divides it");
        }
        return asSegment();
    }

    /**
     * A zero-copy big-endian {@link ByteBuffer} over the whole mapping, with the lifetime rules of
     * {@link #asSegment()}.
     *
     * @return the buffer, read-only unless the mapping has {@code PROT_WRITE}
     * @throws MMapException also when the mapping is not readable or larger than {@code Integer.MAX_VALUE} bytes
     */
    public ByteBuffer asByteBuffer() {
        MemorySegment segment = asSegment();
        if (size > Integer.MAX_VALUE) {
            throw new MMapException("asByteBuffer(): the " + size + "-byte mapping is larger than a ByteBuffer "
                    + "can address (" + Integer.MAX_VALUE + " bytes); use asSegment()");
        }
        return segment.asByteBuffer();
    }

    // ---------------------------------------------------------------- control

    /**
     * Changes the protection of the whole mapping. When rights are taken away, every view handed
     * out before becomes invalid first, so that no thread can fault on the new protection.
     *
     * @param prot {@code PROT_*} bits
     * @throws MMapException also when rights would be taken away while a view is in use by a native
     *     call on another thread (nothing changes: retry later), or when the kernel refuses (such as
     *     {@code PROT_WRITE} on a shared mapping of a file opened read-only)
     * @throws UnsupportedOperationException when rights would be taken away on JDK or NIO
     */
    public void mprotect(int prot) {
        Supplier<String> call = () -> "mprotect(" + Flags.protection(prot) + ")";
        Arguments.protection(call, prot);
        guard.protect(call, prot);
    }

    /**
     * The typed form of {@link #mprotect(int)}: {@code mprotect(EnumSet.of(Access.READ))}; the empty
     * set is {@link Mman#PROT_NONE}. Same errors and platform notes.
     *
     * @param access the rights from now on
     */
    public void mprotect(Set<Access> access) {
        mprotect(Access.bits(Objects.requireNonNull(access, "access")));
    }

    /**
     * {@return the rights granted now, the typed form of {@link #protection()}: an unmodifiable set}
     *
     * @throws MMapException when the mapping is closed
     */
    public Set<Access> access() {
        return Access.of(protection());
    }

    /**
     * Flushes the whole mapping to its file, as {@link #msync(long, long, SyncMode)}.
     *
     * @param mode whether to wait
     */
    public void msync(SyncMode mode) {
        msync(0, size, mode);
    }

    /**
     * The typed form of {@link #msync(long, long, int)}, with its errors and platform notes.
     *
     * @param offset where the range starts, a multiple of {@link #pageSize()}
     * @param length the length, at least 1
     * @param mode whether to wait for the data to reach the file
     */
    public void msync(long offset, long length, SyncMode mode) {
        msync(offset, length, Objects.requireNonNull(mode, "mode").bit());
    }

    /**
     * Throws away the contents of part of the mapping ({@code MADV_DONTNEED}): the destructive
     * advice, kept apart from {@link #madvise(long, long, Advice)}'s hints so that a call that loses
     * data says so. Afterwards private anonymous memory reads as zeros, a private file mapping shows
     * the file again (its own changes are gone), and a shared mapping loses nothing: its pages are
     * dropped from this process and read back from the file or object. Views stay valid. On Windows
     * a shared file view is trimmed from the working set and private memory is reset; NATIVE only.
     *
     * @param offset where the range starts, a multiple of {@link #pageSize()}
     * @param length the length, at least 1
     * @throws UnsupportedOperationException on JDK and NIO
     */
    public void discard(long offset, long length) {
        madvise(offset, length, Advice.DONTNEED);
    }

    /** Flushes the whole mapping to its file and waits ({@link Mman#MS_SYNC}), as {@link #msync(long, long, int)}. */
    public void msync() {
        msync(MS_SYNC);
    }

    /**
     * Flushes the whole mapping to its file, as {@link #msync(long, long, int)}.
     *
     * @param flags {@link Mman#MS_SYNC} or {@link Mman#MS_ASYNC}, optionally with {@link Mman#MS_INVALIDATE}
     */
    public void msync(int flags) {
        msync(0, size, flags);
    }

    /**
     * Flushes part of the mapping to its file; on anonymous memory it does nothing. On Windows
     * {@code MS_SYNC} also flushes the file's buffers; JDK and NIO always flush synchronously.
     *
     * @param offset where the range starts, a multiple of {@link #pageSize()}
     * @param length the length, at least 1; the last page is flushed whole
     * @param flags {@link Mman#MS_SYNC} or {@link Mman#MS_ASYNC}, optionally with {@link Mman#MS_INVALIDATE}
     * @throws MMapException also when the flush fails
     */
    public void msync(long offset, long length, int flags) {
        Supplier<String> call = () -> "msync(" + offset + ", " + length + ", " + Flags.msync(flags) + ")";
        Arguments.msyncFlags(call, flags);
        Arguments.controlRange(call, offset, length, size, region.pageSize());
        guard.control(call, e -> region.sync(offset, length, flags));
    }

    /**
     * Locks every page of the mapping into RAM, faulting it in first.
     *
     * @throws MMapException also when the lock would exceed {@code RLIMIT_MEMLOCK} (the message gives
     *     the limit and how to raise it; on Windows, the working-set size)
     * @throws UnsupportedOperationException on JDK and NIO
     */
    public void mlock() {
        guard.control(() -> "mlock()", e -> region.lock());
    }

    /**
     * Unlocks the pages of the mapping.
     *
     * @throws UnsupportedOperationException on JDK and NIO
     */
    public void munlock() {
        guard.control(() -> "munlock()", e -> region.unlock());
    }

    /**
     * Gives the kernel advice about the whole mapping, as {@link #madvise(long, long, Advice)}.
     *
     * @param advice the advice
     */
    public void madvise(Advice advice) {
        madvise(0, size, advice);
    }

    /**
     * Gives the kernel advice about part of the mapping.
     *
     * @param offset where the range starts, a multiple of {@link #pageSize()}
     * @param length the length, at least 1
     * @param advice the advice
     * @throws MMapException also when {@link Advice#POPULATE} is asked of a mapping without
     *     {@code PROT_READ} or cannot fault pages in, or the kernel refuses the advice
     * @throws UnsupportedOperationException on JDK and NIO
     */
    public void madvise(long offset, long length, Advice advice) {
        Objects.requireNonNull(advice, "advice");
        Supplier<String> call = () -> "madvise(" + offset + ", " + length + ", " + advice + ")";
        Arguments.controlRange(call, offset, length, size, region.pageSize());
        guard.control(call, e -> {
            if (advice == Advice.POPULATE && !e.allows(PROT_READ)) {
                // The kernel answers EINVAL, which would otherwise read as "kernel too old".
                throw new MMapException(call.get() + " on " + this + ": POPULATE cannot fault in pages that may not "
                        + "be accessed; call mprotect(PROT_READ) first");
            }
            try {
                region.advise(offset, length, advice, populatesForWrite(e), prefaultThreads(length));
            } catch (MMapException refused) {
                throw advice == Advice.POPULATE ? FileChecks.populateRefused(call.get() + " on " + this, faultReason(),
                        refused) : refused;
            }
        });
    }

    /**
     * Faults every page in, on any backend, unless the mapping may not be read; for the async factories.
     *
     * @throws MMapException when a page cannot be faulted in: on JDK and NIO the JDK's
     *     {@link InternalError} of a file truncated meanwhile, saying why ({@link #faultReason})
     */
    void prefault() {
        guard.control(() -> "prefault", e -> {
            if (e.allows(PROT_READ)) {
                try {
                    region.prefault(populatesForWrite(e), prefaultThreads(size));
                } catch (InternalError fault) {
                    throw new MMapException("prefault of " + this + " faulted: " + faultReason(), fault);
                } catch (MMapException refused) {
                    throw FileChecks.populateRefused("prefault of " + this, faultReason(), refused);
                }
            }
        });
    }

    private int prefaultThreads(long length) {
        return ParallelPrefault.threads(length, region.pageSize(), traits.prefaultThreads());
    }

    /** Populating a private file mapping for writing would copy every page; reading is enough. */
    private boolean populatesForWrite(Epoch e) {
        return e.allows(PROT_WRITE) && (file == null || (flags & MAP_PRIVATE) == 0);
    }

    /**
     * Which pages are in RAM now ({@code mincore}), as {@link #residency(long, long)} of the whole
     * mapping; bit {@code i} is the page at {@code i * pageSize()}.
     *
     * @return one bit per page, set when resident
     * @throws MMapInvalidParameterException when the mapping has more than {@code Integer.MAX_VALUE}
     *     pages (8 TiB of 4 KiB pages), more than a {@link BitSet} holds: ask
     *     {@link #residency(long, long)} for parts, or {@link #residentPages()} for the count
     * @throws UnsupportedOperationException on JDK and NIO
     */
    public BitSet residency() {
        return residency(0, size);
    }

    /**
     * Which pages of part of the mapping are in RAM now ({@code mincore}; {@code QueryWorkingSetEx}
     * on Windows). The pages are read a gigabyte at a time, so the native memory this needs stays
     * small whatever the range.
     *
     * @param offset where the range starts, a multiple of {@link #pageSize()}
     * @param length the length, at least 1, at most {@code Integer.MAX_VALUE} pages; the last page counts whole
     * @return one bit per page of the range, set when resident; bit {@code i} is the page at
     *     {@code offset + i * pageSize()}
     * @throws MMapInvalidParameterException when the range is not inside the mapping, not
     *     page-aligned, or has more pages than a {@link BitSet} holds (checked before anything is allocated)
     * @throws UnsupportedOperationException on JDK and NIO
     */
    public BitSet residency(long offset, long length) {
        Supplier<String> call = offset == 0 && length == size ? () -> "residency()"
                : () -> "residency(" + offset + ", " + length + ")";
        long pageSize = region.pageSize();
        Arguments.controlRange(call, offset, length, size, pageSize);
        long pages = Residency.pages(length, pageSize);
        if (pages > Residency.MAX_PAGES) {
            long most = Residency.MAX_PAGES / Residency.PAGES_PER_CALL * Residency.PAGES_PER_CALL * pageSize;
            throw Arguments.invalid(call.get() + " on " + this + ": the range has " + pages + " pages, more than one "
                    + "BitSet holds (" + Residency.MAX_PAGES + "); ask residency(offset, length) for at most " + most
                    + " bytes at a time, or residentPages() for the count");
        }
        return guard.compute(call, e -> Residency.of(region, offset, length));
    }

    /**
     * {@return how many pages of the mapping are in RAM now, at most {@code ceil(size() / pageSize())}}
     * It works for a mapping of any size: it counts a gigabyte at a time and keeps no bit set.
     *
     * @throws UnsupportedOperationException on JDK and NIO
     */
    public long residentPages() {
        return guard.compute(() -> "residentPages()", e -> Residency.count(region, 0, size));
    }

    /**
     * Grows or shrinks a mapping that was created from a {@link Path}, extending the file first
     * when the new end lies past it. On Linux with NATIVE this is one {@code mremap}, which may move
     * the mapping; elsewhere the file is mapped again and a {@link Mman#MAP_PRIVATE} mapping's own
     * changes are copied across. This mapping is closed afterwards (its views throw
     * {@link IllegalStateException}; NIO's keep the old memory until the GC unmaps it), and the
     * returned one takes its place.
     *
     * @param newSize the new length in bytes, at least 1
     * @return the resized mapping, with the same protection and flags
     * @throws MMapException also when the mapping was not created from a path, the file cannot be
     *     extended, or the kernel refuses (this mapping then stays open and unchanged)
     */
    public MemoryMap resize(long newSize) {
        return MapFactory.resized(this, newSize);
    }

    /**
     * Why an access faulted ({@link FileChecks#faultReason}). {@code SharedMemory} knows its object instead.
     */
    String faultReason() {
        return FileChecks.faultReason(file, fileOffset, size);
    }

    /**
     * Unmaps the memory. Every view becomes invalid first; other threads reading or writing
     * through them get {@link IllegalStateException}. Calling {@code close()} again does nothing.
     *
     * @throws MMapException when a view is in use by a native call on another thread right now
     *     (the mapping stays open: retry later)
     */
    @Override
    public void close() {
        guard.close();
    }

    /** {@return the source, size, protection (or "closed") and flags, such as {@code MemoryMap[file /tmp/x, 4096 bytes, PROT_READ, MAP_SHARED]}} */
    @Override
    public String toString() {
        return "MemoryMap[" + source + ", " + size + " bytes, " + guard.describeProtection() + ", "
                + Flags.mapping(flags) + "]";
    }
}
