package dev.mman.bench.report;

/**
 * What mman must reach against one baseline, as a ratio from the same run.
 *
 * @param baseline the contender compared with, as named in the benchmark methods ({@code c}, {@code arena}, ...)
 * @param kind how the ratio is formed and judged
 * @param limit the bound the ratio must keep
 * @param op the one row operation the goal judges, or null for every row of the workload
 */
public record Goal(String baseline, Kind kind, double limit, String op) {

    /**
     * A goal for every row of its workload.
     *
     * @param baseline the contender compared with
     * @param kind how the ratio is formed and judged
     * @param limit the bound the ratio must keep
     */
    public Goal(String baseline, Kind kind, double limit) {
        this(baseline, kind, limit, null);
    }

    /**
     * The same goal for the rows of one operation only.
     *
     * @param rowOp the operation, as in the benchmark method's name before the underscore
     * @return the narrowed goal
     */
    public Goal onlyFor(String rowOp) {
        return new Goal(baseline, kind, limit, rowOp);
    }

    /**
     * A workload's goals: the judged ones, then one column without a goal for each context
     * baseline, in column order.
     *
     * @param judged the goals that mark rows met or missed
     * @param context baselines shown beside them for context only
     * @return the goals in column order
     */
    public static java.util.List<Goal> withContext(java.util.List<Goal> judged, String... context) {
        return java.util.stream.Stream.concat(judged.stream(),
                java.util.Arrays.stream(context).map(baseline -> new Goal(baseline, Kind.INFORMATIONAL, 0))).toList();
    }

    /**
     * Whether this goal judges rows of an operation.
     *
     * @param rowOp the row's operation
     * @return true when the goal has no operation or names this one
     */
    public boolean judges(String rowOp) {
        return op == null || op.equals(rowOp);
    }

    /** How a ratio is formed and which side of the limit is good. */
    public enum Kind {
        /** mman's throughput over the baseline's (baseline time / mman time), at least the limit. */
        THROUGHPUT_AT_LEAST,
        /** mman's time over the baseline's, at most the limit. */
        TIME_AT_MOST,
        /** mman's time over the baseline's, strictly below the limit: faster. */
        TIME_BELOW,
        /** Shown for context; no goal. */
        INFORMATIONAL,
        /**
         * mman's own time per operation, at most {@code limit} nanoseconds: a goal with no
         * contender. {@link Table} shows the limit as a column of its own, so the ratio is mman's
         * time over the limit and must not exceed 1.
         */
        NANOS_AT_MOST,
        /**
         * mman's bytes read from the device per byte asked for ({@code /proc/self/io}
         * {@code read_bytes}), at most {@code limit}: a goal with no contender, judged in
         * {@link Table#judged()} from {@link Measurement#deviceBytes()}.
         */
        AMPLIFICATION_AT_MOST
    }

    /** The baseline name of an amplification goal, which has no contender. */
    public static final String DEVICE = "device";

    /** The column name of an absolute goal's limit. */
    public static final String LIMIT = "goal";

    /**
     * A goal on the bytes mman makes the kernel read from the device per byte it asks for.
     *
     * @param most the largest ratio allowed
     * @return the goal
     */
    public static Goal deviceBytesAtMost(double most) {
        return new Goal(DEVICE, Kind.AMPLIFICATION_AT_MOST, most);
    }

    /**
     * A goal on mman's own time, whatever the contenders do.
     *
     * @param nanos the most nanoseconds one operation may take
     * @return the goal, shown in the {@value #LIMIT} column
     */
    public static Goal nanosAtMost(double nanos) {
        return new Goal(LIMIT, Kind.NANOS_AT_MOST, nanos);
    }

    /**
     * The ratio of mman against the baseline, in this goal's direction.
     *
     * @param mmanNanos mman's time per operation
     * @param baselineNanos the baseline's time per operation
     * @param throughput whether the workload is judged by throughput (higher ratio is better)
     * @return the ratio
     */
    public double ratio(double mmanNanos, double baselineNanos, boolean throughput) {
        if (kind == Kind.NANOS_AT_MOST) {
            return mmanNanos / limit;
        }
        if (kind == Kind.AMPLIFICATION_AT_MOST) {
            throw new IllegalStateException("an amplification goal is judged from device bytes, not times");
        }
        return throughput ? baselineNanos / mmanNanos : mmanNanos / baselineNanos;
    }

    /**
     * Whether a ratio meets the goal; always true for {@link Kind#INFORMATIONAL}.
     *
     * @param ratio from {@link #ratio}
     * @return true when met
     */
    public boolean met(double ratio) {
        return switch (kind) {
            case THROUGHPUT_AT_LEAST -> ratio >= limit;
            case TIME_AT_MOST -> ratio <= limit;
            case NANOS_AT_MOST -> ratio <= 1.0;
            case AMPLIFICATION_AT_MOST -> ratio <= limit;
            case TIME_BELOW -> ratio < limit;
            case INFORMATIONAL -> true;
        };
    }

    /**
     * The goal in words, for the table header.
     *
     * @return for example {@code >= 0.90}
     */
    public String describe() {
        return switch (kind) {
            case THROUGHPUT_AT_LEAST -> String.format(">= %.2fx throughput", limit);
            case TIME_AT_MOST -> String.format("<= %.2fx time", limit);
            case TIME_BELOW -> "faster";
            case INFORMATIONAL -> "context only";
            case NANOS_AT_MOST -> String.format("<= %.0f ns", limit);
            case AMPLIFICATION_AT_MOST -> String.format("<= %.2f device bytes per byte asked", limit);
        } + (op == null ? "" : " (`" + op + "` rows)");
    }
}
