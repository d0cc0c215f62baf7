package dev.mman.internal.windows;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.mman.MMapException;
import dev.mman.internal.FileStatus;
import dev.mman.internal.NativeCalls;
import dev.mman.internal.Platform;
import dev.mman.internal.SharedMemoryObject;
import dev.mman.internal.WithoutLinuxExtras;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The handle half of the Windows backend, which {@link WindowsPlatform} extends with the memory
 * calls: files opened with {@code CreateFileW} and named shared memory as named pagefile-backed
 * sections in the session namespace ({@code Local\}), both handed out as entries of a
 * {@link WindowsDescriptors} table, and the process handles that tell whether a pid still lives.
 * A base class rather than a field, so that its methods are the {@link Platform} methods of the
 * same name and need no forwarding; the memory half reaches the table and the section calls
 * through it.
 */
abstract class WindowsHandles implements WithoutLinuxExtras {

    private static final long INVALID_HANDLE_VALUE = -1;
    private static final int GENERIC_READ = 0x80000000;
    private static final int GENERIC_WRITE = 0x40000000;
    private static final int SHARE_ALL = 0x1 | 0x2 | 0x4;
    private static final int OPEN_EXISTING = 3;
    private static final int FILE_ATTRIBUTE_NORMAL = 0x80;
    private static final int FILE_ATTRIBUTE_DIRECTORY = 0x10;
    private static final int FILE_END_OF_FILE_INFO = 6;
    /** {@code MEMORY_BASIC_INFORMATION} on 64-bit: RegionSize at 24, 48 bytes in all. */
    private static final long MEMORY_INFO_SIZE = 48;
    private static final int PROCESS_QUERY_LIMITED_INFORMATION = 0x1000;
    private static final int SYNCHRONIZE = 0x100000;
    private static final int WAIT_TIMEOUT = 0x102;

    final Kernel32 kernel;
    private final WindowsDescriptors descriptors = new WindowsDescriptors();
    private final MethodHandle createFile;
    private final MethodHandle closeHandle;
    /** {@code CreateFileMappingW(file, attributes, protect, maxHigh, maxLow, name)}, for views too. */
    final MethodHandle createFileMapping;
    private final MethodHandle openFileMapping;
    /** {@code MapViewOfFile(section, access, offsetHigh, offsetLow, bytes)}, for views too. */
    final MethodHandle mapViewOfFile;
    /** {@code UnmapViewOfFile(address)}, for views too. */
    final MethodHandle unmapViewOfFile;
    private final MethodHandle virtualQuery;
    private final MethodHandle getFileInformation;
    private final MethodHandle setFileInformation;
    private final MethodHandle openProcess;
    private final MethodHandle waitForSingleObject;
    private final MethodHandle getProcessTimes;

    WindowsHandles(Kernel32 kernel) {
        this.kernel = kernel;
        createFile = kernel.function("CreateFileW", FunctionDescriptor.of(JAVA_LONG,
                ADDRESS, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_LONG));
        closeHandle = kernel.function("CloseHandle", FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
        createFileMapping = kernel.function("CreateFileMappingW", FunctionDescriptor.of(JAVA_LONG,
                JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
        openFileMapping = kernel.function("OpenFileMappingW",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_INT, ADDRESS));
        mapViewOfFile = kernel.function("MapViewOfFile", FunctionDescriptor.of(JAVA_LONG,
                JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
        unmapViewOfFile = kernel.function("UnmapViewOfFile", FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
        virtualQuery = kernel.function("VirtualQuery",
                FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG));
        getFileInformation = kernel.function("GetFileInformationByHandle",
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS));
        setFileInformation = kernel.function("SetFileInformationByHandle",
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
        openProcess = kernel.function("OpenProcess", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT));
        waitForSingleObject = kernel.function("WaitForSingleObject",
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT));
        getProcessTimes = kernel.function("GetProcessTimes",
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    }

    /**
     * What a descriptor stands for.
     *
     * @param fd the descriptor
     * @return the entry, or null when it is not open
     */
    WindowsDescriptors.Entry entry(int fd) {
        return descriptors.get(fd);
    }

    /**
     * Closes a handle; 0 (no handle) is allowed and does nothing.
     *
     * @param handle the handle
     */
    void close(long handle) {
        if (handle != 0) {
            kernel.call("CloseHandle", 0, 0, code -> null, false, state -> (int) closeHandle.invokeExact(state, handle));
        }
    }

    /** The handle is not inheritable, which is what close-on-exec means here. */
    @Override
    public int openFile(Path path, boolean writable) {
        int access = GENERIC_READ | (writable ? GENERIC_WRITE : 0);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment name = wide(arena, path.toString());
            long handle = kernel.call("CreateFileW(" + path + ", " + (writable ? "GENERIC_READ|GENERIC_WRITE"
                            : "GENERIC_READ") + ")", INVALID_HANDLE_VALUE, 0,
                    code -> WindowsConstants.openHint(code, writable), false,
                    state -> (long) createFile.invokeExact(state, name, access, SHARE_ALL, 0L, OPEN_EXISTING,
                            FILE_ATTRIBUTE_NORMAL, 0L));
            return descriptors.add(new WindowsDescriptors.File(handle, path, writable));
        }
    }

    static MemorySegment wide(Arena arena, String text) {
        return arena.allocateFrom(text, StandardCharsets.UTF_16LE);
    }

    @Override
    public void closeFile(int fd) {
        WindowsDescriptors.Entry entry = descriptors.remove(fd);
        switch (entry) {
            case null -> throw Kernel32.failure("CloseHandle(" + describeFd(fd) + ")", 6, null, false);
            case WindowsDescriptors.File file -> close(file.handle());
            case WindowsDescriptors.Section section -> close(section.handle());
        }
    }

    @Override
    public FileStatus fileStatus(int fd) {
        return switch (descriptors.get(fd)) {
            case null -> null;
            case WindowsDescriptors.Section section -> new FileStatus(FileStatus.Kind.REGULAR,
                    section.size() >= 0 ? section.size() : sectionSize(fd, section), true, true);
            case WindowsDescriptors.File file -> fileStatus(file);
        };
    }

    /** {@code BY_HANDLE_FILE_INFORMATION}: attributes at 0, size high at 32 and low at 36, 52 bytes. */
    private FileStatus fileStatus(WindowsDescriptors.File file) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(52, 8);
            NativeCalls.Outcome outcome = kernel.invoke("GetFileInformationByHandle",
                    state -> (int) getFileInformation.invokeExact(state, file.handle(), info));
            if (outcome.value() == 0) {
                return new FileStatus(FileStatus.Kind.OTHER, 0, true, file.writable()); // a pipe or device
            }
            boolean directory = (info.get(JAVA_INT, 0) & FILE_ATTRIBUTE_DIRECTORY) != 0;
            long size = Integer.toUnsignedLong(info.get(JAVA_INT, 32)) << 32 | Integer.toUnsignedLong(info.get(JAVA_INT, 36));
            return new FileStatus(directory ? FileStatus.Kind.DIRECTORY : FileStatus.Kind.REGULAR,
                    directory ? 0 : size, true, file.writable());
        }
    }

    /**
     * The size of a section another process made: Windows keeps no size to ask for, so map the whole
     * section briefly and measure the view. The answer is rounded up to whole pages.
     */
    private long sectionSize(int fd, WindowsDescriptors.Section section) {
        long view = kernel.call("MapViewOfFile(" + section.name() + ")", 0, 0, WindowsConstants::mapHint, true,
                state -> (long) mapViewOfFile.invokeExact(state, section.handle(), WindowsConstants.FILE_MAP_READ,
                        0, 0, 0L));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(MEMORY_INFO_SIZE, 8);
            kernel.call("VirtualQuery", 0, 0, code -> null, false,
                    state -> (long) virtualQuery.invokeExact(state, view, info, MEMORY_INFO_SIZE));
            long size = info.get(JAVA_LONG, 24);
            descriptors.replace(fd, new WindowsDescriptors.Section(section.name(), section.handle(), size));
            return size;
        } finally {
            kernel.call("UnmapViewOfFile", 0, 0, code -> null, false,
                    state -> (int) unmapViewOfFile.invokeExact(state, view));
        }
    }

    @Override
    public String describeFd(int fd) {
        return switch (descriptors.get(fd)) {
            case null -> "fd " + fd;
            case WindowsDescriptors.File file -> "fd " + fd + " (" + file.path() + ")";
            case WindowsDescriptors.Section section -> "fd " + fd + " (shared memory " + section.name() + ")";
        };
    }

    /**
     * Reserves the name only: a section needs its size when it is made, and {@link #truncate} is
     * where SharedMemory gives it. The permission bits have no Windows meaning and are ignored; the
     * object gets the creator's default security.
     */
    @Override
    public int sharedMemoryCreate(String name, int mode) {
        String objectName = objectName(name);
        if (sectionExists(objectName)) {
            return -1;
        }
        return descriptors.add(new WindowsDescriptors.Section(objectName, 0, 0));
    }

    @Override
    public int sharedMemoryOpen(String name) {
        String objectName = objectName(name);
        long handle = openSection(objectName, WindowsConstants.FILE_MAP_READ | WindowsConstants.FILE_MAP_WRITE);
        return handle == 0 ? -1 : descriptors.add(new WindowsDescriptors.Section(objectName, handle, -1));
    }

    /**
     * Windows has nothing to unlink: a section lives while any handle or view of it does, and its
     * name goes with it. This only reports whether the name is in use.
     */
    @Override
    public boolean sharedMemoryUnlink(String name) {
        return sectionExists(objectName(name));
    }

    private static String objectName(String name) {
        try {
            return WindowsConstants.sharedMemoryName(name);
        } catch (IllegalArgumentException e) {
            throw new MMapException(e.getMessage());
        }
    }

    private boolean sectionExists(String objectName) {
        long handle = openSection(objectName, WindowsConstants.FILE_MAP_READ);
        close(handle);
        return handle != 0;
    }

    /** OpenFileMappingW, or 0 when no object has the name. */
    private long openSection(String objectName, int access) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment name = wide(arena, objectName);
            return kernel.call("OpenFileMappingW(" + objectName + ")", 0, WindowsConstants.ERROR_FILE_NOT_FOUND,
                    code -> null, false, state -> (long) openFileMapping.invokeExact(state, access, 0, name));
        }
    }

    @Override
    public void truncate(int fd, long size) {
        switch (descriptors.get(fd)) {
            case null -> throw new MMapException("truncate(" + describeFd(fd) + ", " + size + "): not open");
            case WindowsDescriptors.File file -> setEndOfFile(file, size);
            case WindowsDescriptors.Section section when section.handle() == 0 -> createSection(fd, section, size);
            case WindowsDescriptors.Section section -> throw new MMapException("truncate(" + describeFd(fd) + ", "
                    + size + "): Windows cannot change the size of a shared-memory object once it exists");
        }
    }

    private void setEndOfFile(WindowsDescriptors.File file, long size) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment end = arena.allocate(JAVA_LONG);
            end.set(JAVA_LONG, 0, size);
            kernel.call("SetFileInformationByHandle(" + file.path() + ", FileEndOfFileInfo, " + size + ")", 0, 0,
                    code -> code == WindowsConstants.ERROR_DISK_FULL ? "the file system is full" : null, false,
                    state -> (int) setFileInformation.invokeExact(state, file.handle(), FILE_END_OF_FILE_INFO, end, 8));
        }
    }

    private void createSection(int fd, WindowsDescriptors.Section section, long size) {
        String request = "CreateFileMappingW(INVALID_HANDLE_VALUE, PAGE_READWRITE, " + size + ", " + section.name() + ")";
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment name = wide(arena, section.name());
            NativeCalls.Outcome outcome = kernel.invoke(request, state -> (long) createFileMapping.invokeExact(state,
                    INVALID_HANDLE_VALUE, 0L, WindowsConstants.PAGE_READWRITE, WindowsConstants.high(size),
                    WindowsConstants.low(size), name));
            if (outcome.value() == 0) {
                throw Kernel32.failure(request, outcome.error(), WindowsConstants.mapHint(outcome.error()), true);
            }
            if (outcome.error() == WindowsConstants.ERROR_ALREADY_EXISTS) {
                close(outcome.value());
                throw new MMapException(request + ": another process created " + section.name() + " at the same moment");
            }
            descriptors.replace(fd, new WindowsDescriptors.Section(section.name(), outcome.value(), size));
        }
    }

    /**
     * A section is committed when {@link #truncate} creates it (a pagefile-backed section without
     * {@code SEC_RESERVE} charges its whole size to the commit limit then, and creation fails with
     * {@code ERROR_COMMITMENT_LIMIT} when it does not fit), so its pages can never fault for want of
     * room. Files are not reserved here.
     */
    @Override
    public boolean reserve(int fd, long size) {
        return descriptors.get(fd) instanceof WindowsDescriptors.Section section && section.handle() != 0;
    }

    /** Listing the object namespace takes NtQueryDirectoryObject, a native API mman does not call. */
    @Override
    public List<SharedMemoryObject> sharedMemoryObjects() {
        throw new UnsupportedOperationException("Windows cannot list shared memory through its documented API: "
                + "named sections live in the kernel's object namespace (Local\\...), which only the native "
                + "NtQueryDirectoryObject enumerates (Sysinternals WinObj shows it); a section also vanishes by "
                + "itself once its last handle and view close, so no stale names are left to clean up");
    }

    @Override
    public int sharedMemoryNameMax() {
        return WindowsConstants.SHARED_MEMORY_NAME_MAX;
    }

    /** The creation time as a FILETIME (100 ns units since 1601), or -1 once the process has exited. */
    @Override
    public long processStartTime(long pid) {
        long handle = kernel.call("OpenProcess(" + pid + ")", 0, WindowsConstants.ERROR_INVALID_PARAMETER, code -> null,
                false, state -> (long) openProcess.invokeExact(state, PROCESS_QUERY_LIMITED_INFORMATION | SYNCHRONIZE,
                        0, (int) pid));
        if (handle == 0) {
            return -1; // no process has that id
        }
        try (Arena arena = Arena.ofConfined()) {
            NativeCalls.Outcome running = kernel.invoke("WaitForSingleObject",
                    state -> (int) waitForSingleObject.invokeExact(state, handle, 0));
            if (running.value() != WAIT_TIMEOUT) {
                return -1; // signalled: it has exited, though a handle keeps its id taken
            }
            MemorySegment times = arena.allocate(JAVA_LONG, 4);
            kernel.call("GetProcessTimes(" + pid + ")", 0, 0, code -> null, false,
                    state -> (int) getProcessTimes.invokeExact(state, handle, times, times.asSlice(8),
                            times.asSlice(16), times.asSlice(24)));
            return times.get(JAVA_LONG, 0);
        } finally {
            close(handle);
        }
    }
}
