package dev.mman.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.mman.Advice;
import dev.mman.MMapAllocationException;
import dev.mman.MMapException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/** Linux on x86_64 and aarch64, through glibc or musl. */
final class LinuxPlatform implements Platform {

    private static final PosixConstants C = LinuxConstants.INSTANCE;

    private static final MethodHandle MMAP = Native.withErrno("mmap", FunctionDescriptor.of(
            JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle MUNMAP = rangeCall("munmap");
    private static final MethodHandle MLOCK = rangeCall("mlock");
    private static final MethodHandle MUNLOCK = rangeCall("munlock");
    private static final MethodHandle MPROTECT = rangeCallWithInt("mprotect");
    private static final MethodHandle MSYNC = rangeCallWithInt("msync");
    private static final MethodHandle MADVISE = rangeCallWithInt("madvise");
    private static final MethodHandle MINCORE = Native.withErrno("mincore",
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, ADDRESS));
    private static final MethodHandle OPEN = Native.withErrno("open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle CLOSE = Native.withErrno("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle FCNTL = Native.withErrno("fcntl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle FSTAT = Native.withErrno("fstat",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle GETRLIMIT = Native.withErrno("getrlimit",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle SHM_OPEN = Native.withErrno("shm_open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle SHM_UNLINK = Native.withErrno("shm_unlink",
            FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle FTRUNCATE = Native.withErrno("ftruncate",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG));
    /** {@code syscall(SYS_futex, uaddr, op, val, timeout, uaddr2, val3)}; never critical: it blocks. */
    private static final MethodHandle SYSCALL_FUTEX = Native.withErrno("syscall", FunctionDescriptor.of(
            JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_LONG),
            Linker.Option.firstVariadicArg(1));
    /** {@code syscall(SYS_membarrier, cmd, flags, cpu_id)}. */
    private static final MethodHandle SYSCALL_MEMBARRIER = Native.withErrno("syscall", FunctionDescriptor.of(
            JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG), Linker.Option.firstVariadicArg(1));
    private static final MethodHandle MREMAP = Native.withErrno("mremap",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT),
            Linker.Option.firstVariadicArg(4));
    private static final MethodHandle FDATASYNC = Native.withErrno("fdatasync",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    /** Returns the error number itself instead of setting errno, so it needs no captured state. */
    private static final MethodHandle POSIX_FADVISE = Native.plain("posix_fadvise",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));
    private static final MethodHandle SYSCONF = Native.plain("sysconf", FunctionDescriptor.of(JAVA_LONG, JAVA_INT));

    private static final int O_RDONLY = 0;
    private static final int O_RDWR = 2;
    private static final int O_ACCMODE = 3;
    private static final int O_CLOEXEC = 0x80000;
    private static final int O_CREAT = 0x40;
    private static final int O_EXCL = 0x80;
    private static final int MREMAP_MAYMOVE = 1;
    private static final int F_GETFL = 3;
    private static final int ENOENT = 2;
    private static final int EEXIST = 17;
    private static final int EBADF = 9;
    private static final int RLIMIT_MEMLOCK = 8;
    private static final int POSIX_FADV_DONTNEED = 4;
    private static final Path HUGE_PAGES = Path.of("/sys/kernel/mm/hugepages");
    private static final Path THP_ENABLED = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
    private static final int S_IFMT = 0xF000;
    private static final int S_IFREG = 0x8000;
    private static final int S_IFDIR = 0x4000;
    private static final long STAT_SIZE_OFFSET = 48;
    private static final long STAT_BUFFER = 256;
    private static final long FUTEX_WAIT = 0;
    private static final long FUTEX_WAKE = 1;
    private static final long MEMBARRIER_CMD_GLOBAL_EXPEDITED = 1 << 1;
    private static final long MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED = 1 << 2;
    private static final int EINTR = 4;
    private static final int EAGAIN = 11;
    private static final int ETIMEDOUT = 110;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    /** In /proc/pid/stat, after the parenthesised command name: state is field 3, starttime field 22. */
    private static final int STAT_STATE_INDEX = 0;
    private static final int STAT_START_TIME_INDEX = 19;

    private final String arch;
    private final long statModeOffset;
    private final long pageSize;
    private final long sysFutex;
    private final long sysMembarrier;

    LinuxPlatform(String arch) {
        this.arch = arch;
        this.sysFutex = arch.equals("aarch64") ? 98 : 202;
        this.sysMembarrier = arch.equals("aarch64") ? 283 : 324;
        // struct stat differs: x86_64 puts a 64-bit st_nlink before st_mode, aarch64 does not.
        this.statModeOffset = arch.equals("aarch64") ? 16 : 24;
        long reported;
        try {
            reported = (long) SYSCONF.invokeExact(C.scPageSize());
        } catch (Throwable t) {
            throw new MMapException("sysconf(_SC_PAGESIZE) failed", t);
        }
        this.pageSize = reported > 0 ? reported : 4096;
    }

    private static MethodHandle rangeCall(String name) {
        return Native.withErrno(name, FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG));
    }

    private static MethodHandle rangeCallWithInt(String name) {
        return Native.withErrno(name, FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));
    }

    @Override
    public String describe() {
        return "Linux " + arch;
    }

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
        int nativeProt = C.protection(prot);
        int nativeFlags = C.mapFlags(flags);
        return call(() -> String.format("mmap(NULL, %d, %s, %s, %d, %d)", size, Flags.protection(prot),
                        Flags.mapping(flags), fd, offset), errno -> mapHint(errno, flags), true,
                state -> (long) MMAP.invokeExact(state, 0L, size, nativeProt, nativeFlags, fd, offset));
    }

    @Override
    public void unmap(long address, long size) {
        call(() -> rangeRequest("munmap", address, size), NO_HINT, false,
                state -> (int) MUNMAP.invokeExact(state, address, size));
    }

    @Override
    public void protect(long address, long size, int prot) {
        int nativeProt = C.protection(prot);
        call(() -> rangeRequest("mprotect", address, size) + " to " + Flags.protection(prot), NO_HINT, false,
                state -> (int) MPROTECT.invokeExact(state, address, size, nativeProt));
    }

    @Override
    public void sync(long address, long size, int flags) {
        int nativeFlags = C.msyncFlags(flags);
        call(() -> rangeRequest("msync", address, size) + " with " + Flags.msync(flags), errno -> errno == 16
                        ? "MS_INVALIDATE cannot drop pages that are locked; munlock() first" : null, false,
                state -> (int) MSYNC.invokeExact(state, address, size, nativeFlags));
    }

    @Override
    public void lock(long address, long size) {
        call(() -> rangeRequest("mlock", address, size), this::lockHint, false,
                state -> (int) MLOCK.invokeExact(state, address, size));
    }

    @Override
    public void unlock(long address, long size) {
        call(() -> rangeRequest("munlock", address, size), NO_HINT, false,
                state -> (int) MUNLOCK.invokeExact(state, address, size));
    }

    @Override
    public void advise(long address, long size, Advice advice, boolean writable) {
        int nativeAdvice = C.advice(advice, writable);
        call(() -> rangeRequest("madvise", address, size) + " with " + advice, errno -> adviseHint(advice, errno), false,
                state -> (int) MADVISE.invokeExact(state, address, size, nativeAdvice));
    }

    @Override
    public byte[] residency(long address, long size) {
        long pages = (size + pageSize - 1) / pageSize;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment vector = arena.allocate(pages);
            call(() -> rangeRequest("mincore", address, size), NO_HINT, false,
                    state -> (int) MINCORE.invokeExact(state, address, size, vector));
            return vector.toArray(ValueLayout.JAVA_BYTE);
        }
    }

    @Override
    public int openFile(Path path, boolean writable) {
        int mode = (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment name = arena.allocateFrom(path.toString());
            return (int) call(() -> "open(" + path + ", " + (writable ? "O_RDWR" : "O_RDONLY") + ")", errno -> errno == 13
                            ? "the file's permissions do not allow " + (writable ? "writing" : "reading")
                            : null, false,
                    state -> (int) OPEN.invokeExact(state, name, mode, 0));
        }
    }

    @Override
    public void closeFile(int fd) {
        call(() -> "close(" + fd + ")", NO_HINT, false, state -> (int) CLOSE.invokeExact(state, fd));
    }

    @Override
    public FileStatus fileStatus(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            int accessMode = (int) call(() -> "fcntl(" + fd + ", F_GETFL)", NO_HINT, false, EBADF,
                    state -> (int) FCNTL.invokeExact(state, fd, F_GETFL));
            if (accessMode == -1) {
                return null;
            }
            MemorySegment stat = arena.allocate(STAT_BUFFER, 16);
            call(() -> "fstat(" + fd + ")", NO_HINT, false, s -> (int) FSTAT.invokeExact(s, fd, stat));
            int type = stat.get(ValueLayout.JAVA_INT, statModeOffset) & S_IFMT;
            FileStatus.Kind kind = type == S_IFREG ? FileStatus.Kind.REGULAR
                    : type == S_IFDIR ? FileStatus.Kind.DIRECTORY : FileStatus.Kind.OTHER;
            long size = kind == FileStatus.Kind.REGULAR ? stat.get(ValueLayout.JAVA_LONG, STAT_SIZE_OFFSET) : 0;
            int access = accessMode & O_ACCMODE;
            return new FileStatus(kind, size, access != 1, access != O_RDONLY);
        }
    }

    @Override
    public String describeFd(int fd) {
        try {
            return "fd " + fd + " (" + Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)) + ")";
        } catch (IOException | UnsupportedOperationException e) {
            return "fd " + fd;
        }
    }

    @Override
    public long lockedMemoryLimit() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment limits = arena.allocate(JAVA_LONG, 2);
            call(() -> "getrlimit(RLIMIT_MEMLOCK)", NO_HINT, false,
                    state -> (int) GETRLIMIT.invokeExact(state, RLIMIT_MEMLOCK, limits));
            long soft = limits.get(JAVA_LONG, 0);
            return soft == -1 ? Long.MAX_VALUE : soft;
        }
    }

    @Override
    public int sharedMemoryCreate(String name, int mode) {
        return sharedMemory("shm_open(" + name + ", O_RDWR|O_CREAT|O_EXCL, 0" + Integer.toOctalString(mode) + ")",
                name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, mode, EEXIST);
    }

    @Override
    public int sharedMemoryOpen(String name) {
        return sharedMemory("shm_open(" + name + ", O_RDWR)", name, O_RDWR | O_CLOEXEC, 0, ENOENT);
    }

    /** shm_open, returning -1 instead of failing when errno is {@code absent}. */
    private static int sharedMemory(String request, String name, int flags, int mode, int absent) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cName = arena.allocateFrom(name);
            return (int) call(() -> request, errno -> errno == 13
                            ? "another user owns that name and its permissions do not let you in" : null, false,
                    absent, state -> (int) SHM_OPEN.invokeExact(state, cName, flags, mode));
        }
    }

    @Override
    public boolean sharedMemoryUnlink(String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cName = arena.allocateFrom(name);
            return call(() -> "shm_unlink(" + name + ")", NO_HINT, false, ENOENT,
                    state -> (int) SHM_UNLINK.invokeExact(state, cName)) == 0;
        }
    }

    @Override
    public void truncate(int fd, long size) {
        call(() -> "ftruncate(" + fd + ", " + size + ")", errno -> errno == 28 ? "the file system is full" : null, false,
                state -> (int) FTRUNCATE.invokeExact(state, fd, size));
    }

    @Override
    public long remap(long address, long oldSize, long newSize) {
        return call(() -> String.format("mremap(0x%x, %d, %d, MREMAP_MAYMOVE)", address, oldSize, newSize),
                errno -> errno == 12 ? "the process ran out of address space or of mappings" : null, true,
                state -> (long) MREMAP.invokeExact(state, address, oldSize, newSize, MREMAP_MAYMOVE));
    }

    @Override
    public int sharedMemoryNameMax() {
        return C.sharedMemoryNameMax();
    }

    @Override
    public void dropCache(int fd, long offset, long length) {
        String request = "posix_fadvise(" + fd + ", " + offset + ", " + length + ", POSIX_FADV_DONTNEED)";
        call(() -> "fdatasync(" + fd + ")", NO_HINT, false, state -> (int) FDATASYNC.invokeExact(state, fd));
        int error;
        try {
            error = (int) POSIX_FADVISE.invokeExact(fd, offset, length, POSIX_FADV_DONTNEED);
        } catch (Throwable t) {
            throw new MMapException(request + " could not be called", t);
        }
        if (error != 0) {
            throw failure(request, error, NO_HINT, false);
        }
    }

    @Override
    public List<Long> hugePageSizes() {
        List<Long> sizes = new ArrayList<>();
        try (DirectoryStream<Path> pools = Files.newDirectoryStream(HUGE_PAGES, "hugepages-*kB")) {
            for (Path pool : pools) {
                String name = pool.getFileName().toString();
                sizes.add(Long.parseLong(name.substring("hugepages-".length(), name.length() - 2)) * 1024);
            }
        } catch (IOException | NumberFormatException absent) {
            // A kernel without hugetlbfs has no such folder: that means no explicit huge pages.
            return List.of();
        }
        Collections.sort(sizes);
        return List.copyOf(sizes);
    }

    @Override
    public String transparentHugePageMode() {
        return selectedWord(THP_ENABLED);
    }

    /** The word in brackets in a sysfs choice file such as {@code always [madvise] never}. */
    static String selectedWord(Path choices) {
        String text;
        try {
            text = Files.readString(choices);
        } catch (IOException absent) {
            return "unsupported";
        }
        int open = text.indexOf('[');
        int close = text.indexOf(']', open + 1);
        return open >= 0 && close > open ? text.substring(open + 1, close) : text.strip();
    }

    @Override
    public boolean futexWait(MemorySegment word, int expected, long timeoutNanos) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment timeout = arena.allocate(JAVA_LONG, 2);
            timeout.setAtIndex(JAVA_LONG, 0, timeoutNanos / NANOS_PER_SECOND);
            timeout.setAtIndex(JAVA_LONG, 1, timeoutNanos % NANOS_PER_SECOND);
            int errno = futex(arena, "futex(FUTEX_WAIT, " + expected + ", " + timeoutNanos + " ns)", word,
                    FUTEX_WAIT, expected, timeout);
            return errno != ETIMEDOUT;
        }
    }

    @Override
    public int futexWake(MemorySegment word, int count) {
        try (Arena arena = Arena.ofConfined()) {
            return -futex(arena, "futex(FUTEX_WAKE, " + count + ")", word, FUTEX_WAKE, count, MemorySegment.NULL);
        }
    }

    /**
     * One futex call. Returns the errno of an expected failure (EAGAIN, EINTR, ETIMEDOUT) or, on
     * success, minus the call's result, and throws for any other failure.
     */
    private int futex(Arena arena, String request, MemorySegment word, long op, long value, MemorySegment timeout) {
        MemorySegment state = Native.callState(arena);
        long result;
        try {
            result = (long) SYSCALL_FUTEX.invokeExact(state, sysFutex, word, op, value, timeout, 0L, 0L);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new MMapException(request + " could not be called", t);
        }
        if (result != -1) {
            return (int) -result;
        }
        int errno = Native.errno(state);
        if (errno == EAGAIN || errno == EINTR || errno == ETIMEDOUT) {
            return errno;
        }
        throw failure(request + " on 0x" + Long.toHexString(word.address()), errno, NO_HINT, false);
    }

    @Override
    public boolean registerForProcessBarriers() {
        return membarrier(MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED);
    }

    @Override
    public boolean barrierOnRegisteredProcesses() {
        return membarrier(MEMBARRIER_CMD_GLOBAL_EXPEDITED);
    }

    /** Every failure (ENOSYS on old kernels, EINVAL, EPERM under seccomp) means "not available". */
    private boolean membarrier(long command) {
        try (Arena arena = Arena.ofConfined()) {
            return (long) SYSCALL_MEMBARRIER.invokeExact(Native.callState(arena), sysMembarrier, command, 0L, 0L) == 0;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new MMapException("membarrier could not be called", t);
        }
    }

    @Override
    public long processStartTime(long pid) {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        } catch (NoSuchFileException gone) {
            return -1;
        } catch (IOException e) {
            throw new MMapException("cannot read /proc/" + pid + "/stat to see whether process " + pid
                    + " is alive: " + e, e);
        }
        // The command name may hold spaces and parentheses, so the fields start after the last ')'.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        String processState = fields[STAT_STATE_INDEX];
        if (processState.equals("Z") || processState.equals("X")) {
            return -1;
        }
        return Long.parseLong(fields[STAT_START_TIME_INDEX]);
    }

    private String mapHint(int errno, int flags) {
        if (errno == 12 && (flags & PortableBits.MAP_HUGETLB) != 0) {
            return "no free huge pages of the default size are reserved: reserve some with "
                    + "`sysctl vm.nr_hugepages=N` (see /proc/meminfo HugePages_Free), or use "
                    + "madvise(Advice.HUGEPAGE) for transparent huge pages instead";
        }
        return switch (errno) {
            case 12 -> "the process ran out of address space or of mappings: check `ulimit -v` and "
                    + "`sysctl vm.max_map_count`";
            case 13 -> "the file's open mode does not allow this protection (MAP_SHARED with PROT_WRITE needs "
                    + "a file opened for reading and writing)";
            case 19 -> "this file system does not support memory mapping";
            case 11 -> lockHint(errno);
            default -> null;
        };
    }

    private String lockHint(int errno) {
        if (errno != 12 && errno != 1 && errno != 11) {
            return null;
        }
        long limit = lockedMemoryLimit();
        return "locked memory is limited by RLIMIT_MEMLOCK (now "
                + (limit == Long.MAX_VALUE ? "unlimited" : limit + " bytes")
                + "): raise it with `ulimit -l`, a memlock line in /etc/security/limits.conf or LimitMEMLOCK= "
                + "in a systemd unit, or grant the process CAP_IPC_LOCK";
    }

    private static String adviseHint(Advice advice, int errno) {
        if (errno == 22 && (advice == Advice.POPULATE || advice == Advice.HUGEPAGE || advice == Advice.NOHUGEPAGE)) {
            return advice == Advice.POPULATE ? "MADV_POPULATE needs Linux 5.14 or newer"
                    : "this kernel has no transparent huge pages (CONFIG_TRANSPARENT_HUGEPAGE)";
        }
        if (advice == Advice.POPULATE && (errno == 14 || errno == 12)) {
            return "part of the range could not be faulted in: is the file shorter than the mapping, "
                    + "or is memory exhausted?";
        }
        return null;
    }

    private static String rangeRequest(String call, long address, long size) {
        return String.format("%s(0x%x, %d)", call, address, size);
    }

    private static final IntFunction<String> NO_HINT = errno -> null;

    /** A native call that returns -1 on failure, with errno in {@code state}. */
    @FunctionalInterface
    private interface Call {
        long invoke(MemorySegment state) throws Throwable;
    }

    /**
     * Makes a native call. The request text is built only when the call fails: formatting it
     * costs more than the system calls that mprotect, mlock or munmap make.
     */
    private static long call(Supplier<String> request, IntFunction<String> hint, boolean allocation, Call call) {
        return call(request, hint, allocation, 0, call);
    }

    /** Makes a call; returns -1 when it fails with errno {@code tolerated}, and throws otherwise. */
    private static long call(Supplier<String> request, IntFunction<String> hint, boolean allocation, int tolerated,
            Call call) {
        MemorySegment state = Native.callState();
        long result;
        try {
            result = call.invoke(state);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new MMapException(request.get() + " could not be called", t);
        }
        if (result == -1 && Native.errno(state) != tolerated) {
            throw failure(request.get(), Native.errno(state), hint, allocation);
        }
        return result;
    }

    private static MMapException failure(String request, int errno, IntFunction<String> hint, boolean allocation) {
        String message = request + " failed: " + C.errno().describe(errno);
        String advice = hint.apply(errno);
        if (advice != null) {
            message += ". Hint: " + advice;
        }
        return allocation ? new MMapAllocationException(message, errno) : new MMapException(message, errno);
    }
}
