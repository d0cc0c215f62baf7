package dev.mman.cli;

import dev.mman.MMapException;
import dev.mman.Mman;
import dev.mman.MemoryMap;
import dev.mman.PageCache;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Walks a file in read-only shared mappings of at most one window each, so that a file larger
 * than memory or than the address space a user allows is never mapped whole.
 */
final class FileWindows {

    /** The picocli option that sets the window, shared by every page-cache command. */
    static final class SizeOption {
        private long bytes;

        /** Adds {@code --window} to {@code spec}. */
        void declareOn(CommandSpec spec) {
            spec.addOption(Declare.option(Long.class, () -> bytes, value -> bytes = value, "SIZE",
                    "Map files in windows of this size (a multiple of the page size; default ${DEFAULT-VALUE}), "
                            + "never whole.", "--window")
                    .defaultValue("256M").converters(new WindowSize()).build());
        }

        /**
         * The window size. Every page-cache command needs native calls, and asks for this first, so
         * when native access is denied the command ends here with the library's one-line reason and
         * the flag to add (exit 1) instead of working half-way.
         */
        long bytes() {
            Mman.pageSize();
            return bytes;
        }
    }

    /** Reads a window size; a bad one is a usage error (exit code 2), found before any work starts. */
    static final class WindowSize implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String text) {
            long bytes;
            try {
                bytes = Sizes.parse(text);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
            if (bytes <= 0) {
                throw new CommandLine.TypeConversionException("'" + text + "' is not a positive size");
            }
            long page;
            try {
                page = Mman.pageSize();
            } catch (MMapException noNativeCalls) {
                return bytes; // not a usage error: SizeOption.bytes() reports it when the command starts
            }
            if (bytes % page != 0) {
                throw new CommandLine.TypeConversionException("'" + text + "' is not a positive multiple of the "
                        + "page size (" + page + " bytes)");
            }
            return bytes;
        }
    }

    /** What to do with each window; the mapping is closed afterwards. */
    @FunctionalInterface
    interface Visitor {
        void visit(MemoryMap window, long offset);
    }

    /** What to do with each range of a file. */
    @FunctionalInterface
    interface RangeVisitor {
        void visit(long offset, long length);
    }

    private FileWindows() {}

    /**
     * Visits each window-sized range of {@code [from, to)} in order; a failure of the library
     * becomes a user error naming the file.
     */
    static void ranges(Path file, long from, long to, long window, Progress progress, RangeVisitor visitor) {
        for (long offset = from; offset < to; offset += window) {
            long length = Math.min(window, to - offset);
            try {
                visitor.visit(offset, length);
            } catch (MMapException e) {
                throw new UserError(file + ": " + e.getMessage(), e);
            }
            if (progress != null) {
                progress.advance(length);
            }
        }
    }

    /** Maps each window of {@code [from, to)} read-only and shared, hands it to {@code visitor}, and unmaps it. */
    static void forEach(Path file, long from, long to, long window, Progress progress, Visitor visitor) {
        ranges(file, from, to, window, progress, mapped(file, visitor));
    }

    private static RangeVisitor mapped(Path file, Visitor visitor) {
        return (offset, length) -> {
            try (MemoryMap map = MemoryMap.createFileMapping(file, offset, length, Mman.PROT_READ, Mman.MAP_SHARED)) {
                visitor.visit(map, offset);
            }
        };
    }

    /**
     * The parts of {@code [from, to)} that hold data, widened to whole mapping granules (pages;
     * 64 KiB on Windows) and merged where they meet. Loading or locking only these never faults in
     * the holes of a sparse file, which would cost the kernel a zero page each; vmtouch reads
     * holes too, but through read(), which maps them all to one zero page.
     */
    static List<PageCache.Range> dataParts(Path file, long from, long to) {
        List<PageCache.Range> parts = new ArrayList<>();
        if (to <= from) {
            return parts;
        }
        long granule = Mman.allocationGranularity();
        List<PageCache.Range> data;
        try {
            data = PageCache.dataRanges(file, from, to - from);
        } catch (MMapException e) {
            throw new UserError(file + ": " + e.getMessage(), e);
        }
        for (PageCache.Range range : data) {
            long start = Math.max(from, range.offset() / granule * granule);
            long end = Math.min(to, Math.ceilDiv(range.end(), granule) * granule);
            int last = parts.size() - 1;
            if (last >= 0 && start <= parts.get(last).end()) {
                start = parts.remove(last).offset();
            }
            parts.add(new PageCache.Range(start, end - start));
        }
        return parts;
    }

    /**
     * {@link #forEach} over the data parts of {@code [from, to)} only; the progress counts the holes
     * as done at the end.
     *
     * @return the bytes of the data parts, holes left out
     */
    static long forEachData(Path file, long from, long to, long window, Progress progress, Visitor visitor) {
        return rangesOfData(file, from, to, window, progress, mapped(file, visitor));
    }

    /** {@link #ranges} over the data parts of {@code [from, to)} only, as {@link #forEachData}. */
    static long rangesOfData(Path file, long from, long to, long window, Progress progress, RangeVisitor visitor) {
        long done = 0;
        for (PageCache.Range part : dataParts(file, from, to)) {
            ranges(file, part.offset(), part.end(), window, progress, visitor);
            done += part.length();
        }
        if (progress != null) {
            progress.advance(to - from - done);
        }
        return done;
    }
}
