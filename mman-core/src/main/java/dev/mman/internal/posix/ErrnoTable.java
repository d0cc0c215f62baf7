package dev.mman.internal.posix;

import java.util.HashMap;
import java.util.Map;

/**
 * Turns a platform's error number into its symbolic name and its usual text, so that messages
 * read {@code ENOMEM (Cannot allocate memory)} on every platform. The numbers differ between
 * systems, so each brings its own table; the texts belong to the names and are shared. Pure data:
 * no native calls.
 */
public final class ErrnoTable {

    private static final Map<String, String> TEXTS = Map.ofEntries(
            Map.entry("EPERM", "Operation not permitted"),
            Map.entry("ENOENT", "No such file or directory"),
            Map.entry("ESRCH", "No such process"),
            Map.entry("EINTR", "Interrupted system call"),
            Map.entry("EIO", "Input/output error"),
            Map.entry("ENXIO", "No such device or address"),
            Map.entry("EBADF", "Bad file descriptor"),
            Map.entry("EAGAIN", "Resource temporarily unavailable"),
            Map.entry("ENOMEM", "Cannot allocate memory"),
            Map.entry("EACCES", "Permission denied"),
            Map.entry("EFAULT", "Bad address"),
            Map.entry("EBUSY", "Device or resource busy"),
            Map.entry("EEXIST", "File exists"),
            Map.entry("ENODEV", "No such device"),
            Map.entry("ENOTDIR", "Not a directory"),
            Map.entry("EISDIR", "Is a directory"),
            Map.entry("EINVAL", "Invalid argument"),
            Map.entry("ENFILE", "Too many open files in system"),
            Map.entry("EMFILE", "Too many open files"),
            Map.entry("ETXTBSY", "Text file busy"),
            Map.entry("EFBIG", "File too large"),
            Map.entry("ENOSPC", "No space left on device"),
            Map.entry("EROFS", "Read-only file system"),
            Map.entry("ENAMETOOLONG", "File name too long"),
            Map.entry("ENOSYS", "Function not implemented"),
            Map.entry("ELOOP", "Too many levels of symbolic links"),
            Map.entry("EOVERFLOW", "Value too large for defined data type"),
            Map.entry("ENOTSUP", "Operation not supported"),
            Map.entry("EOPNOTSUPP", "Operation not supported"),
            Map.entry("ETIMEDOUT", "Connection timed out"),
            Map.entry("EOWNERDEAD", "Owner died"),
            Map.entry("ENOTRECOVERABLE", "State not recoverable"),
            Map.entry("EHWPOISON", "Memory page has hardware error"));

    /**
     * The numbers that Linux and macOS both kept from Version 7 Unix, 1 to 34 but for 11, which BSD
     * gave to EDEADLK when it moved EAGAIN to 35. A system's table lists only the rest.
     */
    private static final Map<Integer, String> VERSION_7 = Map.ofEntries(
            Map.entry(1, "EPERM"), Map.entry(2, "ENOENT"), Map.entry(3, "ESRCH"), Map.entry(4, "EINTR"),
            Map.entry(5, "EIO"), Map.entry(6, "ENXIO"), Map.entry(9, "EBADF"), Map.entry(12, "ENOMEM"),
            Map.entry(13, "EACCES"), Map.entry(14, "EFAULT"), Map.entry(16, "EBUSY"), Map.entry(17, "EEXIST"),
            Map.entry(19, "ENODEV"), Map.entry(20, "ENOTDIR"), Map.entry(21, "EISDIR"), Map.entry(22, "EINVAL"),
            Map.entry(23, "ENFILE"), Map.entry(24, "EMFILE"), Map.entry(26, "ETXTBSY"), Map.entry(27, "EFBIG"),
            Map.entry(28, "ENOSPC"), Map.entry(30, "EROFS"));

    private final Map<Integer, String> names;

    /**
     * A system's table: the numbers of {@link #VERSION_7} and the system's own.
     *
     * @param own the symbolic names of the system's other error numbers, from its {@code errno.h}
     */
    public ErrnoTable(Map<Integer, String> own) {
        Map<Integer, String> all = new HashMap<>(VERSION_7);
        all.putAll(own);
        this.names = Map.copyOf(all);
    }

    /**
     * The symbolic name of an error number.
     *
     * @param errno the error number
     * @return the name, such as {@code ENOMEM}, or {@code errno 99} when the table has none
     */
    public String name(int errno) {
        return names.getOrDefault(errno, "errno " + errno);
    }

    /**
     * The error number of a symbolic name.
     *
     * @param name the name, such as {@code ENOMEM}
     * @return the number, or -1 when the platform has no such name
     */
    public int number(String name) {
        for (Map.Entry<Integer, String> e : names.entrySet()) {
            if (e.getValue().equals(name)) {
                return e.getKey();
            }
        }
        return -1;
    }

    /**
     * The name and text of an error number, as messages show it.
     *
     * @param errno the error number
     * @return for example {@code ENOMEM (Cannot allocate memory)}
     */
    public String describe(int errno) {
        String name = name(errno);
        String text = TEXTS.get(name);
        return text == null ? name : name + " (" + text + ")";
    }
}
