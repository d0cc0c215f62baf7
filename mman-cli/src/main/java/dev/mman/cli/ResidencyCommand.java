package dev.mman.cli;

import dev.mman.Mman;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;

/** {@code mman residency}: which pages of files are in the page cache, like {@code fincore}. */
final class ResidencyCommand extends BatchCommand {

    static final int MAP_WIDTH = 40;

    boolean json;
    List<Column> columns;
    boolean bytes;
    boolean noHeadings;
    boolean raw;

    @Override
    CommandSpec declare() {
        CommandSpec spec = declare("residency",
                "Show how much of each file is in the page cache (like fincore or vmtouch -v).",
                "Map legend: 'O' all pages of that part resident, 'o' some, ' ' none.",
                "With --output, --bytes, --noheadings or --raw it prints fincore's table instead.");
        spec.addOption(Declare.flag(value -> json = value, "Print one JSON object with a record per file.", "--json"));
        spec.addOption(Declare.listOption(Column.class, () -> columns, value -> columns = value, "LIST",
                "The table's columns, of RES, PAGES, SIZE, FILE, PERCENT, MAP (fincore's default: RES,PAGES,SIZE,FILE).",
                "-o", "--output").splitRegex(",").build());
        spec.addOption(Declare.flag(value -> bytes = value, "Sizes in bytes in the table, not KiB, MiB... (fincore -b).",
                "--bytes"));
        spec.addOption(Declare.flag(value -> noHeadings = value, "No header line in the table.", "-n", "--noheadings"));
        spec.addOption(Declare.flag(value -> raw = value, "The table's columns separated by one space, not aligned.",
                "-r", "--raw"));
        return spec;
    }

    /** The table's columns, as fincore names them, and two of mman's. */
    enum Column { RES, PAGES, SIZE, FILE, PERCENT, MAP }

    private final List<Report> reports = new ArrayList<>();

    /**
     * The residency of one file's range: one bit per page, or {@code known} false when mincore is
     * blind to it ({@link Mincore}).
     */
    record Report(Path file, long size, long pages, BitSet resident, boolean known) {

        long residentPages() {
            return resident.cardinality();
        }

        double percent() {
            return pages == 0 ? 0 : 100.0 * residentPages() / pages;
        }

        /**
         * A compact map of {@code width} characters, each standing for an equal share of the
         * pages; a file with fewer pages than that stretches each page over several characters.
         */
        String map(int width) {
            if (!known || pages == 0) {
                return (known ? " " : "?").repeat(width);
            }
            StringBuilder map = new StringBuilder(width);
            for (int cell = 0; cell < width; cell++) {
                int from = (int) (pages * cell / width);
                int to = (int) Math.max(from + 1, pages * (cell + 1) / width);
                int set = resident.get(from, to).cardinality();
                map.append(set == to - from ? 'O' : set > 0 ? 'o' : ' ');
            }
            return map.toString();
        }
    }

    @Override
    Pages process(Targets.Target target, long window) {
        Report report = measure(target, window);
        reports.add(report);
        if (!report.known()) {
            problem(target.file() + ": residency unknown: " + Mincore.BLIND);
        }
        return new Pages(report.pages(), report.residentPages(), report.known());
    }

    @Override
    String workedPages() {
        return null;
    }

    @Override
    void finish(Summary summary, long elapsedNanos) {
        PrintWriter out = out();
        if (json) {
            out.println(Json.write(asJson(reports)));
        } else if (columns != null || bytes || noHeadings || raw) {
            out.print(asTable(reports));
        } else if (!quiet) {
            out.print(asText(reports));
        }
        out.flush();
        quiet |= json; // JSON is the whole output: no summary after it
    }

    /** The pages of a target's range and how many are resident. */
    static Pages count(Targets.Target target, long window) {
        Report report = measure(target, window);
        return new Pages(report.pages(), report.residentPages(), report.known());
    }

    static Report measure(Targets.Target target, long window) {
        long page = Mman.pageSize();
        long pages = pages(target.length());
        if (pages > Integer.MAX_VALUE) {
            throw new UserError(target.file() + ": " + pages + " pages are more than one report can count; "
                    + "give a part with --range");
        }
        if (!Mincore.sees(target.file())) {
            return new Report(target.file(), target.size(), pages, new BitSet(), false);
        }
        // Gathered as words, and copied a word at a time when a window starts on a word (a window of
        // 64 pages or a multiple does): a cold JVM is slow at anything done once per page.
        long[] words = new long[(int) ((pages + 63) / 64)];
        FileWindows.forEach(target.file(), target.offset(), target.offset() + target.length(), window, null,
                (map, offset) -> {
                    BitSet part = map.residency();
                    int first = (int) ((offset - target.offset()) / page);
                    if (first % 64 == 0) {
                        long[] partWords = part.toLongArray();
                        System.arraycopy(partWords, 0, words, first / 64, partWords.length);
                    } else {
                        for (int bit = part.nextSetBit(0); bit >= 0; bit = part.nextSetBit(bit + 1)) {
                            words[(first + bit) >>> 6] |= 1L << (first + bit);
                        }
                    }
                });
        BitSet resident = BitSet.valueOf(words);
        return new Report(target.file(), target.size(), pages, resident, true);
    }

    private static String asText(List<Report> reports) {
        StringBuilder text = new StringBuilder();
        for (Report r : reports) {
            String count = r.known() ? String.format(Locale.ROOT, "%d/%d pages %5.1f%%", r.residentPages(), r.pages(),
                    r.percent()) : "?/" + r.pages() + " pages unknown";
            text.append('[').append(r.map(MAP_WIDTH)).append("] ").append(count).append("  ").append(r.file())
                    .append(System.lineSeparator());
        }
        return text.toString();
    }

    private String asTable(List<Report> reports) {
        List<Column> shown = columns == null ? List.of(Column.RES, Column.PAGES, Column.SIZE, Column.FILE) : columns;
        List<String[]> rows = new ArrayList<>();
        if (!noHeadings) {
            rows.add(shown.stream().map(Column::name).toArray(String[]::new));
        }
        long page = Mman.pageSize();
        for (Report r : reports) {
            rows.add(shown.stream().map(c -> switch (c) {
                case RES -> r.known() ? size(r.residentPages() * page) : "?";
                case PAGES -> r.known() ? Long.toString(r.residentPages()) : "?";
                case SIZE -> size(r.size());
                case FILE -> r.file().toString();
                case PERCENT -> r.known() ? String.format(Locale.ROOT, "%.1f", r.percent()) : "?";
                case MAP -> "[" + r.map(MAP_WIDTH) + "]";
            }).toArray(String[]::new));
        }
        int[] widths = new int[shown.size()];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder table = new StringBuilder();
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                boolean last = i == row.length - 1;
                boolean left = shown.get(i) == Column.FILE || shown.get(i) == Column.MAP;
                String cell = raw || last && left ? row[i]
                        : String.format(Locale.ROOT, "%" + (left ? "-" : "") + widths[i] + "s", row[i]);
                table.append(cell).append(last ? System.lineSeparator() : " ");
            }
        }
        return table.toString();
    }

    private String size(long value) {
        return bytes ? Long.toString(value) : Sizes.human(value).replace(" ", "");
    }

    private static Map<String, Object> asJson(List<Report> reports) {
        List<Object> records = new ArrayList<>();
        for (Report r : reports) {
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("file", r.file().toString());
            record.put("size", r.size());
            record.put("pages", r.pages());
            record.put("residentPages", r.known() ? r.residentPages() : null);
            record.put("percent", r.known() ? r.percent() : null);
            record.put("map", r.map(MAP_WIDTH));
            record.put("known", r.known());
            records.add(record);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("pageSize", Mman.pageSize());
        result.put("files", records);
        return result;
    }
}
