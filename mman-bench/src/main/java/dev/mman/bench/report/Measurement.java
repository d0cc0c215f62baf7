package dev.mman.bench.report;

/**
 * One figure of one contender: JMH's or the C baseline's time per operation.
 *
 * @param group the workload group, the benchmark class without its {@code Bench} suffix
 * @param op the operation, the part of the method name before the underscore
 * @param impl the contender: {@code mman}, {@code c}, or a Java alternative
 * @param param the size parameter, or {@code -} when the workload has none
 * @param nanos nanoseconds per operation
 * @param error JMH's 99.9% confidence half-width in nanoseconds, NaN when unknown
 * @param allocatedBytes bytes allocated on the heap per operation ({@code -prof gc}), NaN when unknown
 * @param deviceBytes bytes read from the storage device per operation ({@code /proc/self/io}
 *     {@code read_bytes}), NaN when not measured
 */
public record Measurement(String group, String op, String impl, String param, double nanos, double error,
        double allocatedBytes, double deviceBytes) {

    /**
     * A figure without device reads.
     *
     * @param group the workload group
     * @param op the operation
     * @param impl the contender
     * @param param the size, or {@code -}
     * @param nanos nanoseconds per operation
     * @param error the confidence half-width, NaN when unknown
     * @param allocatedBytes heap bytes per operation, NaN when unknown
     */
    public Measurement(String group, String op, String impl, String param, double nanos, double error,
            double allocatedBytes) {
        this(group, op, impl, param, nanos, error, allocatedBytes, Double.NaN);
    }

    /**
     * The same figure under another contender's name, for a row that borrows another's baselines.
     *
     * @param newOp the row it is shown in
     * @param newImpl the column it is shown in
     * @return the copy
     */
    public Measurement as(String newOp, String newImpl) {
        return new Measurement(group, newOp, newImpl, param, nanos, error, allocatedBytes, deviceBytes);
    }

    /** The row this figure belongs in: one workload at one size. */
    public RowKey row() {
        return new RowKey(group, op, param);
    }

    /**
     * A table row: one operation at one size.
     *
     * @param group the workload group
     * @param op the operation
     * @param param the size, or {@code -}
     */
    public record RowKey(String group, String op, String param) {}
}
