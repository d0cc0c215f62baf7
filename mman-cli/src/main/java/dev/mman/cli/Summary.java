package dev.mman.cli;

import dev.mman.Mman;
import java.util.Locale;

/**
 * The lines that end every page-cache command, as vmtouch's: files, directories, pages resident
 * of total and bytes, elapsed time, and for the commands that move pages the rate.
 */
final class Summary {

    private final long directories;
    private long files;
    private long pages;
    private long resident;
    private long unknownPages;
    private long bytes;
    private long workedPages;
    private long workedBytes;

    Summary(long directories) {
        this.directories = directories;
    }

    void add(Targets.Target target, BatchCommand.Pages counted) {
        files++;
        pages += counted.pages();
        bytes += target.length();
        long worked = counted.workedBytes() < 0 ? target.length() : counted.workedBytes();
        workedBytes += worked;
        workedPages += BatchCommand.pages(worked);
        if (counted.known()) {
            resident += counted.resident();
        } else {
            unknownPages += counted.pages();
        }
    }

    long files() {
        return files;
    }

    /**
     * The summary text, one fact a line.
     *
     * @param worked the label for the pages the command worked on ({@code Touched Pages}; holes it
     *     skipped are not counted), or null
     */
    String text(String worked, long elapsedNanos) {
        long page = Mman.pageSize();
        double seconds = elapsedNanos / 1e9;
        long known = pages - unknownPages;
        StringBuilder text = new StringBuilder();
        line(text, "Files", Long.toString(files));
        line(text, "Directories", Long.toString(directories));
        if (worked != null) {
            line(text, worked, workedPages + " (" + Sizes.human(workedBytes) + ")");
        }
        line(text, "Resident Pages", resident + "/" + pages + "  " + Sizes.human(resident * page) + "/"
                + Sizes.human(pages * page) + (known == 0 ? "" : String.format(Locale.ROOT, "  %.1f%%",
                        100.0 * resident / known)) + (unknownPages == 0 ? ""
                                : "  (" + unknownPages + " pages unknown: mincore cannot see them)"));
        line(text, "Elapsed", String.format(Locale.ROOT, "%.3f s", seconds)
                + (worked == null ? "" : " (" + Sizes.human((long) (workedBytes / Math.max(seconds, 1e-9))) + "/s)"));
        return text.toString();
    }

    private static void line(StringBuilder text, String label, String value) {
        text.append(String.format(Locale.ROOT, "%16s: %s%n", label, value));
    }
}
