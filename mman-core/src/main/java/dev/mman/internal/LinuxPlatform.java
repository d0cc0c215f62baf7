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
    private static final int F_GETFL = 3;
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

    private final String arch;
    private final long statModeOffset;
    private final long pageSize;

    LinuxPlatform(String arch) {
        this.arch = arch;
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
                        Flags.mapping(flags), fd, offset), this::mapHint, true,
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
            MemorySegment state = Native.callState(arena);
            int accessMode = (int) FCNTL.invokeExact(state, fd, F_GETFL);
            if (accessMode == -1) {
                if (Native.errno(state) == EBADF) {
                    return null;
                }
                throw failure("fcntl(" + fd + ", F_GETFL)", Native.errno(state), NO_HINT, false);
            }
            MemorySegment stat = arena.allocate(STAT_BUFFER, 16);
            call(() -> "fstat(" + fd + ")", NO_HINT, false, s -> (int) FSTAT.invokeExact(s, fd, stat));
            int type = stat.get(ValueLayout.JAVA_INT, statModeOffset) & S_IFMT;
            FileStatus.Kind kind = type == S_IFREG ? FileStatus.Kind.REGULAR
                    : type == S_IFDIR ? FileStatus.Kind.DIRECTORY : FileStatus.Kind.OTHER;
            long size = kind == FileStatus.Kind.REGULAR ? stat.get(ValueLayout.JAVA_LONG, STAT_SIZE_OFFSET) : 0;
            int access = accessMode & O_ACCMODE;
            return new FileStatus(kind, size, access != 1, access != O_RDONLY);
        } catch (MMapException e) {
            throw e;
        } catch (Throwable t) {
            throw new MMapException("fstat(" + fd + ") failed", t);
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

    private String mapHint(int errno) {
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
        MemorySegment state = Native.callState();
        long result;
        try {
            result = call.invoke(state);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new MMapException(request.get() + " could not be called", t);
        }
        if (result == -1) {
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
