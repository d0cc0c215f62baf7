package dev.mman.cli;

import dev.mman.Advice;
import dev.mman.MMapException;
import dev.mman.MemoryMap;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import picocli.CommandLine.Command;

/** {@code mman touch}: loads files into the page cache, like {@code vmtouch -t}. */
@Command(name = "touch", mixinStandardHelpOptions = true,
        description = {"Load files into the page cache (like vmtouch -t), window by window.",
            "The pages resident are counted after the whole file was read, so a file larger than the memory "
                    + "shows what stayed."})
final class TouchCommand extends BatchCommand {

    /** Keeps the page reads of the fallback from being optimized away. */
    private static volatile byte sink;

    @Override
    Pages process(Targets.Target target, long window) {
        long end = target.offset() + target.length();
        try (Progress progress = progress("touch " + target.file(), target.length())) {
            FileWindows.forEach(target.file(), target.offset(), end, window, progress, (map, offset) -> load(map));
        }
        Pages pages = ResidencyCommand.count(target, window);
        String line = "touched " + target.file() + ": " + Sizes.human(target.length()) + ", "
                + (pages.known() ? pages.resident() + "/" + pages.pages() + " pages resident"
                        : "residency unknown (" + Mincore.BLIND + ")");
        if (pages.known() && pages.resident() < pages.pages()) {
            line += "; " + shortfall(target.length());
        }
        line(line);
        return pages;
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
     * Faults every page in: MADV_POPULATE_READ where the kernel has it (5.14+), which reports
     * failures, and otherwise WILLNEED readahead followed by reading one byte per page.
     */
    static void load(MemoryMap map) {
        try {
            map.madvise(Advice.POPULATE);
            return;
        } catch (MMapException oldKernel) {
            map.madvise(Advice.WILLNEED);
        }
        MemorySegment bytes = map.asSegment();
        byte seen = 0;
        for (long offset = 0; offset < map.size(); offset += map.pageSize()) {
            seen ^= bytes.get(ValueLayout.JAVA_BYTE, offset);
        }
        sink = seen;
    }
}
