package dev.mman;

import dev.mman.internal.Platform;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The operating system's cache of file pages, for the files themselves rather than for one
 * mapping. To see which pages of a file are cached, map it read-only and call
 * {@link MemoryMap#residency()}; to load them, {@link MemoryMap#madvise(Advice)} with
 * {@link Advice#WILLNEED} or {@link Advice#POPULATE}.
 */
public final class PageCache {

    private PageCache() {}

    /**
     * Drops every cached page of a file, like {@code vmtouch -e}. Dirty pages are written back
     * first, because the kernel only drops clean ones. Pages that another process has mapped or
     * locked may stay.
     *
     * @param file a regular file
     * @throws MMapInvalidParameterException when the file is missing, a directory or not regular
     * @throws MMapException when it cannot be opened or the kernel refuses, such as for a file of
     *     {@code /proc} or {@code /sys}, which has no page cache
     */
    public static void evict(Path file) {
        evict(file, 0, 0);
    }

    /**
     * Drops the cached pages of part of a file. Pages only partly inside the range are kept.
     *
     * @param file a regular file
     * @param offset where the range starts, 0 or more
     * @param length the length, 0 or more; 0 means "to the end of the file"
     * @throws MMapInvalidParameterException when an argument is bad, or the file is missing, a
     *     directory or not regular
     * @throws MMapException when it cannot be opened or the kernel refuses
     */
    public static void evict(Path file, long offset, long length) {
        Objects.requireNonNull(file, "file");
        String call = "PageCache.evict(" + file + ", " + offset + ", " + length + ")";
        if (offset < 0 || length < 0) {
            throw Arguments.invalid(call + ": offset and length must be 0 or more");
        }
        FileChecks.path(() -> call, file);
        Platform platform = Platform.current();
        int fd = platform.openFile(file, false);
        try {
            platform.dropCache(fd, offset, length);
        } finally {
            platform.closeFile(fd);
        }
    }
}
