package dev.mman.cli;

import dev.mman.Advice;
import dev.mman.MMapException;
import dev.mman.MemoryMap;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import picocli.CommandLine.Model.CommandSpec;

/** {@code mman touch}: loads files into the page cache, like {@code vmtouch -t}. */
final class TouchCommand extends BatchCommand {

    @Override
    CommandSpec declare() {
        return declare("touch", "Load files into the page cache (like vmtouch -t), window by window, skipping the "
                + "holes of sparse files.", "The pages resident are counted after the whole file was read, so a file "
                + "larger than the memory shows what stayed.");
    }

    /** What Linux before 5.14 answers to MADV_POPULATE_READ; macOS has no such advice, and mman reads there. */
    private static final int EINVAL = 22;

    /** Keeps the page reads of the fallback from being optimized away. */
    private static volatile byte sink;

    @Override
    Pages process(Targets.Target target, long window) {
        long end = target.offset() + target.length();
        long data;
        try (Progress progress = progress("touch " + target.file(), target.length())) {
            data = FileWindows.forEachData(target.file(), target.offset(), end, window, progress,
                    (map, offset) -> load(map));
        }
        Pages pages = ResidencyCommand.count(target, window);
        line(() -> touched(target, pages, data));
        return new Pages(pages.pages(), pages.resident(), pages.known(), data);
    }

    /** The line for a touched file: its residency now, the holes skipped, and why pages did not stay. */
    private static String touched(Targets.Target target, Pages pages, long data) {
        long dataPages = pages(data);
        String line = "touched " + target.file() + ": " + Sizes.human(target.length()) + ", "
                + (pages.known() ? pages.resident() + "/" + pages.pages() + " pages resident"
                        : "residency unknown (" + Mincore.BLIND + ")");
        if (dataPages < pages.pages()) {
            line += "; " + (pages.pages() - dataPages) + " pages are holes, which hold no data and were skipped";
        }
        if (pages.known() && pages.resident() < dataPages) {
            line += "; " + shortfall(data);
        }
        return line;
    }

    /** Why pages did not stay: the file is larger than the machine's memory, or memory is short now. */
    static String shortfall(long bytes) {
        KernelFiles kernel = KernelFiles.system();
        Long total = kernel.memInfo("MemTotal");
        Long available = kernel.memInfo("MemAvailable");
        if (total != null && bytes > total) {
            return "it cannot fit: " + Sizes.human(bytes) + " is more than the " + Sizes.human(total) + " of RAM";
        }
        return "the rest was dropped again or not read (" + (available == null ? "memory available unknown"
                : Sizes.human(available) + " of memory available") + ")";
    }

    @Override
    String workedPages() {
        return "Touched Pages";
    }

    /**
     * Faults every page in: WILLNEED readahead, then MADV_POPULATE_READ where the kernel has it
     * (5.14+), which reports failures, and otherwise reading one byte per page. Only a
     * kernel without the advice (EINVAL) takes the reading way: after EFAULT (the file was
     * truncated under the mapping) a read would raise SIGBUS, so that failure is the file's error.
     */
    static void load(MemoryMap map) {
        try {
            map.madvise(Advice.POPULATE);
            return;
        } catch (MMapException refused) {
            if (refused.errno() != EINVAL) {
                throw refused;
            }
        }
        MemorySegment bytes = map.asSegment();
        byte seen = 0;
        for (long offset = 0; offset < map.size(); offset += map.pageSize()) {
            seen ^= bytes.get(ValueLayout.JAVA_BYTE, offset);
        }
        sink = seen;
    }
}
