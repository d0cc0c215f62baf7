package dev.mman.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Progress of long work on stderr: a bar redrawn in place on a terminal, plain lines otherwise
 * (logs and pipes cannot take carriage returns).
 */
final class Progress implements AutoCloseable {

    private static final int BAR_WIDTH = 30;
    private static final long REDRAW_NANOS = 100_000_000L;
    private static final String CLEAR_TO_END = "\u001b[K";

    private final PrintWriter err;
    private final String label;
    private final long total;
    private final boolean terminal;
    private final long started = System.nanoTime();
    private long done;
    private long lastDrawn;
    private int lastTenth;

    Progress(PrintWriter err, String label, long total, boolean terminal) {
        this.err = err;
        this.label = label;
        this.total = total;
        this.terminal = terminal;
    }

    /** Whether stderr goes to a person's terminal. */
    static boolean onTerminal() {
        java.io.Console console = System.console();
        return console != null && console.isTerminal();
    }

    void advance(long bytes) {
        done += bytes;
        long now = System.nanoTime();
        if (terminal) {
            if (now - lastDrawn >= REDRAW_NANOS || done >= total) {
                lastDrawn = now;
                // Erase to the end of the line: a shorter redraw must not leave the old tail behind.
                err.print("\r" + bar(now) + CLEAR_TO_END);
                err.flush();
            }
            return;
        }
        int tenth = (int) (10 * done / Math.max(1, total));
        if (tenth > lastTenth && done < total) {
            lastTenth = tenth;
            err.println(label + ": " + Sizes.human(done) + " of " + Sizes.human(total) + " ("
                    + 100 * done / total + "%)");
            err.flush();
        }
    }

    String bar(long now) {
        int filled = (int) (BAR_WIDTH * done / Math.max(1, total));
        double seconds = Math.max(1e-9, (now - started) / 1e9);
        return String.format(Locale.ROOT, "%s [%s%s] %3d%% %s / %s %s/s", label, "#".repeat(filled),
                "-".repeat(BAR_WIDTH - filled), 100 * done / Math.max(1, total), Sizes.human(done),
                Sizes.human(total), Sizes.human((long) (done / seconds)));
    }

    @Override
    public void close() {
        if (terminal && lastDrawn != 0) {
            err.println();
            err.flush();
        }
    }
}
