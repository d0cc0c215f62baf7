package dev.mman.cli;

import dev.mman.PageCache;
import java.nio.file.Path;
import picocli.CommandLine.Command;

/** {@code mman evict}: drops files from the page cache, like {@code vmtouch -e}. */
@Command(name = "evict", mixinStandardHelpOptions = true,
        description = {"Drop files from the page cache (like vmtouch -e): dirty pages are written back, "
                + "then posix_fadvise(POSIX_FADV_DONTNEED).",
            "Pages that another process has mapped or locked may stay."})
final class EvictCommand extends PageCacheCommand {

    EvictCommand() {
        super("evict");
    }

    @Override
    String process(Path file, long size, long window, Progress progress) {
        FileWindows.ranges(file, size, window, progress, (offset, length) -> PageCache.evict(file, offset, length));
        long left = ResidencyCommand.measure(file, size, window).residentPages();
        return "evicted " + file + ": " + Sizes.human(size) + ", " + left + "/" + pages(size) + " pages still resident";
    }
}
