package dev.mman.cli;

import dev.mman.PageCache;
import picocli.CommandLine.Model.CommandSpec;

/** {@code mman evict}: drops files from the page cache, like {@code vmtouch -e}. */
final class EvictCommand extends BatchCommand {

    @Override
    CommandSpec declare() {
        return declare("evict", "Drop files from the page cache (like vmtouch -e): dirty pages are written back, "
                + "then posix_fadvise(POSIX_FADV_DONTNEED).", "Pages that another process has mapped or locked may stay.");
    }

    @Override
    Pages process(Targets.Target target, long window) {
        try (Progress progress = progress("evict " + target.file(), target.length())) {
            FileWindows.ranges(target.file(), target.offset(), target.offset() + target.length(), window, progress,
                    (offset, length) -> PageCache.evict(target.file(), offset, length));
        }
        Pages left = ResidencyCommand.count(target, window);
        if (!left.known()) {
            problem(target.file() + ": evicted, but cannot tell what is left: " + Mincore.BLIND);
        } else {
            line(() -> "evicted " + target.file() + ": " + Sizes.human(target.length()) + ", " + left.resident() + "/"
                    + left.pages() + " pages still resident");
        }
        return left;
    }

    @Override
    String workedPages() {
        return "Evicted Pages";
    }
}
