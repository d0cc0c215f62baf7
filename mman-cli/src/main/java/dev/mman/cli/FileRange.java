package dev.mman.cli;

import dev.mman.Mman;
import picocli.CommandLine;

/**
 * A part of every file, as vmtouch's {@code -p}: {@code FROM-TO}, {@code FROM-} (to the end) or
 * {@code -TO} (from the start), in bytes with binary units. FROM is rounded down and TO up to whole
 * pages, since the page cache holds nothing smaller; a file shorter than FROM has no part in it.
 *
 * @param from the first byte
 * @param to the byte after the last, or {@link Long#MAX_VALUE} for the end of each file
 */
record FileRange(long from, long to) {

    long start(long size) {
        long page = Mman.pageSize();
        return Math.min(size, from / page * page);
    }

    long end(long size) {
        long page = Mman.pageSize();
        long rounded = to == Long.MAX_VALUE ? to : (to + page - 1) / page * page;
        return Math.min(size, rounded);
    }

    /** Reads a range; a bad one is a usage error (exit code 2). */
    static final class Converter implements CommandLine.ITypeConverter<FileRange> {
        @Override
        public FileRange convert(String text) {
            int dash = text.indexOf('-');
            if (dash < 0 || text.length() == 1) {
                throw new CommandLine.TypeConversionException("'" + text + "' is not a range; write FROM-TO, FROM- or "
                        + "-TO, for example 4K-1M");
            }
            try {
                long from = dash == 0 ? 0 : Sizes.parse(text.substring(0, dash));
                long to = dash == text.length() - 1 ? Long.MAX_VALUE : Sizes.parse(text.substring(dash + 1));
                if (from < 0 || to <= from) {
                    throw new CommandLine.TypeConversionException("'" + text + "' is empty or backwards; "
                            + "FROM must be below TO");
                }
                return new FileRange(from, to);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("'" + text + "': " + e.getMessage());
            }
        }
    }
}
