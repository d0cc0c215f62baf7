package dev.mman;

import static dev.mman.Mman.MAP_PRIVATE;
import static dev.mman.Mman.MS_SYNC;
import static dev.mman.Mman.PROT_READ;
import static dev.mman.Mman.PROT_WRITE;

import dev.mman.internal.Flags;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * One memory mapping: anonymous memory or a window onto a file.
 *
 * <p>Create one with {@link #createAnonymous(long)}, {@link #createFileMapping(Path, long, long,
 * int, int)} or {@link Mman#mmapRegion}, use it, and close it, best with try-with-resources:
 *
 * <pre>{@code
 * try (MemoryMap m = MemoryMap.createAnonymous(4096)) {
 *     m.write("hello".getBytes(StandardCharsets.US_ASCII), 100);
 *     byte[] back = m.read(5, 100);
 * }
 * }</pre>
 *
 * <h2>Safety</h2>
 * No call and no misuse of a {@code MemoryMap} or of its views crashes the JVM:
 * <ul>
 * <li>{@link #read}, {@link #write} and {@link #fill} check bounds and the current protection
 *     first, and throw instead of faulting.</li>
 * <li>Views ({@link #asSegment()}, {@link #asByteBuffer()}) belong to the mapping. After
 *     {@link #close()}, and after an {@link #mprotect} that takes rights away, every earlier view
 *     throws {@link IllegalStateException} on access.</li>
 * <li>A view is writable only while the mapping has {@link Mman#PROT_WRITE}; a mapping without
 *     {@link Mman#PROT_READ} hands out no view at all.</li>
 * <li>A file truncated under a live mapping makes {@code read}/{@code write}/{@code fill} throw
 *     an {@link MMapException} that names the file. (A view accessed in that state throws the
 *     JDK's {@link InternalError}; it does not crash either.)</li>
 * </ul>
 *
 * <h2>Threads</h2>
 * {@code read}, {@code write}, {@code fill} and views may be used from any number of threads at
 * once and take no lock, but for one case: a fill of anonymous memory large enough to run as a C
 * {@code memset} holds a shared lock, so that {@code close} and an {@code mprotect} that takes
 * rights away wait for it to end. The control calls ({@code mprotect}, {@code msync}, {@code mlock},
 * {@code madvise}, residency, {@code close}) are serialized among themselves. Closing while
 * other threads read is safe: they get an exception, never stale or foreign memory.
 *
 * <p>A {@code MemoryMap} that is never closed stays mapped until the process ends: the mapping
 * cannot be released behind a view's back, so close it explicitly.
 */
public sealed class MemoryMap implements AutoCloseable permits SharedMemory {

    /** Handshakes after closing a view arena; see {@link #retire(Arena)}. */
    private static final int EXTRA_HANDSHAKES = 4;

    /** The memory itself, as the backend provides it. */
    private final Region region;
    private final long size;
    private final int flags;
    private final String source;
    /** The file this mapping was created from by path, or null; {@link #resize} needs it. */
    private final Path file;
    private final long fileOffset;
    /** Serializes the control calls, so that no native call runs on an address being unmapped. */
    private final Object control = new Object();
    /** The current protection epoch; null once closed. Read without a lock on the hot path. */
    private volatile Epoch epoch;
    /** {@code memset} for large fills of anonymous memory; null where fills stay with the JDK. */
    private final NativeFill nativeFill;

    /**
     * The views valid under one protection. The arena is closed when rights are taken away, so
     * that every view of the old rights dies before the kernel enforces the new ones.
     *
     * <p>The arena is created on the first access, not with the mapping: closing a shared arena
     * is a handshake with every thread, which a mapping that Java never touched (or has not
     * touched since its rights were cut) does not need. Without an arena, {@code arena} and
     * {@code segment} are null and no view of the mapping exists anywhere.
     */
    private record Epoch(Region.Views views, MemorySegment segment, int prot) {

        static Epoch open(Region.Views views, int prot) {
            MemorySegment all = views.segment();
            return new Epoch(views, (prot & PROT_WRITE) != 0 ? all : all.asReadOnly(), prot);
        }

        /** The arena to close to invalidate this epoch's views, or null when there is none. */
        Arena arena() {
            return views == null ? null : views.arena();
        }

        static Epoch withoutViews(int prot) {
            return new Epoch(null, null, prot);
        }

        boolean allows(int rights) {
            return (prot & rights) == rights;
        }
    }

    MemoryMap(Region region, long size, int prot, int flags, String source) {
        this(region, size, prot, flags, source, null, 0);
    }

    MemoryMap(Region region, long size, int prot, int flags, String source, Path file, long fileOffset) {
        this.region = region;
        this.size = size;
        this.flags = flags;
        this.source = source;
        this.file = file;
        this.fileOffset = fileOffset;
        this.epoch = Epoch.withoutViews(prot);
        this.nativeFill = NativeFill.forMapping(region, flags, control);
    }

    // ---------------------------------------------------------------- factories

    /**
     * Maps {@code size} bytes of private anonymous memory, readable and writable, filled with
     * zeros.
     *
     * @param size the length in bytes, at least 1
     * @return the mapping
     * @throws MMapInvalidParameterException when {@code size} is not positive
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
     * @throws MMapInvalidParameterException when an argument is bad
     * @throws MMapAllocationException when the system refuses
     */
    public static MemoryMap createAnonymous(long size, int prot) {
        return createAnonymous(size, prot, MAP_PRIVATE);
    }

    /**
     * Maps anonymous memory. {@code flags} must contain exactly one of {@link Mman#MAP_PRIVATE}
     * and {@link Mman#MAP_SHARED} (shared anonymous memory is shared with child processes), and
     * may contain {@link Mman#MAP_ANONYMOUS} (implied) and {@link Mman#MAP_POPULATE}.
     *
     * @param size the length in bytes, at least 1
     * @param prot {@code PROT_*} bits
     * @param flags {@code MAP_*} bits
     * @return the mapping
     * @throws MMapInvalidParameterException when an argument is bad
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
     * @throws MMapInvalidParameterException when an argument is bad
     * @throws MMapAllocationException when the system refuses
     * @throws UnsupportedOperationException when the backend cannot express {@code prot} or {@code flags}
     */
    public static MemoryMap createAnonymous(long size, int prot, int flags, Backend backend) {
        return MapFactory.anonymous(size, prot, flags, backend);
    }

    /**
     * Maps part of the file behind an open descriptor. The descriptor stays the caller's: it may
     * be closed right after this returns, and the mapping lives on.
     *
     * @param fd an open file descriptor of a regular file
     * @param offset where the mapping starts in the file, a multiple of {@link Mman#allocationGranularity()}
     * @param size the length in bytes, at least 1; {@code offset + size} may not pass the end of the file
     * @param prot {@code PROT_*} bits; {@code PROT_WRITE} with {@code MAP_SHARED} needs a descriptor
     *     open for reading and writing
     * @param flags {@link Mman#MAP_SHARED} or {@link Mman#MAP_PRIVATE}, optionally with {@link Mman#MAP_POPULATE}
     * @return the mapping
     * @throws MMapInvalidParameterException when an argument is bad, the descriptor is not open,
     *     is not a regular file, is too short, or was opened in a mode that cannot grant {@code prot}
     * @throws MMapAllocationException when the system refuses
     */
    public static MemoryMap createFileMapping(int fd, long offset, long size, int prot, int flags) {
        return MapFactory.descriptor(fd, offset, size, prot, flags);
    }

    /**
     * Maps part of a file. The file is opened for reading (and writing, when {@code prot} has
     * {@code PROT_WRITE} and {@code flags} has {@code MAP_SHARED}) and closed again at once; the
     * mapping keeps the file alive.
     *
     * @param file a regular file
     * @param offset where the mapping starts in the file, a multiple of {@link Mman#allocationGranularity()}
     * @param size the length in bytes, at least 1; {@code offset + size} may not pass the end of the file
     * @param prot {@code PROT_*} bits
     * @param flags {@link Mman#MAP_SHARED} or {@link Mman#MAP_PRIVATE}, optionally with {@link Mman#MAP_POPULATE}
     * @return the mapping
     * @throws MMapInvalidParameterException when an argument is bad, or the file is missing, a
     *     directory, or too short
     * @throws MMapException when the file cannot be opened (permissions)
     * @throws MMapAllocationException when the system refuses the mapping
     */
    public static MemoryMap createFileMapping(Path file, long offset, long size, int prot, int flags) {
        return createFileMapping(file, offset, size, prot, flags, Backend.selected());
    }

    /**
     * Maps part of a file with the given backend, whatever {@link Backend#selected()} says.
     *
     * @param file a regular file
     * @param offset where the mapping starts in the file, a multiple of the page size
     * @param size the length in bytes, at least 1; {@code offset + size} may not pass the end of the file
     * @param prot {@code PROT_*} bits
     * @param flags {@link Mman#MAP_SHARED} or {@link Mman#MAP_PRIVATE}, optionally with {@link Mman#MAP_POPULATE}
     * @param backend the machinery to map with
     * @return the mapping
     * @throws MMapInvalidParameterException when an argument is bad, or the file is missing, a
     *     directory, or too short
     * @throws MMapException when the file cannot be opened (permissions)
     * @throws MMapAllocationException when the system refuses the mapping
     * @throws UnsupportedOperationException when the backend cannot express {@code prot} or {@code flags}
     */
    public static MemoryMap createFileMapping(Path file, long offset, long size, int prot, int flags,
            Backend backend) {
        return MapFactory.file(file, offset, size, prot, flags, backend);
    }

    /**
     * Maps anonymous memory and faults every page in, off the caller's thread (on a virtual
     * thread). Cancelling the future, or a failure while faulting in, unmaps the memory: nothing
     * leaks.
     *
     * @param size the length in bytes, at least 1
     * @param prot {@code PROT_*} bits
     * @param flags {@code MAP_*} bits, as for {@link #createAnonymous(long, int, int)}
     * @return a future that completes with the prefaulted mapping, or with the exception that
     *     {@link #createAnonymous(long, int, int)} would throw
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
     * @return a future that completes with the prefaulted mapping
     */
    public static CompletableFuture<MemoryMap> createAnonymousAsync(long size, int prot, int flags,
            Executor executor) {
        return AsyncMapping.start(() -> createAnonymous(size, prot, flags), executor);
    }

    /**
     * Maps part of a file and faults every page in (reading it from storage), off the caller's
     * thread (on a virtual thread). Cancelling the future, or a failure, unmaps it again.
     *
     * @param file a regular file
     * @param offset where the mapping starts in the file
     * @param size the length in bytes
     * @param prot {@code PROT_*} bits
     * @param flags {@code MAP_*} bits
     * @return a future that completes with the prefaulted mapping, or with the exception that
     *     {@link #createFileMapping(Path, long, long, int, int)} would throw
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
     * @return a future that completes with the prefaulted mapping
     */
    public static CompletableFuture<MemoryMap> createFileMappingAsync(Path file, long offset, long size, int prot,
            int flags, Executor executor) {
        return AsyncMapping.start(() -> createFileMapping(file, offset, size, prot, flags), executor);
    }

    // ---------------------------------------------------------------- state

    /**
     * The address of the first byte. Informational: access the memory through this object or
     * its views, which stay safe, and never through the raw address.
     *
     * @return the virtual address
     */
    public long address() {
        return region.address();
    }

    /**
     * The backend that made this mapping.
     *
     * @return {@link Backend#NATIVE}, {@link Backend#JDK} or {@link Backend#NIO}
     */
    public Backend backend() {
        return region.backend();
    }

    /**
     * The length of the mapping.
     *
     * @return bytes
     */
    public long size() {
        return size;
    }

    /**
     * Whether the mapping is still open.
     *
     * @return false once {@link #close()} was called
     */
    public boolean isValid() {
        return epoch != null;
    }

    /**
     * The system page size, as {@link Mman#pageSize()}.
     *
     * @return bytes per page
     */
    public long pageSize() {
        return region.pageSize();
    }

    /**
     * The current protection.
     *
     * @return {@code PROT_*} bits
     * @throws MMapException when the mapping is closed
     */
    public int protection() {
        return open("protection()").prot;
    }

    // ---------------------------------------------------------------- data

    /**
     * Copies {@code size} bytes from the start of the mapping.
     *
     * @param size how many bytes, 0 or more
     * @return a new array
     * @see #read(int, long)
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
     * @throws MMapInvalidParameterException when the range is not inside the mapping
     * @throws MMapException when the mapping is closed, is not readable, or the backing file was
     *     truncated below the range
     */
    public byte[] read(int size, long offset) {
        Epoch e = accessible("read", offset, size, PROT_READ);
        byte[] out = new byte[size];
        try {
            MemorySegment.copy(e.segment, ValueLayout.JAVA_BYTE, offset, out, 0, size);
            return out;
        } catch (IllegalStateException raced) {
            synchronized (control) {
                return read(size, offset);
            }
        } catch (InternalError fault) {
            throw truncated("read(" + size + ", " + offset + ")", fault);
        }
    }

    /**
     * Copies {@code length} bytes starting at {@code offset} into part of an array the caller
     * owns: the same bytes as {@link #read(int, long)}, without a new array per call. Use it for
     * repeated or large reads, where allocating and zeroing that array costs more than the copy.
     * A refused call leaves {@code into} as it was.
     *
     * @param offset where to start in the mapping, from 0
     * @param into the array that receives the bytes
     * @param at the index in {@code into} of the first byte
     * @param length how many bytes, 0 or more
     * @return the number of bytes copied, {@code length}
     * @throws NullPointerException when {@code into} is null
     * @throws MMapInvalidParameterException when {@code at} and {@code length} do not lie inside
     *     {@code into}, or the range is not inside the mapping
     * @throws MMapException when the mapping is closed, is not readable, or the backing file was
     *     truncated below the range
     */
    public int read(long offset, byte[] into, int at, int length) {
        Objects.requireNonNull(into, "into");
        Arguments.arraySlice("read", into.length, at, length);
        Epoch e = accessible("read", offset, length, PROT_READ);
        try {
            MemorySegment.copy(e.segment, ValueLayout.JAVA_BYTE, offset, into, at, length);
            return length;
        } catch (IllegalStateException raced) {
            synchronized (control) {
                return read(offset, into, at, length);
            }
        } catch (InternalError fault) {
            throw truncated("read(" + offset + ", " + length + " bytes into the array at " + at + ")", fault);
        }
    }

    /**
     * Copies {@code data} to the start of the mapping.
     *
     * @param data the bytes
     * @return the number of bytes written, {@code data.length}
     * @see #write(byte[], long)
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
     * @throws MMapInvalidParameterException when the range is not inside the mapping
     * @throws MMapException when the mapping is closed, is not writable, or the backing file was
     *     truncated below the range
     */
    public int write(byte[] data, long offset) {
        Objects.requireNonNull(data, "data");
        Epoch e = accessible("write", offset, data.length, PROT_WRITE);
        try {
            MemorySegment.copy(data, 0, e.segment, ValueLayout.JAVA_BYTE, offset, data.length);
            return data.length;
        } catch (IllegalStateException raced) {
            synchronized (control) {
                return write(data, offset);
            }
        } catch (InternalError fault) {
            throw truncated("write(" + data.length + " bytes, " + offset + ")", fault);
        }
    }

    /**
     * Sets every byte of the mapping to {@code value}, as one native fill.
     *
     * @param value the byte
     * @throws MMapException when the mapping is closed or not writable, or the file was truncated
     */
    public void fill(byte value) {
        fill(0, size, value);
    }

    /**
     * Sets {@code length} bytes from {@code offset} to {@code value}, as one native fill
     * ({@code memset}).
     *
     * @param offset where to start
     * @param length how many bytes
     * @param value the byte
     * @throws MMapInvalidParameterException when the range is not inside the mapping
     * @throws MMapException when the mapping is closed or not writable, or the file was truncated
     */
    public void fill(long offset, long length, byte value) {
        if (nativeFill != null && NativeFill.pays(length)) {
            fillNatively(offset, length, value);
            return;
        }
        Epoch e = accessible("fill", offset, length, PROT_WRITE);
        try {
            e.segment.asSlice(offset, length).fill(value);
        } catch (IllegalStateException raced) {
            synchronized (control) {
                fill(offset, length, value);
            }
        } catch (InternalError fault) {
            throw truncated("fill(" + offset + ", " + length + ")", fault);
        }
    }

    // ---------------------------------------------------------------- views

    /**
     * A zero-copy view of the whole mapping as bytes. It is read-only unless the mapping has
     * {@code PROT_WRITE}. It stays valid until {@link #close()} or until an {@link #mprotect}
     * takes rights away; after that every access throws {@link IllegalStateException}.
     *
     * @return the view
     * @throws MMapException when the mapping is closed or not readable
     */
    public MemorySegment asSegment() {
        return viewable("asSegment()").segment;
    }

    /**
     * A zero-copy view for elements of {@code dtype}, the counterpart of NumPy's
     * {@code as_numpy_array(dtype)}. Access elements with
     * {@code segment.getAtIndex(dtype, i)}; there are {@code size() / dtype.byteSize()} of them.
     *
     * @param dtype the element layout
     * @return the view, with the lifetime rules of {@link #asSegment()}
     * @throws MMapInvalidParameterException when {@code dtype.byteSize()} does not divide {@link #size()}
     * @throws MMapException when the mapping is closed or not readable
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
     * A zero-copy {@link ByteBuffer} over the whole mapping, with the lifetime rules of
     * {@link #asSegment()}. Read-only unless the mapping has {@code PROT_WRITE}.
     *
     * @return the buffer, in big-endian order like every new buffer
     * @throws MMapException when the mapping is closed, not readable, or larger than a buffer can
     *     address ({@code Integer.MAX_VALUE} bytes)
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
     * @throws MMapInvalidParameterException when {@code prot} has unknown bits
     * @throws MMapException when the mapping is closed, when rights would be taken away while a
     *     view is in use by a native call on another thread (nothing changes: retry later), or when
     *     the kernel refuses (for instance {@code PROT_WRITE} on a shared mapping of a file opened
     *     read-only)
     */
    public void mprotect(int prot) {
        Supplier<String> call = () -> "mprotect(" + Flags.protection(prot) + ")";
        Arguments.protection(call, prot);
        synchronized (control) {
            Epoch current = open(call);
            if ((current.prot & ~prot) == 0) {
                region.protect(prot);
                epoch = current.views == null ? Epoch.withoutViews(prot)
                        : Epoch.open(region.reopenViews(current.views), prot);
                return;
            }
            if (region.backend() != Backend.NATIVE) {
                throw region.backend().unsupported("mprotect");
            }
            retireViews(call, current, "the protection is unchanged");
            holdOffNativeFills();
            try {
                // No view exists now, and no native fill runs. Until the kernel enforces the new
                // protection, grant only the rights that both the old and the new one grant; an access
                // that starts in between waits on the lock to create views, and then sees the new rights.
                epoch = Epoch.withoutViews(current.prot & prot);
                try {
                    region.protect(prot);
                } catch (RuntimeException refused) {
                    epoch = Epoch.withoutViews(current.prot);
                    throw refused;
                }
                epoch = Epoch.withoutViews(prot);
            } finally {
                admitNativeFills();
            }
        }
    }

    /**
     * Flushes the whole mapping to its file and waits ({@link Mman#MS_SYNC}).
     *
     * @throws MMapException when the mapping is closed or the flush fails
     */
    public void msync() {
        msync(MS_SYNC);
    }

    /**
     * Flushes the whole mapping to its file.
     *
     * @param flags {@link Mman#MS_SYNC} or {@link Mman#MS_ASYNC}, optionally with {@link Mman#MS_INVALIDATE}
     * @throws MMapInvalidParameterException when {@code flags} are bad
     * @throws MMapException when the mapping is closed or the flush fails
     */
    public void msync(int flags) {
        msync(0, size, flags);
    }

    /**
     * Flushes part of the mapping to its file. On an anonymous mapping this does nothing.
     *
     * @param offset where the range starts, a multiple of {@link #pageSize()}
     * @param length the length; the last page is flushed whole
     * @param flags {@link Mman#MS_SYNC} or {@link Mman#MS_ASYNC}, optionally with {@link Mman#MS_INVALIDATE}
     * @throws MMapInvalidParameterException when the range or flags are bad
     * @throws MMapException when the mapping is closed or the flush fails
     */
    public void msync(long offset, long length, int flags) {
        Supplier<String> call = () -> "msync(" + offset + ", " + length + ", " + Flags.msync(flags) + ")";
        Arguments.msyncFlags(call, flags);
        controlRange(call, offset, length);
        synchronized (control) {
            open(call);
            region.sync(offset, length, flags);
        }
    }

    /**
     * Locks every page of the mapping into RAM, faulting it in first.
     *
     * @throws MMapException when the mapping is closed, or the lock would exceed
     *     {@code RLIMIT_MEMLOCK} (the message gives the limit and how to raise it)
     */
    public void mlock() {
        synchronized (control) {
            open("mlock()");
            region.lock();
        }
    }

    /**
     * Unlocks the pages of the mapping.
     *
     * @throws MMapException when the mapping is closed
     */
    public void munlock() {
        synchronized (control) {
            open("munlock()");
            region.unlock();
        }
    }

    /**
     * Gives the kernel advice about the whole mapping.
     *
     * @param advice the advice
     * @throws MMapException when the mapping is closed, or the platform or kernel cannot follow
     *     it ({@link Advice#POPULATE} reports pages that could not be faulted in)
     */
    public void madvise(Advice advice) {
        madvise(0, size, advice);
    }

    /**
     * Gives the kernel advice about part of the mapping.
     *
     * @param offset where the range starts, a multiple of {@link #pageSize()}
     * @param length the length
     * @param advice the advice
     * @throws MMapInvalidParameterException when the range is bad
     * @throws MMapException when the mapping is closed, {@link Advice#POPULATE} is asked of a mapping
     *     without {@code PROT_READ}, or the kernel refuses
     */
    public void madvise(long offset, long length, Advice advice) {
        Objects.requireNonNull(advice, "advice");
        Supplier<String> call = () -> "madvise(" + offset + ", " + length + ", " + advice + ")";
        controlRange(call, offset, length);
        synchronized (control) {
            Epoch e = open(call);
            if (advice == Advice.POPULATE && !e.allows(PROT_READ)) {
                // The kernel answers EINVAL, which would otherwise read as "kernel too old".
                throw new MMapException(call.get() + " on " + this + ": POPULATE cannot fault in pages that may not "
                        + "be accessed; call mprotect(PROT_READ) first");
            }
            region.advise(offset, length, advice, populatesForWrite(e));
        }
    }

    /**
     * Faults every page in, as {@code MAP_POPULATE} would, on any backend; a mapping that may not be
     * read is left alone. The async factories call this on their own thread.
     */
    void prefault() {
        synchronized (control) {
            Epoch e = open("prefault");
            if (e.allows(PROT_READ)) {
                region.prefault(populatesForWrite(e));
            }
        }
    }

    /** Populating a private file mapping for writing would copy every page; reading is enough. */
    private boolean populatesForWrite(Epoch e) {
        return e.allows(PROT_WRITE) && (file == null || (flags & MAP_PRIVATE) == 0);
    }

    /**
     * Which pages are in RAM now ({@code mincore}). Bit {@code i} stands for the page at offset
     * {@code i * pageSize()}.
     *
     * @return one bit per page, set when resident
     * @throws MMapException when the mapping is closed
     */
    public BitSet residency() {
        byte[] vector;
        synchronized (control) {
            open("residency()");
            vector = region.residency();
        }
        BitSet resident = new BitSet(vector.length);
        for (int page = 0; page < vector.length; page++) {
            if ((vector[page] & 1) != 0) {
                resident.set(page);
            }
        }
        return resident;
    }

    /**
     * How many pages of the mapping are in RAM now.
     *
     * @return resident pages, between 0 and {@code ceil(size() / pageSize())}
     * @throws MMapException when the mapping is closed
     */
    public long residentPages() {
        return residency().cardinality();
    }

    /**
     * Grows (or shrinks) a mapping that was created from a {@link Path}, extending the file first
     * when the new end lies past it. On Linux with {@link Backend#NATIVE} this is one
     * {@code mremap}, which may move the mapping. Elsewhere (macOS, Windows, and the {@code JDK} and
     * {@code NIO} backends) the file is mapped again and the old range unmapped afterwards; a
     * {@link Mman#MAP_PRIVATE} mapping's private changes are copied across. This {@code MemoryMap}
     * is closed afterwards: every view of it throws {@link IllegalStateException} (on {@code NIO},
     * views keep the old memory until the garbage collector unmaps it), and the returned mapping
     * takes its place.
     *
     * @param newSize the new length in bytes, at least 1
     * @return the resized mapping, with the same protection and flags
     * @throws MMapInvalidParameterException when {@code newSize} is not positive
     * @throws MMapException when the mapping is closed, was not created from a path, the file
     *     cannot be extended, or the kernel refuses (this mapping then stays open and unchanged)
     */
    public MemoryMap resize(long newSize) {
        String call = "resize(" + newSize + ")";
        Arguments.size(() -> call, newSize);
        synchronized (control) {
            Epoch e = open(call);
            if (file == null) {
                throw new MMapException(call + " on " + this + ": only a mapping created from a Path can be resized; "
                        + "map the file by path, or map a new range yourself");
            }
            if (!(region instanceof NativeRegion mapped) || !mapped.platform().remapsInPlace()) {
                return mapAgain(call, e, newSize);
            }
            FileChecks.extend(mapped.platform(), file, fileOffset + newSize);
            retireViews(() -> call, e, "it stays mapped as it was");
            epoch = null;
            NativeRegion moved;
            try {
                moved = mapped.remap(newSize);
            } catch (RuntimeException refused) {
                epoch = Epoch.withoutViews(e.prot);
                throw refused;
            }
            return new MemoryMap(moved, newSize, e.prot, flags, source, file, fileOffset);
        }
    }

    /**
     * Resizes without {@code mremap}: maps the file again at the new size, carries a private
     * mapping's own changes across, and only then lets go of this mapping, so that a refusal
     * leaves it as it was. Called holding the control lock.
     */
    private MemoryMap mapAgain(String call, Epoch e, long newSize) {
        Backend backend = region.backend();
        // Only a readable private mapping can have changes of its own to carry; the JDK backends
        // cannot change rights, so there a read-only one never had any.
        boolean carry = (flags & MAP_PRIVATE) != 0 && e.allows(PROT_READ)
                && (backend == Backend.NATIVE || e.allows(PROT_WRITE));
        FileChecks.extend(backend, file, fileOffset + newSize);
        MemoryMap fresh = MapFactory.file(file, fileOffset, newSize, carry ? e.prot | PROT_WRITE : e.prot, flags,
                backend);
        try {
            if (carry) {
                Epoch viewed = viewable(call);
                MemorySegment.copy(viewed.segment, 0, fresh.asSegment(), 0, Math.min(size, newSize));
                e = viewed;
                if (fresh.protection() != e.prot) {
                    fresh.mprotect(e.prot);
                }
            }
            retireViews(() -> call, e, "it stays mapped as it was");
        } catch (RuntimeException refused) {
            fresh.close();
            throw refused;
        }
        epoch = null;
        region.release();
        return fresh;
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
        synchronized (control) {
            Epoch e = epoch;
            if (e == null) {
                return;
            }
            retireViews(() -> "close()", e, "it stays mapped");
            holdOffNativeFills();
            try {
                epoch = null;
                region.release();
            } finally {
                admitNativeFills();
            }
        }
    }

    /**
     * Describes the mapping: its source, size, protection and whether it is closed.
     *
     * @return for example {@code MemoryMap[file /tmp/x, 4096 bytes, PROT_READ, MAP_SHARED]}
     */
    @Override
    public String toString() {
        Epoch e = epoch;
        return "MemoryMap[" + source + ", " + size + " bytes, "
                + (e == null ? "closed" : Flags.protection(e.prot)) + ", " + Flags.mapping(flags) + "]";
    }

    /**
     * Closes a view arena so that no thread touches the memory behind it any more, before the
     * caller unmaps or protects that memory.
     *
     * <p>Closing a shared arena stops every thread at a handshake, and a thread caught inside an
     * access is made to throw. On JDK 25 that exception can be held back until a later safepoint
     * poll, so such a thread may still make the one access it had already checked after
     * {@code close()} returns (JDK-8364167); against memory that is unmapped or read-only by then,
     * that access crashes the JVM. Each further handshake, which closing an empty shared arena
     * performs, returns only when every running thread has passed another poll, and so that access.
     * The exception is only installed at a poll that allows asynchronous exceptions, and a thread may
     * pass several polls that do not first, so four are made: two still let one crash through in
     * about two thousand close-versus-reader races under heavy load. This narrows the window to
     * almost nothing; only a JDK with that bug fixed (openjdk/jdk PR 30436) closes it.
     */
    private void retireViews(Supplier<String> call, Epoch e, String unchanged) {
        if (e.arena() == null) {
            return; // no view was made in this epoch, or its views cannot be closed: no handshake
        }
        try {
            retire(e.arena());
        } catch (IllegalStateException inUse) {
            throw new MMapException(call.get() + " on " + this + ": a view is in use by a native call on another thread; "
                    + unchanged + ", retry when that call has returned", inUse);
        }
    }

    private static void retire(Arena arena) {
        arena.close();
        for (int i = 0; i < EXTRA_HANDSHAKES; i++) {
            Arena.ofShared().close();
        }
    }

    /** Kept out of {@link #fill(long, long, byte)}, so that the small fills' path stays short enough to inline. */
    private void fillNatively(long offset, long length, byte value) {
        nativeFill.fill(() -> allowed("fill", offset, length, PROT_WRITE), region.address() + offset, length, value);
    }

    /** Waits until no native fill runs and keeps new ones out, when this mapping has native fills. */
    private void holdOffNativeFills() {
        if (nativeFill != null) {
            nativeFill.exclude();
        }
    }

    private void admitNativeFills() {
        if (nativeFill != null) {
            nativeFill.admit();
        }
    }

    // ---------------------------------------------------------------- checks

    private Epoch open(String call) {
        return open(() -> call);
    }

    private Epoch open(Supplier<String> call) {
        Epoch e = epoch;
        if (e == null) {
            throw new MMapException(call.get() + " on " + this + ": the mapping is closed; create a new one");
        }
        return e;
    }

    /** Checks that the mapping is open, the range inside it and the rights granted now. */
    private Epoch allowed(String call, long offset, long length, int rights) {
        Epoch e = open(call);
        Arguments.range(() -> call, offset, length, size);
        if (!e.allows(rights)) {
            throw new MMapException(call + " on " + this + " needs " + Flags.protection(rights)
                    + "; call mprotect(" + Flags.protection(e.prot | rights) + ") first");
        }
        return e;
    }

    /** As {@link #allowed}, and makes sure the epoch has a segment to access the memory through. */
    private Epoch accessible(String call, long offset, long length, int rights) {
        Epoch e = allowed(call, offset, length, rights);
        if (e.segment == null) {
            withViews();
            return accessible(call, offset, length, rights);
        }
        return e;
    }

    private Epoch viewable(String call) {
        Epoch e = open(call);
        if (!e.allows(PROT_READ)) {
            throw new MMapException(call + " on " + this + ": a view needs PROT_READ; call mprotect first");
        }
        if (e.segment == null) {
            withViews();
            return viewable(call);
        }
        return e;
    }

    /**
     * Gives the current epoch an arena, unless another thread did or the mapping was closed;
     * the caller checks the epoch again afterwards, as its rights may have changed meanwhile.
     */
    private void withViews() {
        synchronized (control) {
            Epoch e = epoch;
            if (e != null && e.segment == null) {
                epoch = Epoch.open(region.openViews(), e.prot);
            }
        }
    }

    private void controlRange(Supplier<String> call, long offset, long length) {
        if (length <= 0) {
            throw Arguments.invalid(call.get() + ": length " + length + " is not positive");
        }
        Arguments.range(call, offset, length, size);
        Arguments.pageAligned(call, offset, region.pageSize());
    }

    private MMapException truncated(String call, InternalError fault) {
        return new MMapException(call + " on " + this + " faulted: the backing file is shorter than the "
                + "mapping (was it truncated while mapped?). Extend the file again or map a shorter range", fault);
    }
}
