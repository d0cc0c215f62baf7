package dev.mman.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Goals on mman's own time: the limit shows as a column and judges mman alone. */
class AbsoluteGoalTest {

    private static Measurement jmh(String group, String op, String impl, double nanos) {
        return new Measurement(group, op, impl, "-", nanos, 1.0, 0);
    }

    private static Workload workload(String group) {
        return Workload.ALL.stream().filter(w -> w.group().equals(group)).findFirst().orElseThrow();
    }

    @Test
    void theLimitStandsBesideMmanAndJudgesItsTime() {
        Table table = new Table(workload("SharedLock"), List.of(
                jmh("SharedLock", "lockUnlock", "mman", 24),
                jmh("SharedLock", "lockUnlock", "reentrantLock", 14),
                new Measurement("SharedLock", "lockUnlock", "c", "-", 12, Double.NaN, Double.NaN)));

        assertEquals(List.of("mman", Goal.LIMIT, "c", "reentrantLock"), table.contenders());
        List<Table.Verdict> judged = table.judged();
        assertEquals(1, judged.size(), "only the absolute goal is a goal; C and ReentrantLock are context");
        assertEquals(0.8, judged.getFirst().ratio(), 1e-9);
        assertTrue(judged.getFirst().met());
    }

    @Test
    void aSlowerRowMissesAndARowWithoutMmanIsNotJudged() {
        Table table = new Table(workload("Pool"), List.of(
                jmh("Pool", "allocFree", "mman", 60),
                jmh("Pool", "allocFree", "heap", 20),
                jmh("Pool", "allocFreeHalfFull", "heap", 20)));

        List<Table.Verdict> judged = table.judged();
        assertEquals(1, judged.size());
        assertEquals(1.2, judged.getFirst().ratio(), 1e-9);
        assertFalse(judged.getFirst().met());
        assertEquals("<= 50 ns", judged.getFirst().goal().describe());
    }
}
