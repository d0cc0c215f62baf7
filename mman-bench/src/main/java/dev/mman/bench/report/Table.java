package dev.mman.bench.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The figures of one workload arranged as rows (operation and size) by contenders, with the
 * ratio of mman against each baseline.
 */
public final class Table {

    private final Workload workload;
    private final Map<Measurement.RowKey, Map<String, Measurement>> rows = new LinkedHashMap<>();
    private final Set<String> contenders = new LinkedHashSet<>();

    /**
     * Collects the measurements of one workload.
     *
     * @param workload the workload
     * @param all every measurement of the run; those of other groups are ignored
     */
    public Table(Workload workload, List<Measurement> all) {
        this.workload = workload;
        List<Measurement> mine = new ArrayList<>(all.stream().filter(m -> m.group().equals(workload.group())).toList());
        List<String> opOrder = mine.stream().map(Measurement::op).distinct().toList();
        mine.sort(Comparator.comparingInt((Measurement m) -> opOrder.indexOf(m.op()))
                .thenComparingLong(m -> m.param().equals("-") ? 0 : Long.parseLong(m.param())));
        contenders.add(Workload.MMAN);
        for (Measurement m : mine) {
            rows.computeIfAbsent(m.row(), k -> new LinkedHashMap<>()).put(m.impl(), m);
        }
        addBorrowedBaselines();
        addAbsoluteLimits();
        for (Goal goal : workload.goals()) {
            if (rows.values().stream().anyMatch(cells -> cells.containsKey(goal.baseline()))) {
                contenders.add(goal.baseline());
            }
        }
        rows.values().forEach(cells -> contenders.addAll(cells.keySet()));
    }

    /** A borrowing row shows the figures of its source row of the same size, as if measured. */
    private void addBorrowedBaselines() {
        for (Workload.Borrow borrow : workload.borrows()) {
            for (Map.Entry<Measurement.RowKey, Map<String, Measurement>> row : rows.entrySet()) {
                Measurement.RowKey key = row.getKey();
                Map<String, Measurement> source = rows.get(new Measurement.RowKey(key.group(), borrow.from(), key.param()));
                if (!key.op().equals(borrow.op()) || source == null) {
                    continue;
                }
                source.forEach((impl, m) -> row.getValue().putIfAbsent(
                        impl.equals(Workload.MMAN) ? borrow.mmanAs() : impl, m.as(key.op(), impl)));
            }
        }
    }

    /** An absolute goal's limit stands in every row that mman was measured in, as if measured. */
    private void addAbsoluteLimits() {
        for (Goal goal : workload.goals()) {
            if (goal.kind() != Goal.Kind.NANOS_AT_MOST) {
                continue;
            }
            for (Map.Entry<Measurement.RowKey, Map<String, Measurement>> row : rows.entrySet()) {
                Measurement.RowKey key = row.getKey();
                if (row.getValue().containsKey(Workload.MMAN)) {
                    row.getValue().put(goal.baseline(), new Measurement(key.group(), key.op(), goal.baseline(),
                            key.param(), goal.limit(), Double.NaN, Double.NaN));
                }
            }
        }
    }

    /**
     * The workload.
     *
     * @return the workload this table shows
     */
    public Workload workload() {
        return workload;
    }

    /**
     * The rows in display order.
     *
     * @return each row's contenders by name
     */
    public Map<Measurement.RowKey, Map<String, Measurement>> rows() {
        return rows;
    }

    /**
     * Every contender that appears, mman first.
     *
     * @return names
     */
    public List<String> contenders() {
        return List.copyOf(contenders);
    }

    /**
     * The baselines, in column order.
     *
     * @return every contender but mman
     */
    public List<String> baselines() {
        return contenders.stream().filter(c -> !c.equals(Workload.MMAN)).toList();
    }

    /**
     * A verdict for one cell: the ratio of mman against a baseline in one row.
     *
     * @param row the row
     * @param baseline the baseline
     * @return the verdict, or empty when mman or the baseline was not measured in that row
     */
    public Optional<Verdict> verdict(Measurement.RowKey row, String baseline) {
        Map<String, Measurement> cells = rows.get(row);
        Measurement mman = cells.get(Workload.MMAN);
        Measurement other = cells.get(baseline);
        if (mman == null || other == null) {
            return Optional.empty();
        }
        Goal goal = workload.goalFor(baseline, row.op()).orElse(new Goal(baseline, Goal.Kind.INFORMATIONAL, 0));
        double ratio = goal.ratio(mman.nanos(), other.nanos(), workload.throughput());
        return Optional.of(new Verdict(row, goal, ratio, goal.met(ratio)));
    }

    /**
     * Every verdict of the table, row by row.
     *
     * @return verdicts with a goal (informational ones excluded)
     */
    public List<Verdict> judged() {
        List<Verdict> all = new ArrayList<>();
        for (Measurement.RowKey row : rows.keySet()) {
            for (String baseline : baselines()) {
                verdict(row, baseline).filter(v -> v.goal().kind() != Goal.Kind.INFORMATIONAL).ifPresent(all::add);
            }
            amplificationVerdict(row).ifPresent(all::add);
        }
        return all;
    }

    /**
     * Bytes read from the device per byte asked for, of one contender in one row.
     *
     * @param row the row
     * @param contender the contender
     * @return the ratio, or NaN when not measured
     */
    public double amplification(Measurement.RowKey row, String contender) {
        Measurement m = rows.get(row).get(contender);
        return m == null || Double.isNaN(m.deviceBytes()) ? Double.NaN : m.deviceBytes() / workload.bytes(row.param());
    }

    /**
     * Whether any figure of this table counts device reads.
     *
     * @return true when the report should show amplification
     */
    public boolean hasDeviceBytes() {
        return rows.values().stream().flatMap(cells -> cells.values().stream())
                .anyMatch(m -> Double.isFinite(m.deviceBytes()));
    }

    private Optional<Verdict> amplificationVerdict(Measurement.RowKey row) {
        double ratio = amplification(row, Workload.MMAN);
        return workload.goals().stream()
                .filter(g -> g.kind() == Goal.Kind.AMPLIFICATION_AT_MOST && g.judges(row.op()) && Double.isFinite(ratio))
                .findFirst().map(g -> new Verdict(row, g, ratio, g.met(ratio)));
    }

    /**
     * mman's ratio against one baseline in one row, and whether that meets the goal.
     *
     * @param row the row
     * @param goal the goal
     * @param ratio the ratio in the goal's direction
     * @param met whether it meets the goal
     */
    public record Verdict(Measurement.RowKey row, Goal goal, double ratio, boolean met) {}
}
