package dev.mman.internal;

import java.util.Map;

/**
 * Turns a platform's error number into its symbolic name and its usual text, so that messages
 * read {@code ENOMEM (Cannot allocate memory)} on every platform. Pure data: no native calls.
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

    /** Linux, from asm-generic/errno-base.h and errno.h (x86_64 and aarch64 agree). */
    public static final ErrnoTable LINUX = new ErrnoTable(Map.ofEntries(
            Map.entry(1, "EPERM"), Map.entry(2, "ENOENT"), Map.entry(3, "ESRCH"), Map.entry(4, "EINTR"),
            Map.entry(5, "EIO"), Map.entry(6, "ENXIO"), Map.entry(9, "EBADF"), Map.entry(11, "EAGAIN"), Map.entry(12, "ENOMEM"),
            Map.entry(13, "EACCES"), Map.entry(14, "EFAULT"), Map.entry(16, "EBUSY"), Map.entry(17, "EEXIST"),
            Map.entry(19, "ENODEV"), Map.entry(20, "ENOTDIR"), Map.entry(21, "EISDIR"), Map.entry(22, "EINVAL"),
            Map.entry(23, "ENFILE"), Map.entry(24, "EMFILE"), Map.entry(26, "ETXTBSY"), Map.entry(27, "EFBIG"),
            Map.entry(28, "ENOSPC"), Map.entry(30, "EROFS"), Map.entry(36, "ENAMETOOLONG"),
            Map.entry(38, "ENOSYS"), Map.entry(40, "ELOOP"), Map.entry(75, "EOVERFLOW"),
            Map.entry(95, "EOPNOTSUPP"), Map.entry(110, "ETIMEDOUT"), Map.entry(130, "EOWNERDEAD"),
            Map.entry(131, "ENOTRECOVERABLE"), Map.entry(133, "EHWPOISON")));

    /** macOS, from sys/errno.h of the macOS SDK. */
    public static final ErrnoTable DARWIN = new ErrnoTable(Map.ofEntries(
            Map.entry(1, "EPERM"), Map.entry(2, "ENOENT"), Map.entry(3, "ESRCH"), Map.entry(4, "EINTR"),
            Map.entry(5, "EIO"), Map.entry(6, "ENXIO"), Map.entry(9, "EBADF"), Map.entry(12, "ENOMEM"), Map.entry(13, "EACCES"),
            Map.entry(14, "EFAULT"), Map.entry(16, "EBUSY"), Map.entry(17, "EEXIST"), Map.entry(19, "ENODEV"),
            Map.entry(20, "ENOTDIR"), Map.entry(21, "EISDIR"), Map.entry(22, "EINVAL"), Map.entry(23, "ENFILE"),
            Map.entry(24, "EMFILE"), Map.entry(26, "ETXTBSY"), Map.entry(27, "EFBIG"), Map.entry(28, "ENOSPC"),
            Map.entry(30, "EROFS"), Map.entry(35, "EAGAIN"), Map.entry(45, "ENOTSUP"), Map.entry(60, "ETIMEDOUT"),
            Map.entry(62, "ELOOP"), Map.entry(63, "ENAMETOOLONG"), Map.entry(78, "ENOSYS"),
            Map.entry(84, "EOVERFLOW"), Map.entry(102, "EOPNOTSUPP"), Map.entry(105, "EOWNERDEAD"),
            Map.entry(104, "ENOTRECOVERABLE")));

    private final Map<Integer, String> names;

    private ErrnoTable(Map<Integer, String> names) {
        this.names = names;
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
