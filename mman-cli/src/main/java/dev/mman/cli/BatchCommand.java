package dev.mman.cli;

import dev.mman.MMapException;
import dev.mman.Mman;
import java.io.PrintWriter;
import java.util.function.Supplier;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The shape of every page-cache command: find the files ({@link Targets}), work through each,
 * report a file that cannot be done as one line on stderr and go on with the rest, end with a
 * {@link Summary}, and exit with 1 when anything failed (as fincore does).
 */
abstract class BatchCommand implements Callable<Integer> {

    final Targets targets = new Targets();

    final FileWindows.SizeOption window = new FileWindows.SizeOption();

    boolean quiet;

    CommandSpec spec;

    /** This command, with the options every page-cache command shares; each adds its own to it. */
    CommandSpec declare(String name, String... description) {
        spec = Declare.command(name, this, description);
        targets.declareOn(spec);
        window.declareOn(spec);
        spec.addOption(Declare.flag(value -> quiet = value, "Print only errors.", "-q", "--quiet"));
        return spec;
    }

    /** This command's declaration, for {@link MmanCommand}. */
    abstract CommandSpec declare();

    /**
     * The pages of one file's range and how many of them are resident; {@code known} is false when
     * mincore is blind. {@code workedBytes} is what the command moved, when it skipped some of the
     * range (the holes of a sparse file), or -1 for all of it.
     */
    record Pages(long pages, long resident, boolean known, long workedBytes) {

        /** The pages of a range the command worked on whole. */
        Pages(long pages, long resident, boolean known) {
            this(pages, resident, known, -1);
        }
    }

    private int failures;

    /** Works on one non-empty target; returns its pages, and prints its own line unless quiet. */
    abstract Pages process(Targets.Target target, long window);

    /** Checks the whole batch before any work; throws {@link UserError} to refuse it. */
    void before(Targets.Found found) {}

    /** Ends the command after the summary, such as holding locks. */
    void after() {}

    /** The summary's name for the pages this command worked on, such as {@code Touched Pages}; null for none. */
    abstract String workedPages();

    @Override
    public Integer call() {
        if (targets.paths.isEmpty() && targets.batch == null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "Missing required parameter: 'PATH' (files or directories, or a list with --batch)");
        }
        long windowBytes = window.bytes();
        long started = System.nanoTime();
        Targets.Found found = targets.find(this::problem);
        before(found);
        Summary summary = new Summary(found.directories());
        for (Targets.Target target : found.files()) {
            if (target.length() == 0) {
                summary.add(target, new Pages(0, 0, true));
                continue;
            }
            try {
                summary.add(target, process(target, windowBytes));
            } catch (UserError | MMapException e) {
                String message = e.getMessage() == null ? e.toString() : e.getMessage();
                problem(message.startsWith(target.file().toString()) ? message : target.file() + ": " + message);
            }
        }
        finish(summary, System.nanoTime() - started);
        PrintWriter out = out();
        if (!quiet) {
            out.print(summary.text(workedPages(), System.nanoTime() - started));
            out.flush();
        }
        after();
        return found.problems() + failures == 0 ? 0 : MmanCommand.FAILURE;
    }

    /** Prints what the command found, before the summary; residency prints its table here. */
    void finish(Summary summary, long elapsedNanos) {}

    /** One line on stderr for a file that could not be done; the exit code will be 1. */
    void problem(String message) {
        failures++;
        PrintWriter err = spec.commandLine().getErr();
        err.println(spec.qualifiedName() + ": " + message.replace('\n', ' '));
        err.flush();
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** Prints one line for a file unless {@code --quiet}, which then does not even build it. */
    void line(Supplier<String> text) {
        if (!quiet) {
            out().println(text.get());
            out().flush();
        }
    }

    static long pages(long bytes) {
        long page = Mman.pageSize();
        return (bytes + page - 1) / page;
    }

    /** Progress on stderr for one file's work, or null (none) with {@code --quiet}. */
    Progress progress(String label, long total) {
        return quiet ? null : new Progress(spec.commandLine().getErr(), label, total, Progress.onTerminal());
    }
}
