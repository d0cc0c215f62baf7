package dev.mman.internal.posix;

import static dev.mman.internal.NativeCalls.NO_HINT;
import static dev.mman.internal.NativeCalls.rangeRequest;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.mman.Advice;
import dev.mman.MMapException;
import dev.mman.internal.Downcall;
import dev.mman.internal.FileStatus;
import dev.mman.internal.Flags;
import dev.mman.internal.NativeCalls;
import dev.mman.internal.OpenedFile;
import dev.mman.internal.PageToucher;
import dev.mman.internal.Platform;
import dev.mman.internal.PortableBits;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;
import java.util.function.Supplier;

/**
 * What Linux and macOS share: the {@code <sys/mman.h>} calls and {@code open}/{@code fstat}/{@code
 * shm_open}, all made through {@link NativeCalls} with POSIX's convention (-1 and errno). The
 * numbers that differ come from a {@link PosixAbi}; the calls that exist on one system only live in
 * the subclasses.
 *
 * <p>Each downcall handle is made on the first call that needs it ({@link Downcall}): a command that
 * maps one file would otherwise pay for all twenty at start-up. The constructor finds every symbol
 * and, unless native access was granted, makes one handle, {@code sysconf}'s, so that a missing
 * function and denied native access still fail when the platform is made, where {@code Platforms}
 * turns them into one clear message.
 */
public abstract class PosixPlatform implements Platform {

    /** This system's {@code <sys/mman.h>} numbers and errno names. */
    protected final PosixConstants constants;
    /** Reads errno and names it from {@link #constants}; subclasses use it for calls of their own. */
    protected final NativeCalls calls;
    private final PosixAbi abi;
    private final long pageSize;

    private final Downcall mmap;
    private final Downcall munmap;
    private final Downcall mlock;
    private final Downcall munlock;
    private final Downcall mprotect;
    private final Downcall msync;
    private final Downcall madvise;
    private final Downcall mincore;
    private final Downcall open;
    private final Downcall close;
    private final Downcall fcntl;
    private final Downcall fstat;
    private final Downcall getrlimit;
    private final Downcall shmOpen;
    private final Downcall shmUnlink;
    private final Downcall ftruncate;
    private final Downcall fchmod;
    private final Downcall lseek;
    /** Plain, not critical: a large fill takes long, and a critical call would hold off safepoints. */
    private final Downcall memset;
    private final int enoent;
    private final int enotdir;
    private final int eisdir;
    private final int enxio;
    private final int einval;
    private final int eexist;
    private final int ebadf;
    private final int eacces;
    private final int enospc;
    private final int ebusy;

    /**
     * Builds the shared calls for one system.
     *
     * @param abi the system's numbers
     */
    protected PosixPlatform(PosixAbi abi) {
        this(abi, -1);
    }

    /**
     * Builds the shared calls for one system whose page size is already known.
     *
     * @param abi the system's numbers
     * @param knownPageSize the page size found without a native call, or 0 or less to ask
     *     {@code sysconf}
     */
    protected PosixPlatform(PosixAbi abi, long knownPageSize) {
        this.abi = abi;
        this.constants = abi.constants();
        this.calls = NativeCalls.errno(constants.errno()::describe);
        mmap = Native.withErrno("mmap", FunctionDescriptor.of(
                JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
        munmap = rangeCall("munmap");
        mlock = rangeCall("mlock");
        munlock = rangeCall("munlock");
        mprotect = rangeCallWithInt("mprotect");
        msync = rangeCallWithInt("msync");
        madvise = rangeCallWithInt("madvise");
        mincore = Native.withErrno("mincore", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, ADDRESS));
        open = Native.withErrno("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
                Linker.Option.firstVariadicArg(2));
        close = Native.withErrno("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        fcntl = Native.withErrno("fcntl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT),
                Linker.Option.firstVariadicArg(2));
        fstat = Native.withErrno(abi.fstatSymbol(), FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
        getrlimit = Native.withErrno("getrlimit", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
        FunctionDescriptor shmOpenType = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT);
        shmOpen = abi.variadicSharedMemoryOpen()
                ? Native.withErrno("shm_open", shmOpenType, Linker.Option.firstVariadicArg(2))
                : Native.withErrno("shm_open", shmOpenType);
        shmUnlink = Native.withErrno("shm_unlink", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        ftruncate = Native.withErrno("ftruncate", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG));
        fchmod = Native.withErrno("fchmod", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
        lseek = Native.withErrno("lseek", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT));
        memset = Native.plain("memset", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_LONG));
        ErrnoTable errnos = constants.errno();
        enoent = errnos.number("ENOENT");
        enotdir = errnos.number("ENOTDIR");
        eisdir = errnos.number("EISDIR");
        enxio = errnos.number("ENXIO");
        einval = errnos.number("EINVAL");
        eexist = errnos.number("EEXIST");
        ebadf = errnos.number("EBADF");
        eacces = errnos.number("EACCES");
        enospc = errnos.number("ENOSPC");
        ebusy = errnos.number("EBUSY");
        Downcall sysconf = Native.plain("sysconf", FunctionDescriptor.of(JAVA_LONG, JAVA_INT));
        // Without granted access, sysconf is called now: under --illegal-native-access=deny this is
        // where the platform learns it (and under the default, where the JDK warns once).
        boolean granted = PosixPlatform.class.getModule().isNativeAccessEnabled();
        long reported = granted && knownPageSize > 0 ? knownPageSize : pageSize(sysconf.handle());
        this.pageSize = reported > 0 ? reported : 4096;
    }

    private long pageSize(MethodHandle sysconf) {
        try {
            return (long) sysconf.invokeExact(constants.scPageSize());
        } catch (Throwable t) {
            throw new MMapException("sysconf(_SC_PAGESIZE) failed", t);
        }
    }

    private static Downcall rangeCall(String name) {
        return Native.withErrno(name, FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG));
    }

    private static Downcall rangeCallWithInt(String name) {
        return Native.withErrno(name, FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));
    }

    /**
     * What to add to a failed {@code mmap}'s message.
     *
     * @param errno the error
     * @param flags the portable flags of the call
     * @return the hint, or null
     */
    protected abstract String mapHint(int errno, int flags);

    /**
     * What to add to a failed {@code mlock}'s message.
     *
     * @param errno the error
     * @param size how many bytes were to be locked
     * @return the hint, or null
     */
    protected abstract String lockHint(int errno, long size);

    /**
     * What to add to a failed {@code madvise}'s message.
     *
     * @param advice the advice
     * @param errno the error
     * @return the hint, or null
     */
    protected abstract String adviseHint(Advice advice, int errno);

    @Override
    public long pageSize() {
        return pageSize;
    }

    @Override
    public long allocationGranularity() {
        return pageSize;
    }

    @Override
    public long map(long size, int prot, int flags, int fd, long offset) {
        int nativeProt = constants.protection(prot);
        int nativeFlags = constants.mapFlags(flags);
        long address = call(() -> String.format("mmap(NULL, %d, %s, %s, %d, %d)", size, Flags.protection(prot),
                        Flags.mapping(flags), fd, offset), errno -> mapHint(errno, flags), true,
                state -> (long) mmap.handle().invokeExact(state, 0L, size, nativeProt, nativeFlags, fd, offset));
        if ((flags & PortableBits.MAP_POPULATE) != 0 && !constants.hasNativePopulate()
                && (prot & PortableBits.PROT_READ) != 0) {
            // No MAP_POPULATE here: fault the pages in the way the kernel would, by reading them.
            PageToucher.touch(address, size, pageSize);
        }
        return address;
    }

    @Override
    public boolean replaceWithPlaceholder(long address, long size) {
        int nativeProt = constants.protection(PortableBits.PROT_READ | PortableBits.PROT_WRITE);
        int nativeFlags = constants.mapFlags(PortableBits.MAP_PRIVATE | PortableBits.MAP_ANONYMOUS
                | PortableBits.MAP_FIXED | PortableBits.MAP_NORESERVE);
        try {
            return address == call(() -> rangeRequest("mmap(MAP_FIXED) placeholder", address, size), NO_HINT, true,
                    state -> (long) mmap.handle().invokeExact(state, address, size, nativeProt, nativeFlags, -1, 0L));
        } catch (MMapException refused) {
            return false; // out of memory for the page tables: the caller unmaps the old way
        }
    }

    @Override
    public void unmap(long address, long size) {
        call(() -> rangeRequest("munmap", address, size), NO_HINT, false,
                state -> (int) munmap.handle().invokeExact(state, address, size));
    }

    @Override
    public void protect(long address, long size, int prot) {
        int nativeProt = constants.protection(prot);
        call(() -> rangeRequest("mprotect", address, size) + " to " + Flags.protection(prot), NO_HINT, false,
                state -> (int) mprotect.handle().invokeExact(state, address, size, nativeProt));
    }

    @Override
    public void sync(long address, long size, int flags) {
        int nativeFlags = constants.msyncFlags(flags);
        call(() -> rangeRequest("msync", address, size) + " with " + Flags.msync(flags), errno -> errno == ebusy
                        ? "MS_INVALIDATE cannot drop pages that are locked; munlock() first" : null, false,
                state -> (int) msync.handle().invokeExact(state, address, size, nativeFlags));
    }

    @Override
    public void lock(long address, long size) {
        call(() -> rangeRequest("mlock", address, size), errno -> lockHint(errno, size), false,
                state -> (int) mlock.handle().invokeExact(state, address, size));
    }

    @Override
    public void unlock(long address, long size) {
        call(() -> rangeRequest("munlock", address, size), NO_HINT, false,
                state -> (int) munlock.handle().invokeExact(state, address, size));
    }

    @Override
    public void advise(long address, long size, Advice advice, boolean writable) {
        int nativeAdvice = constants.advice(advice, writable);
        Supplier<String> request = () -> rangeRequest("madvise", address, size) + " with " + advice;
        if (nativeAdvice == PosixConstants.UNSUPPORTED) {
            if (advice == Advice.POPULATE) {
                // The caller has checked PROT_READ, so reading each page is safe and faults it in.
                PageToucher.touch(address, size, pageSize);
                return;
            }
            throw new MMapException(request.get() + ": " + describe() + " has no such advice (" + advice
                    + " needs transparent huge pages, which only Linux has)");
        }
        call(request, errno -> adviseHint(advice, errno), false,
                state -> (int) madvise.handle().invokeExact(state, address, size, nativeAdvice));
    }

    @Override
    public void fill(long address, long length, byte value) {
        try {
            long ignored = (long) memset.handle().invokeExact(address, (int) value, length);
        } catch (Throwable t) {
            throw new MMapException(rangeRequest("memset", address, length) + " could not be called", t);
        }
    }

    @Override
    public byte[] residency(long address, long size) {
        long pages = (size + pageSize - 1) / pageSize;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment vector = arena.allocate(pages);
            call(() -> rangeRequest("mincore", address, size), NO_HINT, false,
                    state -> (int) mincore.handle().invokeExact(state, address, size, vector));
            return vector.toArray(ValueLayout.JAVA_BYTE);
        }
    }

    @Override
    public int openFile(Path path, boolean writable) {
        int mode = (writable ? PosixAbi.READ_WRITE : PosixAbi.READ_ONLY) | abi.closeOnExecFlag();
        MemorySegment name = Native.scratchString(path.toString());
        return (int) call(() -> openRequest(path, writable), openHint(writable), false,
                state -> (int) open.handle().invokeExact(state, name, mode, 0));
    }

    /**
     * One {@code open} and one {@code fstat}: "missing" and "directory" come from open's errno and
     * the file's kind and size from fstat, and the access mode is known, so neither a stat of the
     * path nor {@code fcntl} is needed.
     */
    @Override
    public OpenedFile openForMapping(Path path, boolean writable) {
        int mode = (writable ? PosixAbi.READ_WRITE : PosixAbi.READ_ONLY) | abi.closeOnExecFlag() | abi.noWaitFlags();
        MemorySegment name = Native.scratchString(path.toString());
        int fd = (int) call(() -> openRequest(path, writable), openHint(writable), false,
                errno -> errno == enoent || errno == enotdir || errno == eisdir || errno == enxio,
                state -> (int) open.handle().invokeExact(state, name, mode, 0));
        if (fd == -1) {
            int error = calls.lastCode();
            // open answers ENXIO for a socket (and a device without its driver): say which it is, as the JDK backend does.
            return error == eisdir ? OpenedFile.DIRECTORY : error == enxio ? OpenedFile.unopened(path) : OpenedFile.MISSING;
        }
        try {
            return new OpenedFile(fd, status(fd, true, writable));
        } catch (RuntimeException fstatFailed) {
            closeFile(fd);
            throw fstatFailed;
        }
    }

    private static String openRequest(Path path, boolean writable) {
        return "open(" + path + ", " + (writable ? "O_RDWR" : "O_RDONLY") + ")";
    }

    private IntFunction<String> openHint(boolean writable) {
        return errno -> errno == eacces ? "the file's permissions do not allow " + (writable ? "writing" : "reading")
                : null;
    }

    @Override
    public void closeFile(int fd) {
        call(() -> "close(" + fd + ")", NO_HINT, false, state -> (int) close.handle().invokeExact(state, fd));
    }

    @Override
    public FileStatus fileStatus(int fd) {
        int accessMode = (int) call(() -> "fcntl(" + fd + ", F_GETFL)", NO_HINT, false, errno -> errno == ebadf,
                state -> (int) fcntl.handle().invokeExact(state, fd, PosixAbi.GET_STATUS_FLAGS));
        if (accessMode == -1) {
            return null;
        }
        int access = accessMode & PosixAbi.ACCESS_MODE;
        return status(fd, access != 1, access != PosixAbi.READ_ONLY);
    }

    @Override
    public long openedFileSize(int fd) {
        return status(fd, true, true).size();
    }

    /** The kind and size from one {@code fstat}, with an access mode the caller knows. */
    private FileStatus status(int fd, boolean readable, boolean writable) {
        StatLayout layout = abi.stat();
        MemorySegment stat = Native.scratch(layout.byteSize());
        call(() -> "fstat(" + fd + ")", NO_HINT, false, s -> (int) fstat.handle().invokeExact(s, fd, stat));
        FileStatus.Kind kind = StatLayout.kind(layout.mode(stat));
        long size = kind == FileStatus.Kind.REGULAR ? layout.size(stat) : 0;
        return new FileStatus(kind, size, readable, writable);
    }

    @Override
    public long lockedMemoryLimit() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment limits = arena.allocate(JAVA_LONG, 2);
            call(() -> "getrlimit(RLIMIT_MEMLOCK)", NO_HINT, false,
                    state -> (int) getrlimit.handle().invokeExact(state, abi.rlimitMemlock(), limits));
            long soft = limits.get(JAVA_LONG, 0);
            return soft == abi.unlimited() ? Long.MAX_VALUE : soft;
        }
    }

    /** shm_open applies the umask, so fchmod then sets the exact mode (see {@link Platform#sharedMemoryCreate}). */
    @Override
    public int sharedMemoryCreate(String name, int mode) {
        String octal = "0" + Integer.toOctalString(mode);
        int fd = sharedMemory("shm_open(" + name + ", O_RDWR|O_CREAT|O_EXCL, " + octal + ")",
                name, PosixAbi.READ_WRITE | abi.createFlag() | abi.exclusiveFlag(), mode, eexist);
        if (fd == -1) {
            return -1;
        }
        try {
            call(() -> "fchmod(" + fd + " (shared memory " + name + "), " + octal + ")", NO_HINT, false,
                    state -> (int) fchmod.handle().invokeExact(state, fd, mode));
        } catch (RuntimeException refused) {
            closeFile(fd);
            sharedMemoryUnlink(name); // this call made it: leave nothing behind
            throw refused;
        }
        return fd;
    }

    @Override
    public int sharedMemoryOpen(String name) {
        return sharedMemory("shm_open(" + name + ", O_RDWR)", name, PosixAbi.READ_WRITE, 0, enoent);
    }

    /** shm_open, returning -1 instead of failing when errno is {@code absent}. */
    private int sharedMemory(String request, String name, int flags, int mode, int absent) {
        int allFlags = flags | abi.sharedMemoryExtraFlags();
        MemorySegment cName = Native.scratchString(name);
        return (int) call(() -> request, errno -> errno == eacces
                        ? "another user owns that name and its permissions do not let you in"
                        : errno == enospc ? "the shared-memory file system has no inodes left for a new name: remove "
                                + "stale objects (SharedMemory.list(), SharedMemory.removeUnused(...))"
                        : errno == einval ? takenHint(name) : null, false,
                errno -> errno == absent, state -> (int) shmOpen.handle().invokeExact(state, cName, allFlags, mode));
    }

    /** shm_open's EINVAL for a valid name: glibc reports a directory under the name so. */
    private String takenHint(String name) {
        FileStatus.Kind kind = sharedMemoryKind(name);
        return (kind == null ? "the name is taken by something that is not a shared-memory object (a directory?)"
                : name + " is " + kind.noun() + ", not a shared-memory object") + ": remove it, or pick another name";
    }

    /**
     * What sort of file holds a shared-memory name, where the system keeps them in a directory.
     *
     * @param name the name, with its leading slash
     * @return the kind, or null where names are not files, or nothing holds the name
     */
    protected FileStatus.Kind sharedMemoryKind(String name) {
        return null;
    }

    @Override
    public boolean sharedMemoryUnlink(String name) {
        MemorySegment cName = Native.scratchString(name);
        return call(() -> "shm_unlink(" + name + ")", NO_HINT, false, errno -> errno == enoent,
                state -> (int) shmUnlink.handle().invokeExact(state, cName)) == 0;
    }

    @Override
    public void truncate(int fd, long size) {
        call(() -> "ftruncate(" + fd + ", " + size + ")", errno -> errno == enospc ? "the file system is full" : null,
                false, state -> (int) ftruncate.handle().invokeExact(state, fd, size));
    }

    /** ENXIO means "nothing beyond here"; EINVAL, a file system that cannot tell, so all of it is data. */
    @Override
    public long seekDataOrHole(int fd, long offset, boolean hole) {
        int whence = hole ? abi.seekHole() : abi.seekData();
        long found = call(() -> "lseek(" + fd + ", " + offset + ", " + (hole ? "SEEK_HOLE" : "SEEK_DATA") + ")",
                NO_HINT, false, errno -> errno == enxio || errno == einval,
                state -> (long) lseek.handle().invokeExact(state, fd, offset, whence));
        if (found != -1) {
            return found;
        }
        return calls.lastCode() == enxio ? -1 : Platform.super.seekDataOrHole(fd, offset, hole);
    }

    @Override
    public int sharedMemoryNameMax() {
        return constants.sharedMemoryNameMax();
    }

    /**
     * Makes a call that reports failure with -1, and throws for any errno.
     *
     * @param request the call and its arguments, built only when the call fails
     * @param hint what to add to the message for an errno, or null
     * @param allocation whether a failure means the system refused memory
     * @param call the call
     * @return the call's result
     */
    protected final long call(Supplier<String> request, IntFunction<String> hint, boolean allocation,
            NativeCalls.Call call) {
        return calls.call(request, -1, NativeCalls.NONE, hint, allocation, call);
    }

    /**
     * Makes a call that reports failure with -1, and returns -1 instead of throwing for the errnos
     * that {@code tolerated} accepts (the caller reads which from {@link NativeCalls#lastCode()}).
     *
     * @param request the call and its arguments, built only when the call fails
     * @param hint what to add to the message for an errno, or null
     * @param allocation whether a failure means the system refused memory
     * @param tolerated the errnos that are answers rather than failures
     * @param call the call
     * @return the call's result
     */
    protected final long call(Supplier<String> request, IntFunction<String> hint, boolean allocation,
            IntPredicate tolerated, NativeCalls.Call call) {
        return calls.call(request, -1, tolerated, hint, allocation, call);
    }
}
