package dev.mman.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

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
     * The answer for a file that exists but cannot be opened as a file (a socket), told by its kind.
     *
     * @param path the file
     * @return its kind, without a descriptor; {@link #MISSING} when it vanished meanwhile
     */
    public static OpenedFile unopened(Path path) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
            return new OpenedFile(-1, new FileStatus(FileStatus.Kind.of(path, attributes), 0, false, false));
        } catch (IOException gone) {
            return MISSING;
        }
    }

    /**
     * Whether the path names no file at all.
     *
     * @return true when nothing exists there
     */
    public boolean missing() {
        return status == null;
    }
}
