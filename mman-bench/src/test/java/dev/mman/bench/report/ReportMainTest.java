package dev.mman.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report generator on a small, made-up run whose verdicts are known in advance. */
class ReportMainTest {

    @TempDir
    Path dir;

    private static String jmhRun(String benchmark, String param, String paramValue, double nanos, double alloc) {
        String params = param == null ? "" : "\"params\": {\"" + param + "\": \"" + paramValue + "\"},";
        return """
            {"jmhVersion": "1.37", "benchmark": "dev.mman.bench.%s", "mode": "avgt", "jdkVersion": "25.0.1",
             "vmName": "OpenJDK 64-Bit Server VM", "vmVersion": "25.0.1+8", %s
             "primaryMetric": {"score": %s, "scoreError": 1.0, "scoreUnit": "ns/op"},
             "secondaryMetrics": {"gc.alloc.rate.norm": {"score": %s, "scoreUnit": "B/op"}}}
            """.formatted(benchmark, params, nanos, alloc);
    }

    private Path writeInputs() throws IOException {
        String json = "[" + String.join(",", List.of(
                jmhRun("AnonCopyBench.read_mman", "copySize", "1048576", 100_000, 1_048_592),
                jmhRun("AnonCopyBench.read_arena", "copySize", "1048576", 50_000, 0),
                jmhRun("AnonCopyBench.write_mman", "copySize", "1048576", 40_000, 0),
                jmhRun("AnonCopyBench.write_arena", "copySize", "1048576", 42_000, 0),
                jmhRun("ControlBench.mprotect_mman", null, null, 250, 0),
                jmhRun("LifecycleBench.anon_mman", "mapSize", "4096", 2_000, 48),
                jmhRun("LifecycleBench.anon_arena", "mapSize", "4096", 9_000, 0),
                jmhRun("LifecycleBench.file_mman", "mapSize", "4096", 5_000, 900),
                jmhRun("LifecycleBench.file_fileChannel", "mapSize", "4096", 4_000, 700))) + "]";
        Files.writeString(dir.resolve("jmh.json"), json);
        Files.writeString(dir.resolve("native.txt"), """
            AnonCopy read c 1048576 45000.0
            AnonCopy write c 1048576 44000.0
            Control mprotect c - 220.0
            Lifecycle anon c 4096 1500.0
            Lifecycle file c 4096 2500.0
            """);
        Files.writeString(dir.resolve("hyperfine-skipped.txt"), "hyperfine is not on PATH\n");
        return dir.resolve("BENCHMARKS.md");
    }

    @Test
    void writesTablesVerdictsAndReadableCharts() throws IOException {
        Path report = writeInputs();
        ReportMain.main(new String[] {
            "--jmh", dir.resolve("jmh.json").toString(), "--native", dir.resolve("native.txt").toString(),
            "--whole-process", dir.toString(), "--out", report.toString(),
            "--charts", dir.resolve("docs/bench").toString(), "--mode", "quick",
            "--command", "bench/run --quick", "--jmh-options", "-f 1"});
        String markdown = Files.readString(report);

        assertTrue(markdown.contains("**Quick mode**"), markdown);
        assertTrue(markdown.contains("| command | `bench/run --quick` |"), markdown);
        // read: 1 MiB in 100 us is 10.49 GB/s; C's 45 us gives a throughput ratio of 0.45.
        assertTrue(markdown.contains("| read 1 MiB | 10.49 GB/s ±0% | 23.30 GB/s | **0.45 MISSED** |"), markdown);
        // write: 44/40 = 1.10 against C, 42/40 = 1.05 against the arena; both goals met.
        assertTrue(markdown.contains("1.10 met"), markdown);
        assertTrue(markdown.contains("1.05 met"), markdown);
        // mprotect: 250/220 = 1.14 <= 1.3.
        assertTrue(markdown.contains("| mprotect | 250.0 ns ±0% | 220.0 ns | 1.14 met |"), markdown);
        // create + close: anon is faster than the arena (0.22), file is slower than FileChannel (1.25).
        assertTrue(markdown.contains("0.22 met"), markdown);
        assertTrue(markdown.contains("**1.25 MISSED**"), markdown);
        assertTrue(markdown.contains("not run: hyperfine is not on PATH"), markdown);
        assertTrue(markdown.contains("![create + close, memory never touched](docs/bench/lifecycle.png)"), markdown);

        for (String chart : List.of("anoncopy", "control", "lifecycle")) {
            BufferedImage image = ImageIO.read(dir.resolve("docs/bench/" + chart + ".png").toFile());
            assertEquals(1000, image.getWidth(), chart);
            assertEquals(560, image.getHeight(), chart);
        }
    }

    @Test
    void goalsJudgeTheRightSideOfTheLimit() {
        Goal throughput = new Goal("c", Goal.Kind.THROUGHPUT_AT_LEAST, 0.9);
        assertEquals(0.5, throughput.ratio(200, 100, true));
        assertTrue(throughput.met(0.9));
        assertTrue(!throughput.met(0.89));
        Goal time = new Goal("c", Goal.Kind.TIME_AT_MOST, 1.3);
        assertEquals(2.0, time.ratio(200, 100, false));
        assertTrue(time.met(1.3));
        assertTrue(!time.met(1.31));
        Goal faster = new Goal("arena", Goal.Kind.TIME_BELOW, 1.0);
        assertTrue(!faster.met(1.0));
        assertTrue(faster.met(0.99));
    }
}
