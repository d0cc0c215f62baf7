package dev.mman.cli;

import dev.mman.Mman;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * The shape shared by {@code touch} and {@code evict}: check every file first, then work through
 * each in windows with progress on stderr, and print one summary line per file on stdout.
 */
abstract class PageCacheCommand implements Runnable {

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "Regular files.")
    List<Path> files;

    @Mixin
    FileWindows.SizeOption window;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final String verb;

    PageCacheCommand(String verb) {
        this.verb = verb;
    }

    /** Does the work on one file, reports progress, and returns its summary line. */
    abstract String process(Path file, long size, long window, Progress progress);

    @Override
    public void run() {
        long[] sizes = InputFiles.sizes(files);
        long windowBytes = window.bytes();
        PrintWriter out = spec.commandLine().getOut();
        boolean terminal = Progress.onTerminal();
        for (int i = 0; i < sizes.length; i++) {
            Path file = files.get(i);
            String summary;
            try (Progress progress = new Progress(spec.commandLine().getErr(), verb + " " + file, sizes[i], terminal)) {
                summary = process(file, sizes[i], windowBytes, progress);
            }
            out.println(summary);
            out.flush();
        }
    }

    static long pages(long size) {
        long page = Mman.pageSize();
        return (size + page - 1) / page;
    }
}
