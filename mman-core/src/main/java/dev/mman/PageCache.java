package dev.mman;

import dev.mman.internal.Platform;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The operating system's cache of file pages, for the files themselves rather than for one
 * mapping. To see which pages of a file are cached, map it read-only and call
 * {@link MemoryMap#residency()}; to load them, {@link MemoryMap#madvise(Advice)} with
 * {@link Advice#WILLNEED} or {@link Advice#POPULATE}; to skip the holes of a sparse file while
 * doing so, ask {@link #dataRanges(Path)} first.
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
        onFile("evict", file, offset, length, (platform, fd) -> {
            platform.dropCache(fd, offset, length);
            return null;
        });
    }

    /** What a call does with the descriptor of its file. */
    @FunctionalInterface
    private interface FileCall<T> {
        T apply(Platform platform, int fd);
    }

    /** Checks a call's arguments, opens its file read-only, makes the call and closes the file. */
    private static <T> T onFile(String name, Path file, long offset, long length, FileCall<T> action) {
        Objects.requireNonNull(file, "file");
        String call = "PageCache." + name + "(" + file + ", " + offset + ", " + length + ")";
        if (offset < 0 || length < 0) {
            throw Arguments.invalid(call + ": offset and length must be 0 or more");
        }
        FileChecks.path(() -> call, file);
        Platform platform = Platform.current();
        int fd = platform.openFile(file, false);
        try {
            return action.apply(platform, fd);
        } finally {
            platform.closeFile(fd);
        }
    }

    /**
     * A range of a file, in bytes.
     *
     * @param offset where it starts
     * @param length how long it is, more than 0
     */
    public record Range(long offset, long length) {

        /**
         * Where the range ends.
         *
         * @return {@code offset + length}, the first byte after it
         */
        public long end() {
            return offset + length;
        }
    }

    /**
     * The parts of a file that hold data, in order, leaving out its holes (the never-written
     * parts of a sparse file, which read as zeros and take no disk space). Loading only these,
     * as {@code mman touch} does, spares the kernel the work of filling zero pages for the holes.
     * The answer is a snapshot: a file that another process writes or truncates meanwhile may
     * have changed by the time the caller uses it, so a range may then lie past the end.
     *
     * <p>The same on every {@link Backend}: the ranges belong to the file, not to a mapping.
     * Linux and macOS ask {@code lseek(SEEK_DATA)} and {@code lseek(SEEK_HOLE)}; a file system
     * that cannot tell (and any file on Windows, where mman does not ask
     * {@code FSCTL_QUERY_ALLOCATED_RANGES}) reports the whole file as one range of data.
     * File systems track holes in blocks (often 4 KiB), so a range may start or end inside a page.
     *
     * @param file a regular file
     * @return the data ranges; empty for an empty file or one that is all hole
     * @throws MMapInvalidParameterException when the file is missing, a directory or not regular
     * @throws MMapException when it cannot be opened, or native access is denied
     */
    public static List<Range> dataRanges(Path file) {
        return dataRanges(file, 0, 0);
    }

    /**
     * The data ranges of part of a file, clipped to that part: {@link #dataRanges(Path)}'s
     * answer for {@code [offset, offset + length)}.
     *
     * @param file a regular file
     * @param offset where the part starts, 0 or more
     * @param length the length, 0 or more; 0 means "to the end of the file"
     * @return the data ranges inside the part, in order; empty when it holds no data or starts
     *     past the end of the file
     * @throws MMapInvalidParameterException when an argument is bad, or the file is missing, a
     *     directory or not regular
     * @throws MMapException when it cannot be opened, or native access is denied
     */
    public static List<Range> dataRanges(Path file, long offset, long length) {
        return onFile("dataRanges", file, offset, length, (platform, fd) -> {
            long size = platform.openedFileSize(fd);
            long end = length == 0 || length > size - offset ? size : offset + length;
            return dataRanges(platform, fd, offset, end);
        });
    }

    /**
     * Each turn moves {@code at} strictly forward, so the walk ends even when the file changes
     * under it; what the kernel answers is clipped to {@code end}, never trusted as a bound.
     */
    private static List<Range> dataRanges(Platform platform, int fd, long from, long end) {
        List<Range> ranges = new ArrayList<>();
        long at = from;
        while (at < end) {
            long data = platform.seekDataOrHole(fd, at, false);
            if (data < at || data >= end) {
                break;
            }
            long hole = platform.seekDataOrHole(fd, data, true);
            if (hole <= data) {
                break; // -1: truncated below the data since the first call
            }
            long stop = Math.min(hole, end);
            ranges.add(new Range(data, stop - data));
            at = stop;
        }
        return List.copyOf(ranges);
    }
}
