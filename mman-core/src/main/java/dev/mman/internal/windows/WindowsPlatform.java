package dev.mman.internal.windows;

import static dev.mman.internal.NativeCalls.rangeRequest;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.mman.Advice;
import dev.mman.MMapAllocationException;
import dev.mman.MMapException;
import dev.mman.internal.Flags;
import dev.mman.internal.PageToucher;
import dev.mman.internal.PortableBits;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Windows on amd64 and aarch64, through kernel32, translated as {@link WindowsConstants} and
 * docs/ARCHITECTURE.md ("Where each OS lives") describe: the memory calls, on top of the files, shared memory and processes of
 * {@link WindowsHandles}. Mappings are views of file-mapping objects (anonymous memory comes from
 * {@code VirtualAlloc}), recorded in a {@link WindowsViews} table because Windows releases, flushes
 * and protects a view as a whole; the futex is {@link PollingWait}, because {@code WaitOnAddress}
 * does not cross processes.
 */
public final class WindowsPlatform extends WindowsHandles {

    /** What {@code GetCurrentProcess()} always returns: a pseudo handle that needs no closing. */
    private static final long CURRENT_PROCESS = -1;
    private static final int MEM_COMMIT_RESERVE = 0x1000 | 0x2000;
    private static final int MEM_RELEASE = 0x8000;
    private static final int DUPLICATE_SAME_ACCESS = 2;
    /** {@code SYSTEM_INFO}: dwPageSize at 4, dwAllocationGranularity at 40, 48 bytes in all. */
    private static final long SYSTEM_INFO_SIZE = 48;
    /** {@code PSAPI_WORKING_SET_EX_INFORMATION}: the address, then attributes whose bit 0 is "valid". */
    private static final long WORKING_SET_ENTRY = 16;

    private final String arch;
    private final long pageSize;
    private final long granularity;
    private final WindowsViews views = new WindowsViews();

    private final MethodHandle duplicateHandle;
    private final MethodHandle virtualAlloc;
    private final MethodHandle virtualFree;
    private final MethodHandle virtualProtect;
    private final MethodHandle virtualLock;
    private final MethodHandle virtualUnlock;
    private final MethodHandle flushViewOfFile;
    private final MethodHandle flushFileBuffers;
    private final MethodHandle queryWorkingSetEx;
    /** Null before Windows 8. */
    private final MethodHandle prefetchVirtualMemory;
    private final MethodHandle getWorkingSetSize;

    private WindowsPlatform(String arch, Kernel32 kernel) {
        super(kernel);
        this.arch = arch;
        FunctionDescriptor handleToBool = FunctionDescriptor.of(JAVA_INT, JAVA_LONG);
        FunctionDescriptor rangeToBool = FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG);
        duplicateHandle = kernel.function("DuplicateHandle", FunctionDescriptor.of(JAVA_INT,
                JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT));
        virtualAlloc = kernel.function("VirtualAlloc",
                FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT));
        virtualFree = kernel.function("VirtualFree", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));
        virtualProtect = kernel.function("VirtualProtect",
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT, ADDRESS));
        virtualLock = kernel.function("VirtualLock", rangeToBool);
        virtualUnlock = kernel.function("VirtualUnlock", rangeToBool);
        flushViewOfFile = kernel.function("FlushViewOfFile", rangeToBool);
        flushFileBuffers = kernel.function("FlushFileBuffers", handleToBool);
        queryWorkingSetEx = kernel.function("K32QueryWorkingSetEx",
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, JAVA_INT));
        prefetchVirtualMemory = kernel.optionalFunction("PrefetchVirtualMemory",
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_INT));
        getWorkingSetSize = kernel.function("GetProcessWorkingSetSize",
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS));
        MethodHandle getSystemInfo = kernel.function("GetSystemInfo", FunctionDescriptor.ofVoid(ADDRESS));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(SYSTEM_INFO_SIZE, 8);
            kernel.invoke("GetSystemInfo", state -> {
                getSystemInfo.invokeExact(state, info);
                return 0;
            });
            pageSize = Integer.toUnsignedLong(info.get(JAVA_INT, 4));
            granularity = Integer.toUnsignedLong(info.get(JAVA_INT, 40));
        }
    }

    /**
     * The Windows platform, after checking that kernel32 is there.
     *
     * @param arch {@code os.arch}
     * @return the platform
     * @throws MMapException when this is not Windows
     */
    public static WindowsPlatform load(String arch) {
        return new WindowsPlatform(arch, Kernel32.load());
    }

    @Override
    public String describe() {
        return "Windows " + arch;
    }

    @Override
    public long pageSize() {
        return pageSize;
    }

    @Override
    public long allocationGranularity() {
        return granularity;
    }

    @Override
    public long map(long size, int prot, int flags, int fd, long offset) {
        String request = String.format("map(%d, %s, %s, %s, %d)", size, Flags.protection(prot), Flags.mapping(flags),
                describeFd(fd), offset);
        if ((flags & PortableBits.MAP_HUGETLB) != 0) {
            throw new MMapAllocationException(request + " refused: mman does not map Windows large pages (they need "
                    + "SeLockMemoryPrivilege and VirtualAlloc with MEM_LARGE_PAGES)", 0);
        }
        String misaligned = WindowsConstants.offsetProblem(offset, granularity);
        if (misaligned != null) {
            throw new MMapException(request + ": " + misaligned);
        }
        long address;
        long fileHandle = 0;
        if (fd == -1) {
            int protection = WindowsConstants.pageProtection(prot, flags & ~PortableBits.MAP_PRIVATE);
            address = kernel.call("VirtualAlloc(NULL, " + size + ", MEM_COMMIT|MEM_RESERVE)", 0, 0,
                    WindowsConstants::mapHint, true,
                    state -> (long) virtualAlloc.invokeExact(state, 0L, size, MEM_COMMIT_RESERVE, protection));
            views.add(new WindowsViews.View(address, size, flags, 0, true));
        } else {
            WindowsDescriptors.Entry entry = entry(fd);
            if (entry == null) {
                throw new MMapException(request + ": " + describeFd(fd) + " is not open (on Windows, descriptors come "
                        + "from mman's own openFile and shared-memory calls)");
            }
            int maximum;
            long section;
            boolean ownSection = entry instanceof WindowsDescriptors.File;
            if (entry instanceof WindowsDescriptors.File file) {
                maximum = WindowsConstants.maximumProtection(prot, flags, file.writable());
                int objectProtection = WindowsConstants.fileMappingProtection(maximum, flags);
                section = kernel.call("CreateFileMappingW(" + file.path() + ")", 0, 0, WindowsConstants::mapHint, true,
                        state -> (long) createFileMapping.invokeExact(state, file.handle(), 0L, objectProtection, 0, 0,
                                MemorySegment.NULL));
            } else {
                WindowsDescriptors.Section named = (WindowsDescriptors.Section) entry;
                if (named.handle() == 0) {
                    throw new MMapException(request + ": the shared-memory object has no size yet");
                }
                maximum = WindowsConstants.maximumProtection(prot, flags, true);
                section = named.handle();
            }
            int access = WindowsConstants.desiredAccess(maximum, flags);
            try {
                if (entry instanceof WindowsDescriptors.File file) {
                    fileHandle = duplicate(file.handle());
                }
                address = kernel.call(request + ": MapViewOfFile", 0, 0, WindowsConstants::mapHint, true,
                        state -> (long) mapViewOfFile.invokeExact(state, section, access,
                                WindowsConstants.high(offset), WindowsConstants.low(offset), size));
            } catch (MMapException refused) {
                close(fileHandle);
                throw refused;
            } finally {
                if (ownSection) {
                    close(section); // the view holds the mapping object open by itself
                }
            }
            WindowsViews.View view = new WindowsViews.View(address, size, flags, fileHandle, false);
            views.add(view);
            if (WindowsConstants.pageProtection(prot, flags) != WindowsConstants.pageProtection(maximum, flags)) {
                try {
                    protect(address, size, prot);
                } catch (MMapException refused) {
                    unmap(address, size);
                    throw refused;
                }
            }
        }
        if ((flags & PortableBits.MAP_POPULATE) != 0 && (prot & PortableBits.PROT_READ) != 0) {
            PageToucher.touch(address, size, pageSize);
        }
        return address;
    }

    /** A second handle of a file, so a mapping can flush it after the caller closed its own. */
    private long duplicate(long handle) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment target = arena.allocate(JAVA_LONG);
            kernel.call("DuplicateHandle", 0, 0, code -> null, false, state -> (int) duplicateHandle.invokeExact(
                    state, CURRENT_PROCESS, handle, CURRENT_PROCESS, target, 0, 0, DUPLICATE_SAME_ACCESS));
            return target.get(JAVA_LONG, 0);
        }
    }

    private WindowsViews.View view(String request, long address, long size) {
        WindowsViews.View view = views.containing(address, size);
        if (view == null) {
            throw new MMapException(request + ": no single mapping of this process holds that range (Windows "
                    + "handles each view as a whole)");
        }
        return view;
    }

    @Override
    public void unmap(long address, long size) {
        String request = rangeRequest("unmap", address, size);
        WindowsViews.View view = view(request, address, size);
        if (view.address() != address || view.size() != size) {
            throw new MMapException(request + ": Windows releases whole views only; this one is "
                    + rangeRequest("", view.address(), view.size()));
        }
        views.remove(address);
        if (view.anonymous()) {
            kernel.call(request + ": VirtualFree", 0, 0, code -> null, false,
                    state -> (int) virtualFree.invokeExact(state, address, 0L, MEM_RELEASE));
        } else {
            kernel.call(request + ": UnmapViewOfFile", 0, 0, code -> null, false,
                    state -> (int) unmapViewOfFile.invokeExact(state, address));
            close(view.fileHandle());
        }
    }

    @Override
    public void protect(long address, long size, int prot) {
        String request = rangeRequest("VirtualProtect", address, size) + " to " + Flags.protection(prot);
        int protection = WindowsConstants.pageProtection(prot, view(request, address, size).protectionFlags());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment old = arena.allocate(JAVA_INT);
            kernel.call(request, 0, 0, WindowsConstants::mapHint, false,
                    state -> (int) virtualProtect.invokeExact(state, address, size, protection, old));
        }
    }

    /** {@code MS_SYNC} is durable: the view's pages go to the file, then the file's buffers to disk. */
    @Override
    public void sync(long address, long size, int flags) {
        String request = rangeRequest("FlushViewOfFile", address, size);
        WindowsViews.View view = view(request, address, size);
        if (view.anonymous()) {
            return; // no file behind it, as msync of anonymous memory does nothing either
        }
        kernel.call(request, 0, 0, code -> null, false,
                state -> (int) flushViewOfFile.invokeExact(state, address, size));
        if (WindowsConstants.flushFileBuffers(flags) && view.fileHandle() != 0) {
            kernel.call("FlushFileBuffers", 0, 0, code -> null, false,
                    state -> (int) flushFileBuffers.invokeExact(state, view.fileHandle()));
        }
    }

    @Override
    public void lock(long address, long size) {
        kernel.call(rangeRequest("VirtualLock", address, size), 0, 0, WindowsConstants::lockHint, false,
                state -> (int) virtualLock.invokeExact(state, address, size));
    }

    /** Unlocking pages that are not locked is no error, as with munlock. */
    @Override
    public void unlock(long address, long size) {
        kernel.call(rangeRequest("VirtualUnlock", address, size), 0, WindowsConstants.ERROR_NOT_LOCKED,
                code -> null, false, state -> (int) virtualUnlock.invokeExact(state, address, size));
    }

    /**
     * NORMAL, RANDOM and SEQUENTIAL are accepted and ignored: Windows takes no per-range access hints.
     * WILLNEED prefetches, POPULATE reads every page, DONTNEED trims a shared file view from the
     * working set (its data stays in the file); the rest cannot be honoured and throw.
     */
    @Override
    public void advise(long address, long size, Advice advice, boolean writable) {
        String request = rangeRequest("madvise", address, size) + " with " + advice;
        switch (advice) {
            case NORMAL, RANDOM, SEQUENTIAL -> { }
            case POPULATE -> PageToucher.touch(address, size, pageSize);
            case WILLNEED -> prefetch(request, address, size);
            case DONTNEED -> {
                WindowsViews.View view = view(request, address, size);
                if (view.anonymous() || (view.flags() & PortableBits.MAP_PRIVATE) != 0) {
                    throw new MMapException(request + ": Windows cannot drop private pages so that they read back "
                            + "as the file's (or as zeros), as Linux does");
                }
                // VirtualUnlock of pages that are not locked removes them from the working set.
                unlock(address, size);
            }
            case HUGEPAGE, NOHUGEPAGE -> throw new MMapException(request + ": Windows has no transparent huge pages");
        }
    }

    private void prefetch(String request, long address, long size) {
        if (prefetchVirtualMemory == null) {
            return; // advice, not a promise: without the call there is nothing to do
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment range = arena.allocate(16, 8);
            range.set(JAVA_LONG, 0, address);
            range.set(JAVA_LONG, 8, size);
            kernel.call(request + ": PrefetchVirtualMemory", 0, 0, code -> null, false,
                    state -> (int) prefetchVirtualMemory.invokeExact(state, CURRENT_PROCESS, 1L, range, 0));
        }
    }

    /** Residency is membership of the working set, the closest Windows has to mincore. */
    @Override
    public byte[] residency(long address, long size) {
        int pages = Math.toIntExact((size + pageSize - 1) / pageSize);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment entries = arena.allocate(WORKING_SET_ENTRY * pages, 8);
            for (int page = 0; page < pages; page++) {
                entries.set(JAVA_LONG, page * WORKING_SET_ENTRY, address + page * pageSize);
            }
            int bytes = Math.toIntExact(entries.byteSize());
            kernel.call(rangeRequest("QueryWorkingSetEx", address, size), 0, 0, code -> null, false,
                    state -> (int) queryWorkingSetEx.invokeExact(state, CURRENT_PROCESS, entries, bytes));
            byte[] vector = new byte[pages];
            for (int page = 0; page < pages; page++) {
                vector[page] = (byte) (entries.get(JAVA_LONG, page * WORKING_SET_ENTRY + 8) & 1);
            }
            return vector;
        }
    }

    /** The minimum working-set size: Windows lets a process lock about that much. */
    @Override
    public long lockedMemoryLimit() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment minimum = arena.allocate(JAVA_LONG);
            MemorySegment maximum = arena.allocate(JAVA_LONG);
            kernel.call("GetProcessWorkingSetSize", 0, 0, code -> null, false,
                    state -> (int) getWorkingSetSize.invokeExact(state, CURRENT_PROCESS, minimum, maximum));
            return minimum.get(JAVA_LONG, 0);
        }
    }

    @Override
    public long remap(long address, long oldSize, long newSize) {
        throw new UnsupportedOperationException("Windows cannot resize a view (there is no mremap): a mapping of "
                + oldSize + " bytes cannot become " + newSize + " bytes in place; unmap it and map the file again");
    }

    @Override
    public void dropCache(int fd, long offset, long length) {
        throw new MMapException("dropCache(" + describeFd(fd) + ", " + offset + ", " + length + "): Windows has no call "
                + "that drops part of one file from the system cache (there is no posix_fadvise)");
    }

    @Override
    public boolean futexWait(MemorySegment word, int expected, long timeoutNanos) {
        return PollingWait.await(word, expected, timeoutNanos);
    }

    /** Waiters poll the word, so there is nobody to wake: the store the caller made is the wake. */
    @Override
    public int futexWake(MemorySegment word, int count) {
        return 0;
    }
}
