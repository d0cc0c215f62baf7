package dev.mman.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns one run's results into BENCHMARKS.md and its charts. {@code bench/run} calls it; its
 * arguments are {@code --name value} pairs:
 * <ul>
 * <li>{@code --jmh} JMH's JSON files, separated by commas; {@code --native} the C baseline's output;
 *     {@code --whole-process} the directory with hyperfine's results;</li>
 * <li>{@code --out} the Markdown file; {@code --charts} the PNG directory (linked relative to
 *     the Markdown file);</li>
 * <li>{@code --mode} quick or full; {@code --command} the command line to print;
 *     {@code --jmh-options} the JMH options to print; {@code --revision} the commit measured;
 *     {@code --date} when the run started (default: now);
 *     {@code --notes} optional hand-written Markdown.</li>
 * </ul>
 */
public final class ReportMain {

    private ReportMain() {}

    /**
     * Writes the report.
     *
     * @param args {@code --name value} pairs, see the class comment
     * @throws IOException when an input cannot be read or an output written
     */
    public static void main(String[] args) throws IOException {
        Map<String, String> options = options(args);
        List<Measurement> all = new ArrayList<>();
        String jdk = "unknown";
        for (String file : required(options, "jmh").split(",")) {
            JmhResults jmh = JmhResults.read(Path.of(file));
            all.addAll(jmh.measurements());
            jdk = jmh.jdk();
        }
        all.addAll(NativeResults.read(Path.of(required(options, "native"))));
        Path out = Path.of(required(options, "out")).toAbsolutePath();
        Path chartDir = Path.of(required(options, "charts")).toAbsolutePath();

        List<Table> tables = new ArrayList<>();
        Map<Table, Path> charts = new HashMap<>();
        for (Workload workload : Workload.ALL) {
            Table table = new Table(workload, all);
            if (table.rows().isEmpty()) {
                continue;
            }
            tables.add(table);
            charts.put(table, out.getParent().relativize(Charts.write(table, chartDir)));
        }
        String notesFile = options.get("notes");
        Optional<String> notes = notesFile != null && Files.exists(Path.of(notesFile))
                ? Optional.of(Files.readString(Path.of(notesFile))) : Optional.empty();
        ReportWriter.Context context = new ReportWriter.Context(options.getOrDefault("mode", "full"),
                options.getOrDefault("command", "bench/run"),
                options.getOrDefault("date",
                        ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"))),
                Machine.describe(), jdk, options.getOrDefault("jmh-options", ""),
                options.getOrDefault("revision", "unknown"));
        String markdown = new ReportWriter().render(context, tables, charts,
                WholeProcess.render(Path.of(options.getOrDefault("whole-process", "."))), notes);
        Files.writeString(out, markdown);
        System.out.println("wrote " + out + " and " + tables.size() + " charts in " + chartDir);
    }

    private static Map<String, String> options(String[] args) {
        if (args.length % 2 != 0) {
            throw new IllegalArgumentException("arguments come in --name value pairs, got an odd count: "
                    + String.join(" ", args));
        }
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --name, got " + args[i]);
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        return options;
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }
}
