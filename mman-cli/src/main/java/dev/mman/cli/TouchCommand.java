package dev.mman.cli;

import dev.mman.Advice;
import dev.mman.MMapException;
import dev.mman.MemoryMap;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import picocli.CommandLine.Command;

/** {@code mman touch}: loads files into the page cache, like {@code vmtouch -t}. */
@Command(name = "touch", mixinStandardHelpOptions = true,
        description = "Load files into the page cache (like vmtouch -t), window by window.")
final class TouchCommand extends PageCacheCommand {

    /** Keeps the page reads of the fallback from being optimized away. */
    private static volatile byte sink;

    TouchCommand() {
        super("touch");
    }

    @Override
    String process(Path file, long size, long window, Progress progress) {
        long[] resident = {0};
        FileWindows.forEach(file, size, window, progress, (map, offset) -> {
            load(map);
            resident[0] += map.residentPages();
        });
        return "touched " + file + ": " + Sizes.human(size) + ", " + resident[0] + "/" + pages(size)
                + " pages resident";
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
