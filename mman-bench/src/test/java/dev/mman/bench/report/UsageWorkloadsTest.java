package dev.mman.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Goals that judge one row operation, rows that borrow another row's baselines, and read amplification. */
class UsageWorkloadsTest {

    private static Workload workload(String group) {
        return Workload.ALL.stream().filter(w -> w.group().equals(group)).findFirst().orElseThrow();
    }

    private static Measurement m(String group, String op, String impl, String param, double nanos) {
        return new Measurement(group, op, impl, param, nanos, Double.NaN, Double.NaN);
    }

    @Test
    void aConfinedRowIsJudgedAgainstTheSharedRowsBaselines() {
        Table table = new Table(workload("MapTouch"), List.of(
                m("MapTouch", "anon", "mman", "4096", 60_000),
                m("MapTouch", "anon", "arenaShared", "4096", 50_000),
                m("MapTouch", "anon", "c", "4096", 2_000),
                m("MapTouch", "anonConfined", "mman", "4096", 2_500)));

        List<Table.Verdict> judged = table.judged();
        // anon: 1.2x the shared arena, missed; C is context there. anonConfined: 1.25x C, met.
        assertEquals(2, judged.size(), judged.toString());
        Table.Verdict shared = judged.get(0);
        assertEquals("arenaShared", shared.goal().baseline());
        assertEquals(1.2, shared.ratio(), 1e-9);
        assertFalse(shared.met());
        Table.Verdict confined = judged.get(1);
        assertEquals("anonConfined", confined.row().op());
        assertEquals("c", confined.goal().baseline());
        assertEquals(1.25, confined.ratio(), 1e-9);
        assertTrue(confined.met());
        assertTrue(table.contenders().contains("shared"), "the shared mman figure stands beside the confined one");
    }

    @Test
    void contextBaselinesStandInTheTableWithoutAVerdict() {
        Table table = new Table(workload("MapTouch"), List.of(
                m("MapTouch", "file", "mman", "4096", 30_000),
                m("MapTouch", "file", "c", "4096", 20_000),
                m("MapTouch", "file", "cFstat", "4096", 25_000),
                m("MapTouch", "file", "fileChannelShared", "4096", 40_000)));

        List<Table.Verdict> judged = table.judged();
        assertEquals(1, judged.size(), "only the shared FileChannel goal judges the shared file row: " + judged);
        assertEquals("fileChannelShared", judged.get(0).goal().baseline());
        Table.Verdict checked = table.verdict(table.rows().keySet().iterator().next(), "cFstat").orElseThrow();
        assertEquals(Goal.Kind.INFORMATIONAL, checked.goal().kind());
        assertEquals(1.2, checked.ratio(), 1e-9);
        assertEquals(List.of("c", "cFstat", "arenaConfined", "fileChannelConfined"), workload("MapTouch").goals()
                .stream().filter(g -> g.kind() == Goal.Kind.INFORMATIONAL).map(Goal::baseline).toList());
    }

    @Test
    void parallelPrefaultIsJudgedAgainstTheOneThreadFigure() {
        Table table = new Table(workload("Prefault"), List.of(
                m("Prefault", "populate", "mman", "1073741824", 400e6),
                m("Prefault", "populate", "c", "1073741824", 380e6),
                m("Prefault", "populateParallel", "mman", "1073741824", 250e6)));

        Table.Verdict parallel = table.judged().stream().filter(v -> v.row().op().equals("populateParallel"))
                .filter(v -> v.goal().baseline().equals("oneThread")).findFirst().orElseThrow();
        assertEquals(1.6, parallel.ratio(), 1e-9);
        assertTrue(parallel.met());
    }

    @Test
    void amplificationIsDeviceBytesPerByteAsked() {
        long asked = 4096L * UsageWorkloads.COLD_READS;
        Table table = new Table(workload("ColdRandom"), List.of(
                new Measurement("ColdRandom", "random", "mman", "2147483648", 1e8, Double.NaN, Double.NaN, 2 * asked),
                new Measurement("ColdRandom", "random", "c", "2147483648", 1e8, Double.NaN, Double.NaN, asked)));

        assertTrue(table.hasDeviceBytes());
        assertEquals(1.0, table.amplification(table.rows().keySet().iterator().next(), "c"), 1e-9);
        Table.Verdict device = table.judged().stream().filter(v -> v.goal().kind() == Goal.Kind.AMPLIFICATION_AT_MOST)
                .findFirst().orElseThrow();
        assertEquals(2.0, device.ratio(), 1e-9);
        assertFalse(device.met());
        assertEquals("<= 1.50 device bytes per byte asked", device.goal().describe());
    }
}
