package dev.mman.internal.darwin;

/** What to add to a failed call's message on macOS, by Darwin errno. Pure. */
final class DarwinHints {

    private static final int EPERM = 1;
    private static final int ENOMEM = 12;
    private static final int EACCES = 13;
    private static final int ENODEV = 19;
    private static final int EAGAIN = 35;

    private DarwinHints() {}

    /**
     * For {@code mmap}.
     *
     * @param errno a Darwin errno
     * @return the hint, or null
     */
    static String map(int errno) {
        return switch (errno) {
            case ENOMEM -> "the process ran out of address space: check `ulimit -v`";
            case EACCES -> "the file's open mode does not allow this protection (MAP_SHARED with PROT_WRITE needs "
                    + "a file opened for reading and writing)";
            case ENODEV -> "this file system does not support memory mapping";
            default -> null;
        };
    }

    /**
     * For {@code mlock}.
     *
     * @param errno a Darwin errno
     * @param limit the {@code RLIMIT_MEMLOCK} soft limit, {@link Long#MAX_VALUE} when unlimited
     * @return the hint, or null
     */
    static String lock(int errno, long limit) {
        if (errno != ENOMEM && errno != EPERM && errno != EAGAIN) {
            return null;
        }
        return "locked (wired) memory is limited by RLIMIT_MEMLOCK (now "
                + (limit == Long.MAX_VALUE ? "unlimited" : limit + " bytes")
                + ") and by the kernel's wired-memory limits (sysctl vm.user_wire_limit, vm.global_user_wire_limit): "
                + "raise the first with `ulimit -l`";
    }
}
