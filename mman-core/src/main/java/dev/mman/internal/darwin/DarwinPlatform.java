package dev.mman.internal.darwin;

import static dev.mman.internal.NativeCalls.NO_HINT;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.mman.Advice;
import dev.mman.MMapAllocationException;
import dev.mman.MMapException;
import dev.mman.internal.Downcall;
import dev.mman.internal.Flags;
import dev.mman.internal.NativeCalls;
import dev.mman.internal.PageToucher;
import dev.mman.internal.PortableBits;
import dev.mman.internal.SharedMemoryObject;
import dev.mman.internal.WithoutLinuxExtras;
import dev.mman.internal.posix.ErrnoTable;
import dev.mman.internal.posix.Native;
import dev.mman.internal.posix.PosixPlatform;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * macOS on arm64 and x86_64, through libSystem. What differs from Linux: pages are read through
 * {@code sysconf} (16 KiB on Apple silicon); there is no {@code MAP_POPULATE}, so {@link #map} and
 * {@code madvise(POPULATE)} fault pages in by reading one byte of each ({@link PageToucher}); there
 * is no {@code mremap}, so {@link #remap} refuses and the caller maps anew; the futex is
 * {@code os_sync_wait_on_address} (macOS 14.4+) or else {@code __ulock_wait}; there is no membarrier,
 * no {@code posix_fadvise}, and no huge pages that a program can ask for.
 *
 * <p>Built only through {@link #load}, which first makes sure that the C library is Darwin's, so that
 * starting this backend elsewhere fails with one clear message.
 */
public final class DarwinPlatform extends PosixPlatform implements WithoutLinuxExtras {

    /** A symbol that every macOS since 10.12 has and no other C library does. */
    static final String MARKER = "__ulock_wait";
    private static final int F_GETPATH = 50;
    private static final int MAXPATHLEN = 1024;

    private final String arch;
    private final Downcall ulockWait;
    private final Downcall ulockWake;
    /** Null before macOS 14.4, which lack the public address-wait calls. */
    private final Downcall osSyncWait;
    private final Downcall osSyncWakeAny;
    private final Downcall osSyncWakeAll;
    private final Downcall procPidInfo;
    private final Downcall fcntlWithPointer;
    private final int etimedout;
    private final int eintr;
    private final int eagain;
    private final int enoent;
    private final int esrch;

    private DarwinPlatform(String arch) {
        super(DarwinConstants.abi(arch));
        this.arch = arch;
        ulockWait = Native.withErrno("__ulock_wait",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
        ulockWake = Native.withErrno("__ulock_wake", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG));
        boolean osSync = Native.has("os_sync_wait_on_address_with_timeout")
                && Native.has("os_sync_wake_by_address_any") && Native.has("os_sync_wake_by_address_all");
        osSyncWait = osSync ? Native.withErrno("os_sync_wait_on_address_with_timeout", FunctionDescriptor.of(
                JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_LONG)) : null;
        FunctionDescriptor wake = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT);
        osSyncWakeAny = osSync ? Native.withErrno("os_sync_wake_by_address_any", wake) : null;
        osSyncWakeAll = osSync ? Native.withErrno("os_sync_wake_by_address_all", wake) : null;
        procPidInfo = Native.withErrno("proc_pidinfo",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS, JAVA_INT));
        fcntlWithPointer = Native.withErrno("fcntl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS),
                Linker.Option.firstVariadicArg(2));
        ErrnoTable errnos = constants.errno();
        etimedout = errnos.number("ETIMEDOUT");
        eintr = errnos.number("EINTR");
        eagain = errnos.number("EAGAIN");
        enoent = errnos.number("ENOENT");
        esrch = errnos.number("ESRCH");
    }

    /**
     * The macOS platform, after checking that this really is macOS.
     *
     * @param arch {@code os.arch}
     * @return the platform
     * @throws MMapException when the C library is not Darwin's
     */
    public static DarwinPlatform load(String arch) {
        if (!Native.has(MARKER)) {
            throw new MMapException(notMacOs(MARKER));
        }
        return new DarwinPlatform(arch);
    }

    /** The one message for a missing Darwin symbol: most likely os.name lies. */
    static String notMacOs(String symbol) {
        return "the macOS backend could not find " + symbol + " in the C library: is this really macOS?";
    }

    @Override
    public String describe() {
        return "macOS " + arch;
    }

    @Override
    public long map(long size, int prot, int flags, int fd, long offset) {
        if ((flags & PortableBits.MAP_HUGETLB) != 0) {
            throw new MMapAllocationException("mmap(" + size + ", " + Flags.mapping(flags) + ") refused: macOS has "
                    + "no explicit huge pages (MAP_HUGETLB); it picks large pages itself where it can", 0);
        }
        return super.map(size, prot, flags, fd, offset);
    }

    @Override
    public String describeFd(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment path = arena.allocate(MAXPATHLEN);
            int ebadf = constants.errno().number("EBADF");
            long result = call(() -> "fcntl(" + fd + ", F_GETPATH)", NO_HINT, false, errno -> errno == ebadf,
                    state -> (int) fcntlWithPointer.handle().invokeExact(state, fd, F_GETPATH, path));
            return result == -1 ? "fd " + fd : "fd " + fd + " (" + path.getString(0) + ")";
        } catch (MMapException e) {
            return "fd " + fd;
        }
    }

    /** macOS has no {@code mremap}: growing a mapping means mapping the file again. */
    @Override
    public long remap(long address, long oldSize, long newSize) {
        throw new UnsupportedOperationException("macOS has no mremap: a mapping of " + oldSize
                + " bytes cannot be resized in place to " + newSize + "; unmap it and map the file again");
    }

    @Override
    public void dropCache(int fd, long offset, long length) {
        throw new MMapException("dropCache(" + describeFd(fd) + ", " + offset + ", " + length + "): macOS has no "
                + "posix_fadvise(POSIX_FADV_DONTNEED) and no other call that drops part of a file from the unified "
                + "buffer cache (fcntl F_NOCACHE only affects later reads); `sudo purge` drops the whole cache");
    }

    /**
     * Nothing to reserve: macOS keeps POSIX shared memory as anonymous virtual memory, not as files
     * of a file system that could fill up, so a write to it never faults for want of space (memory
     * pressure pages it out or compresses it instead). Files would need {@code fcntl(F_PREALLOCATE)},
     * which mman does not make yet.
     */
    @Override
    public boolean reserve(int fd, long size) {
        return false;
    }

    /** macOS offers no call that lists POSIX shared-memory names. */
    @Override
    public List<SharedMemoryObject> sharedMemoryObjects() {
        throw new UnsupportedOperationException("macOS cannot list shared memory: its POSIX shared-memory names "
                + "live in the kernel, with no directory and no call that enumerates them; keep a list of the "
                + "names your programs create and remove stale ones with SharedMemory.unlink(name)");
    }

    @Override
    public boolean futexWait(MemorySegment word, int expected, long timeoutNanos) {
        boolean osSync = osSyncWait != null;
        String request = osSync ? "os_sync_wait_on_address_with_timeout(" + expected + ", " + timeoutNanos + " ns)"
                : "__ulock_wait(UL_COMPARE_AND_WAIT_SHARED, " + expected + ", " + timeoutNanos + " ns)";
        long value = Integer.toUnsignedLong(expected);
        NativeCalls.Outcome waited = calls.outcome(() -> "the macOS address wait", osSync
                ? state -> (int) osSyncWait.handle().invokeExact(state, word, value, DarwinFutex.WORD_SIZE,
                        DarwinFutex.OS_SYNC_WAIT_ON_ADDRESS_SHARED, DarwinFutex.OS_CLOCK_MACH_ABSOLUTE_TIME,
                        timeoutNanos)
                : state -> (int) ulockWait.handle().invokeExact(state, DarwinFutex.UL_COMPARE_AND_WAIT_SHARED, word,
                        value, DarwinFutex.ulockTimeoutMicros(timeoutNanos)));
        if (waited.value() >= 0) {
            return true;
        }
        int errno = waited.error();
        if (errno == etimedout) {
            return false;
        }
        if (errno == eintr || errno == eagain) {
            return true;
        }
        throw calls.failure(request + " on 0x" + Long.toHexString(word.address()), errno, NO_HINT, false);
    }

    @Override
    public int futexWake(MemorySegment word, int count) {
        boolean osSync = osSyncWakeAny != null;
        Downcall wake = DarwinFutex.wakeAll(count) ? osSyncWakeAll : osSyncWakeAny;
        String request = osSync ? "os_sync_wake_by_address_" + (DarwinFutex.wakeAll(count) ? "all" : "any")
                : "__ulock_wake";
        NativeCalls.Outcome woken = calls.outcome(() -> "the macOS address wake", osSync
                ? state -> (int) wake.handle().invokeExact(state, word, DarwinFutex.WORD_SIZE,
                        DarwinFutex.OS_SYNC_WAKE_BY_ADDRESS_SHARED)
                : state -> (int) ulockWake.handle().invokeExact(state, DarwinFutex.ulockWakeOperation(count), word,
                        0L));
        if (woken.value() >= 0) {
            // Neither call says how many it woke; at least one was asleep.
            return 1;
        }
        int errno = woken.error();
        if (errno == enoent || errno == eintr) {
            return 0;
        }
        throw calls.failure(request + " on 0x" + Long.toHexString(word.address()), errno, NO_HINT, false);
    }

    @Override
    public long processStartTime(long pid) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(DarwinProcessInfo.SIZE, 8);
            NativeCalls.Outcome filled = calls.outcome(() -> "proc_pidinfo",
                    state -> (int) procPidInfo.handle().invokeExact(state, (int) pid,
                            DarwinProcessInfo.PROC_PIDTBSDINFO, 0L, info, DarwinProcessInfo.SIZE));
            if (filled.value() == DarwinProcessInfo.SIZE) {
                return DarwinProcessInfo.startTime(info);
            }
            int errno = filled.error();
            if (filled.value() <= 0 && (errno == esrch || errno == 0)) {
                return -1;
            }
            throw calls.failure("proc_pidinfo(" + pid + ", PROC_PIDTBSDINFO) to see whether process " + pid + " is alive",
                    errno, NO_HINT, false);
        }
    }

    @Override
    protected String mapHint(int errno, int flags) {
        return DarwinHints.map(errno);
    }

    @Override
    protected String lockHint(int errno, long size) {
        return DarwinHints.lock(errno, lockedMemoryLimit());
    }

    @Override
    protected String adviseHint(Advice advice, int errno) {
        return null;
    }
}
