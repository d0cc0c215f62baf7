package dev.mman.internal.linux;

import static dev.mman.internal.NativeCalls.NO_HINT;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.mman.Advice;
import dev.mman.MMapException;
import dev.mman.internal.Downcall;
import dev.mman.internal.FileStatus;
import dev.mman.internal.NativeCalls;
import dev.mman.internal.PortableBits;
import dev.mman.internal.ProcessIdentity;
import dev.mman.internal.SharedMemoryObject;
import dev.mman.internal.posix.Native;
import dev.mman.internal.posix.PosixPlatform;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Linux on x86_64 and aarch64, through glibc or musl: what {@link PosixPlatform} leaves out
 * (futex, membarrier, mremap, posix_fadvise, /proc and /sys).
 */
public final class LinuxPlatform extends PosixPlatform {

    /** {@code syscall(SYS_futex, uaddr, op, val, timeout, uaddr2, val3)}; never critical: it blocks. */
    private static final Downcall SYSCALL_FUTEX = Native.withErrno("syscall", FunctionDescriptor.of(
            JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_LONG),
            Linker.Option.firstVariadicArg(1));
    /** {@code syscall(SYS_membarrier, cmd, flags, cpu_id)}. */
    private static final Downcall SYSCALL_MEMBARRIER = Native.withErrno("syscall", FunctionDescriptor.of(
            JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG), Linker.Option.firstVariadicArg(1));
    private static final Downcall MREMAP = Native.withErrno("mremap",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT),
            Linker.Option.firstVariadicArg(4));
    private static final Downcall FDATASYNC = Native.withErrno("fdatasync",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    /** Like posix_fadvise it returns the error number and leaves errno alone. */
    private static final Downcall POSIX_FALLOCATE = Native.plain("posix_fallocate",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG));
    /** Returns the error number itself instead of setting errno, so it needs no captured state. */
    private static final Downcall POSIX_FADVISE = Native.plain("posix_fadvise",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));

    private static final int MREMAP_MAYMOVE = 1;
    private static final int POSIX_FADV_DONTNEED = 4;
    /** Where glibc and musl keep POSIX shared memory. */
    static final Path DEV_SHM = Path.of("/dev/shm");
    private static final Path HUGE_PAGES = Path.of("/sys/kernel/mm/hugepages");
    private static final Path THP_ENABLED = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
    private static final Path MAX_MAP_COUNT = Path.of("/proc/sys/vm/max_map_count");
    private static final Path SELF_MAPS = Path.of("/proc/self/maps");
    /** The kernel's {@code DEFAULT_MAX_MAP_COUNT}: 65536 less the 5 it keeps for core dumps. */
    private static final long DEFAULT_MAX_MAP_COUNT = 65530;
    private static final long FUTEX_WAIT = 0;
    private static final long FUTEX_WAKE = 1;
    private static final long MEMBARRIER_CMD_GLOBAL_EXPEDITED = 1 << 1;
    private static final long MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED = 1 << 2;
    private static final int EINTR = 4;
    private static final int EAGAIN = 11;
    private static final int ENOMEM = 12;
    private static final int EINVAL = 22;
    private static final int EFAULT = 14;
    /** Bit 14 of the capability sets: {@code CAP_IPC_LOCK}, which lifts {@code RLIMIT_MEMLOCK}. */
    private static final long CAP_IPC_LOCK = 1L << 14;
    private static final int EFBIG = 27;
    private static final int EOPNOTSUPP = 95;
    /** How much one posix_fallocate reserves once a signal has interrupted a larger one. */
    static final long RESERVE_CHUNK = 16L << 20;
    private static final int ETIMEDOUT = 110;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final String arch;
    private final long sysFutex;
    private final long sysMembarrier;

    private LinuxPlatform(String arch) {
        super(LinuxConstants.abi(arch), AuxVector.pageSize());
        this.arch = arch;
        this.sysFutex = arch.equals("aarch64") ? 98 : 202;
        this.sysMembarrier = arch.equals("aarch64") ? 283 : 324;
    }

    /**
     * The Linux platform. Unlike macOS and Windows it needs no check that it runs where it was
     * written for: a C library that lacks one of its calls already fails to link them.
     *
     * @param arch {@code os.arch}
     * @return the platform
     */
    public static LinuxPlatform load(String arch) {
        return new LinuxPlatform(arch);
    }

    @Override
    public String describe() {
        return "Linux " + arch;
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
    protected FileStatus.Kind sharedMemoryKind(String name) {
        Path file = DEV_SHM.resolve(name.substring(1));
        try {
            return FileStatus.Kind.of(file, Files.readAttributes(file, BasicFileAttributes.class));
        } catch (IOException gone) {
            return null;
        }
    }

    @Override
    public boolean remapsInPlace() {
        return true;
    }

    @Override
    public long remap(long address, long oldSize, long newSize) {
        // EFAULT: the kernel grows one VMA, and madvise or mlock of part of the range split it.
        long moved = call(() -> String.format("mremap(0x%x, %d, %d, MREMAP_MAYMOVE)", address, oldSize, newSize),
                errno -> errno == ENOMEM ? "the process ran out of address space or of mappings, or the kernel's "
                        + "commit limit refused to grow a private writable mapping (vm.overcommit_memory)" : null, true,
                errno -> errno == EFAULT,
                state -> (long) MREMAP.handle().invokeExact(state, address, oldSize, newSize, MREMAP_MAYMOVE));
        return moved == -1 ? REMAP_SPLIT : moved;
    }

    @Override
    public void dropCache(int fd, long offset, long length) {
        String request = "posix_fadvise(" + fd + ", " + offset + ", " + length + ", POSIX_FADV_DONTNEED)";
        call(() -> "fdatasync(" + describeFd(fd) + ")", errno -> errno == EINVAL ? "it is not a regular file with a "
                + "page cache: files of /proc, /sys and other pseudo file systems are made on each read, and "
                + "have no cached pages to evict" : null, false,
                state -> (int) FDATASYNC.handle().invokeExact(state, fd));
        // posix_fadvise returns the error number instead of setting errno, so the helper only makes the call.
        long error = call(() -> request, NO_HINT, false, NativeCalls.ANY,
                state -> (int) POSIX_FADVISE.handle().invokeExact(fd, offset, length, POSIX_FADV_DONTNEED));
        if (error != 0) {
            throw calls.failure(request, (int) error, NO_HINT, false);
        }
    }

    /**
     * First a check that the space can fit at all ({@code fstatvfs} against what is still missing
     * from {@code st_blocks}), so that a reservation that cannot succeed fails without allocating:
     * tmpfs would otherwise fill up before giving the pages back, and any other process that wrote
     * to a fresh page of /dev/shm meanwhile would get a SIGBUS. Then one {@code posix_fallocate},
     * which tmpfs gives all or nothing. A file system without fallocate ({@code EOPNOTSUPP}, or
     * {@code EINVAL} as older kernels say) cannot reserve; glibc writes one byte per block itself on
     * some of those, musl does not, so the answer is then false.
     */
    @Override
    public boolean reserve(int fd, long size) {
        Space.Room room = Space.room(calls, fd);
        if (Space.cannotFit(room, Space.allocated(calls, fd), size)) {
            throw calls.failure("reserving " + size + " bytes for " + describeFd(fd) + " (checked with fstatvfs "
                    + "before posix_fallocate)", Space.ENOSPC, e -> Space.hint(fd, size, 0, e, room), true);
        }
        return reserve(fd, size, size);
    }

    /**
     * posix_fallocate in pieces of at most {@code chunk} bytes. tmpfs undoes a whole call that a
     * signal interrupts ({@code EINTR}), so a large one might never finish under a profiler's timer
     * signals: after the first interruption the rest goes in pieces of {@link #RESERVE_CHUNK}, each
     * kept once made.
     */
    boolean reserve(int fd, long size, long chunk) {
        long piece = chunk;
        for (long done = 0; done < size; ) {
            long offset = done;
            long length = Math.min(piece, size - done);
            int error = (int) call(() -> "posix_fallocate", NO_HINT, false, NativeCalls.ANY,
                    state -> (int) POSIX_FALLOCATE.handle().invokeExact(fd, offset, length));
            if (error == EINTR) {
                piece = Math.min(piece, RESERVE_CHUNK);
                continue;
            }
            if (error == EOPNOTSUPP || error == EINVAL) {
                return false;
            }
            if (error != 0) {
                throw calls.failure("posix_fallocate(" + describeFd(fd) + ", " + offset + ", " + length
                        + ") reserving " + size + " bytes", error,
                        e -> Space.hint(fd, size, offset, e, Space.room(calls, fd)),
                        error == Space.ENOSPC || error == ENOMEM || error == EFBIG);
            }
            done += length;
        }
        return true;
    }

    @Override
    public List<SharedMemoryObject> sharedMemoryObjects() {
        return new SharedMemoryScan(DEV_SHM, SharedMemoryScan.PROC).scan();
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

    @Override
    public long mapCountLimit() {
        // Not Files.readString: it reads a file of size 0 one byte first, and a sysctl answers a read
        // that does not start at offset 0 with end-of-file, so it would see "6" of "65530".
        try (InputStream in = Files.newInputStream(MAX_MAP_COUNT)) {
            return Long.parseLong(new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip());
        } catch (IOException | NumberFormatException unreadable) {
            // Without /proc/sys (a restricted container) the kernel's default applies.
            return DEFAULT_MAX_MAP_COUNT;
        }
    }

    @Override
    public long processMapCount() {
        // One line per mapping; counting newlines in blocks avoids decoding a file that can be megabytes.
        long lines = 0;
        byte[] block = new byte[64 << 10];
        try (InputStream maps = Files.newInputStream(SELF_MAPS)) {
            for (int n; (n = maps.read(block)) > 0; ) {
                for (int i = 0; i < n; i++) {
                    if (block[i] == '\n') {
                        lines++;
                    }
                }
            }
        } catch (IOException unreadable) {
            throw new MMapException("cannot read " + SELF_MAPS + " to count this process's mappings ("
                    + unreadable.getMessage() + "); mount /proc, or run without a mapping limit", unreadable);
        }
        return lines;
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
        MemorySegment timeout = Native.scratch(2 * JAVA_LONG.byteSize()); // a struct timespec
        timeout.setAtIndex(JAVA_LONG, 0, timeoutNanos / NANOS_PER_SECOND);
        timeout.setAtIndex(JAVA_LONG, 1, timeoutNanos % NANOS_PER_SECOND);
        int errno = futex(() -> "futex(FUTEX_WAIT, " + expected + ", " + timeoutNanos + " ns)", word,
                FUTEX_WAIT, expected, timeout);
        return errno != ETIMEDOUT;
    }

    @Override
    public int futexWake(MemorySegment word, int count) {
        return -futex(() -> "futex(FUTEX_WAKE, " + count + ")", word, FUTEX_WAKE, count, MemorySegment.NULL);
    }

    /**
     * One futex call, allocation-free: the thread's own call state and scratch room. Returns the
     * errno of an expected failure (EAGAIN, EINTR, ETIMEDOUT) or, on success, minus the call's
     * result, and throws for any other failure.
     */
    private int futex(Supplier<String> request, MemorySegment word, long op, long value, MemorySegment timeout) {
        long result = call(request, NO_HINT, false, NativeCalls.ANY,
                state -> (long) SYSCALL_FUTEX.handle().invokeExact(state, sysFutex, word, op, value, timeout, 0L, 0L));
        if (result != -1) {
            return (int) -result;
        }
        int errno = calls.lastCode();
        if (errno == EAGAIN || errno == EINTR || errno == ETIMEDOUT) {
            return errno;
        }
        throw calls.failure(request.get() + " on 0x" + Long.toHexString(word.address()), errno, NO_HINT, false);
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
        return call(() -> "membarrier", NO_HINT, false, NativeCalls.ANY,
                state -> (long) SYSCALL_MEMBARRIER.handle().invokeExact(state, sysMembarrier, command, 0L, 0L)) == 0;
    }

    /** Read from {@code /proc/<pid>/stat}, a plain file, as {@link ProcessIdentity} reads it without native access. */
    @Override
    public long processStartTime(long pid) {
        return ProcessIdentity.startTime(pid);
    }

    @Override
    protected String mapHint(int errno, int flags) {
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
            case 11 -> lockHint(errno, 0);
            default -> null;
        };
    }

    @Override
    protected String lockHint(int errno, long size) {
        if (errno != ENOMEM && errno != 1 && errno != 11) {
            return null;
        }
        long limit = lockedMemoryLimit();
        String notTheLimit = errno == ENOMEM ? limitIsNotTheCause(limit, size) : null;
        if (notTheLimit != null) {
            // As root, or within the limit, ENOMEM means that faulting the pages in failed.
            return "the limit on locked memory is not the cause (" + notTheLimit + "): the pages could not be "
                    + "faulted in. A full tmpfs or /dev/shm (see df), a file shorter than the mapping, or exhausted "
                    + "RAM gives this; free space or memory, or lock less";
        }
        return "locked memory is limited by RLIMIT_MEMLOCK (now "
                + (limit == Long.MAX_VALUE ? "unlimited" : limit + " bytes")
                + "): raise it with `ulimit -l`, a memlock line in /etc/security/limits.conf or LimitMEMLOCK= "
                + "in a systemd unit, or grant the process CAP_IPC_LOCK";
    }

    /** Why RLIMIT_MEMLOCK cannot have refused locking {@code size} more bytes, or null when it may have. */
    private static String limitIsNotTheCause(long limit, long size) {
        try {
            Map<String, String> status = new HashMap<>();
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    status.put(line.substring(0, colon), line.substring(colon + 1).trim());
                }
            }
            if ((Long.parseUnsignedLong(status.getOrDefault("CapEff", "0"), 16) & CAP_IPC_LOCK) != 0) {
                return "this process has CAP_IPC_LOCK, which lifts RLIMIT_MEMLOCK";
            }
            if (limit == Long.MAX_VALUE) {
                return "RLIMIT_MEMLOCK is unlimited";
            }
            long locked = Long.parseLong(status.getOrDefault("VmLck", "0 kB").replaceAll("[^0-9]", "")) * 1024;
            return locked <= limit - size ? "RLIMIT_MEMLOCK is " + limit + " bytes and only " + locked
                    + " were locked before" : null;
        } catch (IOException | RuntimeException unreadable) {
            return null;
        }
    }

    @Override
    protected String adviseHint(Advice advice, int errno) {
        if (errno == 22 && (advice == Advice.POPULATE || advice == Advice.HUGEPAGE || advice == Advice.NOHUGEPAGE)) {
            return advice == Advice.POPULATE ? "MADV_POPULATE needs Linux 5.14 or newer"
                    : "this kernel has no transparent huge pages (CONFIG_TRANSPARENT_HUGEPAGE)";
        }
        if (errno == EINVAL && advice == Advice.DONTNEED) {
            return "MADV_DONTNEED cannot drop pages that are locked (mlock): munlock() the range first; the kernel "
                    + "also refuses it on huge-TLB pages (MAP_HUGETLB)";
        }
        if (advice == Advice.POPULATE && (errno == 14 || errno == 12)) {
            return "part of the range could not be faulted in: is the file shorter than the mapping, "
                    + "or is memory exhausted?";
        }
        return null;
    }
}
