package dev.mman.internal;

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

    private final Map<Integer, String> names;

    /**
     * A system's table.
     *
     * @param names the symbolic name of each error number, from the system's {@code errno.h}
     */
    public ErrnoTable(Map<Integer, String> names) {
        this.names = Map.copyOf(names);
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
