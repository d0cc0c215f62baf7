package dev.mman.internal.windows;

import dev.mman.internal.PortableBits;
import java.util.Map;

/**
 * Translates mman's portable constants into the Win32 values that {@code CreateFileMapping},
 * {@code MapViewOfFile}, {@code VirtualProtect} and {@code FlushViewOfFile} take. It follows
 * mman-win32 and mends its defects: {@code MAP_PRIVATE} is copy-on-write, {@code PROT_NONE} is
 * {@code PAGE_NOACCESS}, and {@code MS_SYNC} also flushes the file's buffers. Pure functions.
 */
final class WindowsConstants {

    static final int PAGE_NOACCESS = 0x01;
    static final int PAGE_READONLY = 0x02;
    static final int PAGE_READWRITE = 0x04;
    static final int PAGE_WRITECOPY = 0x08;
    static final int PAGE_EXECUTE = 0x10;
    static final int PAGE_EXECUTE_READ = 0x20;
    static final int PAGE_EXECUTE_READWRITE = 0x40;
    static final int PAGE_EXECUTE_WRITECOPY = 0x80;

    static final int FILE_MAP_COPY = 0x01;
    static final int FILE_MAP_WRITE = 0x02;
    static final int FILE_MAP_READ = 0x04;
    static final int FILE_MAP_EXECUTE = 0x20;

    static final int ERROR_FILE_NOT_FOUND = 2;
    static final int ERROR_ACCESS_DENIED = 5;
    static final int ERROR_NOT_ENOUGH_MEMORY = 8;
    static final int ERROR_SHARING_VIOLATION = 32;
    static final int ERROR_INVALID_PARAMETER = 87;
    static final int ERROR_DISK_FULL = 112;
    static final int ERROR_NOT_LOCKED = 158;
    static final int ERROR_ALREADY_EXISTS = 183;
    static final int ERROR_COMMITMENT_LIMIT = 1455;

    /** The namespace of named shared memory: the caller's session, which needs no privilege. */
    static final String SHARED_MEMORY_PREFIX = "Local\\";
    /**
     * The longest shared-memory name, without the leading slash: kernel object names are limited to
     * {@code MAX_PATH} (260) characters, and the prefix and the terminating NUL take 7 of them.
     */
    static final int SHARED_MEMORY_NAME_MAX = 260 - 7;

    /** The granularity of view offsets on every Windows release so far. */
    static final long ALLOCATION_GRANULARITY = 64 * 1024;

    private static final Map<Integer, String> ERROR_NAMES = Map.ofEntries(
            Map.entry(1, "ERROR_INVALID_FUNCTION"),
            Map.entry(2, "ERROR_FILE_NOT_FOUND"),
            Map.entry(3, "ERROR_PATH_NOT_FOUND"),
            Map.entry(5, "ERROR_ACCESS_DENIED"),
            Map.entry(6, "ERROR_INVALID_HANDLE"),
            Map.entry(8, "ERROR_NOT_ENOUGH_MEMORY"),
            Map.entry(32, "ERROR_SHARING_VIOLATION"),
            Map.entry(33, "ERROR_LOCK_VIOLATION"),
            Map.entry(50, "ERROR_NOT_SUPPORTED"),
            Map.entry(87, "ERROR_INVALID_PARAMETER"),
            Map.entry(112, "ERROR_DISK_FULL"),
            Map.entry(158, "ERROR_NOT_LOCKED"),
            Map.entry(183, "ERROR_ALREADY_EXISTS"),
            Map.entry(487, "ERROR_INVALID_ADDRESS"),
            Map.entry(1006, "ERROR_FILE_INVALID"),
            Map.entry(1132, "ERROR_MAPPED_ALIGNMENT"),
            Map.entry(1314, "ERROR_PRIVILEGE_NOT_HELD"),
            Map.entry(1453, "ERROR_WORKING_SET_QUOTA"),
            Map.entry(1455, "ERROR_COMMITMENT_LIMIT"),
            Map.entry(1816, "ERROR_NOT_ENOUGH_QUOTA"));

    private WindowsConstants() {}

    /**
     * The page protection for {@code VirtualProtect} and for the view.
     *
     * @param prot portable protection bits
     * @param flags portable mapping flags ({@code MAP_PRIVATE} makes writes copy-on-write)
     * @return a {@code PAGE_*} value
     */
    static int pageProtection(int prot, int flags) {
        boolean read = (prot & PortableBits.PROT_READ) != 0;
        boolean write = (prot & PortableBits.PROT_WRITE) != 0;
        boolean exec = (prot & PortableBits.PROT_EXEC) != 0;
        boolean copyOnWrite = (flags & PortableBits.MAP_PRIVATE) != 0;
        if (write) {
            if (exec) {
                return copyOnWrite ? PAGE_EXECUTE_WRITECOPY : PAGE_EXECUTE_READWRITE;
            }
            return copyOnWrite ? PAGE_WRITECOPY : PAGE_READWRITE;
        }
        if (exec) {
            return read ? PAGE_EXECUTE_READ : PAGE_EXECUTE;
        }
        return read ? PAGE_READONLY : PAGE_NOACCESS;
    }

    /**
     * The protection of the file-mapping object given to {@code CreateFileMapping}. A mapping
     * object cannot be {@code PAGE_NOACCESS}, so {@code PROT_NONE} creates a read-only object and
     * the view is then made inaccessible with {@code VirtualProtect}.
     *
     * @param prot portable protection bits
     * @param flags portable mapping flags
     * @return a {@code PAGE_*} value accepted by {@code CreateFileMapping}
     */
    static int fileMappingProtection(int prot, int flags) {
        int page = pageProtection(prot, flags);
        return switch (page) {
            case PAGE_NOACCESS -> PAGE_READONLY;
            case PAGE_EXECUTE -> PAGE_EXECUTE_READ;
            default -> page;
        };
    }

    /**
     * The desired access for {@code MapViewOfFile}.
     *
     * @param prot portable protection bits
     * @param flags portable mapping flags
     * @return {@code FILE_MAP_*} bits
     */
    static int desiredAccess(int prot, int flags) {
        int access;
        if ((prot & PortableBits.PROT_WRITE) != 0) {
            access = (flags & PortableBits.MAP_PRIVATE) != 0 ? FILE_MAP_COPY : FILE_MAP_WRITE;
        } else {
            access = FILE_MAP_READ;
        }
        if ((prot & PortableBits.PROT_EXEC) != 0) {
            access |= FILE_MAP_EXECUTE;
        }
        return access;
    }

    /**
     * Whether an msync must also call {@code FlushFileBuffers}: {@code FlushViewOfFile} alone
     * only starts the write-back, so {@code MS_SYNC} needs both to be durable.
     *
     * @param msyncFlags portable {@code MS_*} bits
     * @return true for {@code MS_SYNC}
     */
    static boolean flushFileBuffers(int msyncFlags) {
        return (msyncFlags & PortableBits.MS_SYNC) != 0;
    }

    /**
     * The high 32 bits of a 64-bit offset or size, as the Win32 calls take them.
     *
     * @param value the offset or size
     * @return the high DWORD
     */
    static int high(long value) {
        return (int) (value >>> 32);
    }

    /**
     * The low 32 bits of a 64-bit offset or size.
     *
     * @param value the offset or size
     * @return the low DWORD
     */
    static int low(long value) {
        return (int) value;
    }

    /**
     * The symbolic name of a {@code GetLastError()} code.
     *
     * @param code the code
     * @return for example {@code ERROR_WORKING_SET_QUOTA}, or {@code error 99}
     */
    static String errorName(int code) {
        return ERROR_NAMES.getOrDefault(code, "error " + code);
    }

    /**
     * What to do about a failed {@code VirtualLock}, or null when there is no advice.
     *
     * @param code the {@code GetLastError()} code
     * @return the hint
     */
    static String lockHint(int code) {
        return switch (code) {
            case 1453, 1816 -> "the process working set is too small: raise it with SetProcessWorkingSetSize "
                    + "before locking";
            case 1314 -> "the account lacks SeLockMemoryPrivilege (Lock pages in memory)";
            default -> null;
        };
    }

    /**
     * The protection a view is created with, which bounds every later {@code VirtualProtect} on it,
     * like the open mode of a descriptor bounds {@code mprotect} on POSIX. A view is always readable;
     * a private view is copy-on-write, so it can always be made writable; a shared view can be made
     * writable only when its file handle was opened for writing. Execute is granted only when asked
     * for, since it needs {@code GENERIC_EXECUTE} on the handle.
     *
     * @param prot the portable protection asked for now
     * @param flags portable mapping flags
     * @param handleWritable whether the file (or section) handle allows writing
     * @return portable protection bits for {@link #fileMappingProtection} and {@link #desiredAccess}
     */
    static int maximumProtection(int prot, int flags, boolean handleWritable) {
        boolean writable = (flags & PortableBits.MAP_PRIVATE) != 0 || handleWritable;
        return prot | PortableBits.PROT_READ | (writable ? PortableBits.PROT_WRITE : 0);
    }

    /**
     * The kernel object name of a POSIX-style shared-memory name.
     *
     * @param name a validated name with its leading slash, such as {@code /ring}
     * @return for example {@code Local\ring}
     * @throws IllegalArgumentException when the name holds a backslash, which Windows reserves for
     *     namespaces
     */
    static String sharedMemoryName(String name) {
        String bare = name.startsWith("/") ? name.substring(1) : name;
        if (bare.indexOf('\\') >= 0) {
            throw new IllegalArgumentException("shared-memory name " + name + " contains a backslash, which Windows "
                    + "reserves for object namespaces");
        }
        return SHARED_MEMORY_PREFIX + bare;
    }

    /**
     * Why a view offset cannot be used, or null when it can: {@code MapViewOfFile} takes only
     * multiples of the allocation granularity.
     *
     * @param offset the file offset
     * @param granularity {@code dwAllocationGranularity}, 64 KiB
     * @return the explanation, or null
     */
    static String offsetProblem(long offset, long granularity) {
        if (offset % granularity == 0) {
            return null;
        }
        long below = offset - offset % granularity;
        return "offset " + offset + " is not a multiple of Windows' allocation granularity (" + granularity
                + " bytes, not the " + "page size): MapViewOfFile would fail with ERROR_MAPPED_ALIGNMENT; map from "
                + below + " and skip " + (offset - below) + " bytes";
    }

    /**
     * A {@code GetLastError()} code as failure messages show it.
     *
     * @param code the code
     * @return for example {@code ERROR_WORKING_SET_QUOTA (1453)}
     */
    static String describeError(int code) {
        return errorName(code) + " (" + code + ")";
    }

    /**
     * What to do about a failed {@code CreateFileMapping} or {@code MapViewOfFile}, or null.
     *
     * @param code {@code GetLastError()}
     * @return the hint
     */
    static String mapHint(int code) {
        return switch (code) {
            case ERROR_ACCESS_DENIED -> "the file handle's access does not allow this protection (MAP_SHARED with "
                    + "PROT_WRITE needs a file opened for writing; PROT_EXEC needs execute access)";
            case ERROR_NOT_ENOUGH_MEMORY, ERROR_COMMITMENT_LIMIT -> "the system commit limit or the address space is "
                    + "exhausted: enlarge the paging file or map less";
            case 1132 -> "the offset must be a multiple of the 64 KiB allocation granularity";
            case 1006 -> "the file is empty or was truncated";
            default -> null;
        };
    }

    /**
     * What to do about a failed {@code CreateFileW}, or null.
     *
     * @param code {@code GetLastError()}
     * @param writable whether the file was to be opened for writing
     * @return the hint
     */
    static String openHint(int code, boolean writable) {
        return switch (code) {
            case ERROR_ACCESS_DENIED -> "the file's permissions (or its read-only attribute) do not allow "
                    + (writable ? "writing" : "reading") + ", or the path is a directory";
            case ERROR_SHARING_VIOLATION -> "another process holds the file open without sharing it";
            default -> null;
        };
    }
}
