package dev.mman.internal;

/**
 * What {@link Platform#openForMapping} found at a path: an open descriptor and its status, or the
 * reason there is none.
 *
 * @param fd the descriptor, which the caller closes; -1 when nothing was opened
 * @param status what the descriptor (or the path, when nothing was opened) is; null when the
 *     path names no file
 */
public record OpenedFile(int fd, FileStatus status) {

    /** The answer for a path that names nothing. */
    public static final OpenedFile MISSING = new OpenedFile(-1, null);

    /** The answer for a directory that could not be opened as asked (for writing). */
    public static final OpenedFile DIRECTORY = new OpenedFile(-1, new FileStatus(FileStatus.Kind.DIRECTORY, 0, false, false));

    /**
     * Whether the path names no file at all.
     *
     * @return true when nothing exists there
     */
    public boolean missing() {
        return status == null;
    }
}
