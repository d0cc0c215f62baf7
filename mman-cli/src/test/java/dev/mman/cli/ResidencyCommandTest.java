package dev.mman.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.Mman;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ResidencyCommandTest {

    private static final int SIZE = 8 << 20;
    private static final Pattern RECORD =
            Pattern.compile("\\{\"file\":\"([^\"]+)\",\"size\":(\\d+),\"pages\":(\\d+),\"residentPages\":(\\d+)");

    @RegisterExtension
    final TestFiles files = new TestFiles();
    private final long pages = SIZE / Mman.pageSize();

    @Test
    void pageCountsOfCachedEvictedAndHalfTouchedFilesEqualFincores() throws Exception {
        Path cached = files.cached("cached.bin", SIZE);
        Path evicted = files.evicted("evicted.bin", SIZE);
        Path half = files.halfTouched("half.bin", SIZE);

        Map<String, long[]> ours = residency(cached, evicted, half);

        assertEquals(pages, ours.get(cached.toString())[1]);
        assertEquals(pages, ours.get(cached.toString())[0]);
        assertEquals(0, ours.get(evicted.toString())[0]);
        long halfResident = ours.get(half.toString())[0];
        assertTrue(halfResident >= pages / 2 && halfResident < pages, "half-touched: " + halfResident);
        if (ChildJvm.onPath("fincore")) {
            Map<String, Long> theirs = fincore(cached, evicted, half);
            for (Path file : List.of(cached, evicted, half)) {
                assertEquals(theirs.get(file.toString()), ours.get(file.toString())[0], "resident pages of " + file);
            }
        }
    }

    @Test
    void smallWindowsCountTheSameAsOneWindow() throws IOException {
        Path half = files.halfTouched("half.bin", SIZE + 100);
        Cli.Result whole = Cli.run("residency", "--json", half.toString());
        Cli.Result windowed = Cli.run("residency", "--json", "--window", "64K", half.toString());
        assertEquals(0, windowed.exitCode(), windowed.err());
        assertEquals(whole.out(), windowed.out());
        assertTrue(whole.out().contains("\"pages\":" + (pages + 1)), whole.out());
    }

    @Test
    void textShowsCountsPercentAndAMap() throws IOException {
        Path cached = files.cached("cached.bin", SIZE);
        Path evicted = files.evicted("evicted.bin", SIZE);
        Cli.Result result = Cli.run("residency", cached.toString(), evicted.toString());
        assertEquals(0, result.exitCode(), result.err());
        List<String> lines = result.out().lines().toList();
        String full = "O".repeat(ResidencyCommand.MAP_WIDTH);
        String none = " ".repeat(ResidencyCommand.MAP_WIDTH);
        assertEquals("[" + full + "] " + pages + "/" + pages + " pages 100.0%  " + cached, lines.get(0));
        assertEquals("[" + none + "] 0/" + pages + " pages   0.0%  " + evicted, lines.get(1));
        assertEquals("           Files: 2", lines.get(2));
        assertTrue(lines.contains("  Resident Pages: " + pages + "/" + 2 * pages + "  8.0 MiB/16.0 MiB  50.0%"),
                result.out());
    }

    @Test
    void theMapMarksPartlyResidentCells() throws IOException {
        Path half = files.halfTouched("half.bin", SIZE);
        Cli.Result result = Cli.run("residency", half.toString());
        String map = result.out().substring(1, 1 + ResidencyCommand.MAP_WIDTH);
        assertTrue(map.startsWith("O".repeat(ResidencyCommand.MAP_WIDTH / 2)), map);
        assertTrue(map.endsWith(" "), map);
    }

    @Test
    void aFileOfFewerPagesThanTheMapIsStretchedOverItAll() throws IOException {
        Path small = files.cached("small.bin", 2 * (int) Mman.pageSize());
        Cli.Result result = Cli.run("residency", small.toString());
        assertTrue(result.out().startsWith("[" + "O".repeat(ResidencyCommand.MAP_WIDTH) + "] 2/2 pages 100.0%"),
                result.out());
    }

    /** Our counts per file: {resident, total}. */
    private static Map<String, long[]> residency(Path... paths) {
        List<String> args = new ArrayList<>(List.of("residency", "--json"));
        for (Path path : paths) {
            args.add(path.toString());
        }
        Cli.Result result = Cli.run(args.toArray(String[]::new));
        assertEquals(0, result.exitCode(), result.err());
        Map<String, long[]> counts = new LinkedHashMap<>();
        Matcher record = RECORD.matcher(result.out());
        while (record.find()) {
            counts.put(record.group(1), new long[] {Long.parseLong(record.group(4)), Long.parseLong(record.group(3))});
        }
        assertEquals(paths.length, counts.size(), result.out());
        return counts;
    }

    private static Map<String, Long> fincore(Path... paths) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("fincore", "--noheadings", "--raw", "--output", "PAGES,FILE"));
        for (Path path : paths) {
            command.add(path.toString());
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), out);
        Map<String, Long> pages = new LinkedHashMap<>();
        for (String line : out.lines().toList()) {
            String[] fields = line.strip().split(" ", 2);
            pages.put(fields[1], Long.parseLong(fields[0]));
        }
        return pages;
    }
}
