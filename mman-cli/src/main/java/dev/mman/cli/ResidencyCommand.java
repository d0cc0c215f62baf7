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
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mman residency}: which pages of files are in the page cache, like {@code fincore}. */
@Command(name = "residency", mixinStandardHelpOptions = true,
        description = {"Show how much of each file is in the page cache (like fincore or vmtouch -v).",
            "Map legend: 'O' all pages of that part resident, 'o' some, ' ' none."})
final class ResidencyCommand implements Runnable {

    static final int MAP_WIDTH = 40;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "Regular files to inspect.")
    List<Path> files;

    @Option(names = "--json", description = "Print one JSON object with a record per file.")
    boolean json;

    @Mixin
    FileWindows.SizeOption window;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The residency of one file: one bit per page. */
    record Report(Path file, long size, long pages, BitSet resident) {

        long residentPages() {
            return resident.cardinality();
        }

        double percent() {
            return 100.0 * residentPages() / pages;
        }

        /**
         * A compact map of {@code width} characters, each standing for an equal share of the
         * pages; a file with fewer pages than that stretches each page over several characters.
         */
        String map(int width) {
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
    public void run() {
        long[] sizes = InputFiles.sizes(files);
        long windowBytes = window.bytes();
        List<Report> reports = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            reports.add(measure(files.get(i), sizes[i], windowBytes));
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(json ? Json.write(asJson(reports)) : asText(reports));
        out.flush();
    }

    static Report measure(Path file, long size, long window) {
        long page = Mman.pageSize();
        long pages = (size + page - 1) / page;
        if (pages > Integer.MAX_VALUE) {
            throw new UserError(file + ": " + pages + " pages are more than one report can count");
        }
        BitSet resident = new BitSet((int) pages);
        FileWindows.forEach(file, size, window, null, (map, offset) -> {
            BitSet part = map.residency();
            int first = (int) (offset / page);
            part.stream().forEach(bit -> resident.set(first + bit));
        });
        return new Report(file, size, pages, resident);
    }

    private static String asText(List<Report> reports) {
        StringBuilder text = new StringBuilder();
        long pages = 0;
        long resident = 0;
        for (Report r : reports) {
            text.append(String.format(Locale.ROOT, "[%s] %d/%d pages %5.1f%%  %s%n",
                    r.map(MAP_WIDTH), r.residentPages(), r.pages(), r.percent(), r.file()));
            pages += r.pages();
            resident += r.residentPages();
        }
        long page = Mman.pageSize();
        text.append(String.format(Locale.ROOT, "total: %d/%d pages %.1f%% (%s of %s resident, %d-byte pages)",
                resident, pages, 100.0 * resident / pages, Sizes.human(resident * page), Sizes.human(pages * page),
                page));
        return text.toString();
    }

    private static Map<String, Object> asJson(List<Report> reports) {
        List<Object> records = new ArrayList<>();
        for (Report r : reports) {
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("file", r.file().toString());
            record.put("size", r.size());
            record.put("pages", r.pages());
            record.put("residentPages", r.residentPages());
            record.put("percent", r.percent());
            record.put("map", r.map(MAP_WIDTH));
            records.add(record);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("pageSize", Mman.pageSize());
        result.put("files", records);
        return result;
    }
}
