package dev.mman.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Reads the JSON that JMH writes with {@code -rf json}. */
public final class JmhResults {

    private static final String SUFFIX = "Bench";

    /** The secondary metric of bytes read from the device per operation (the benchmarks' {@code DeviceReads}). */
    public static final String DEVICE_BYTES = "deviceBytes";

    /** The measurements, in the order JMH ran them. */
    private final List<Measurement> measurements;
    /** The JDK that ran them, for example {@code 25.0.1 (OpenJDK 64-Bit Server VM 25.0.1+8-LTS)}. */
    private final String jdk;

    private JmhResults(List<Measurement> measurements, String jdk) {
        this.measurements = measurements;
        this.jdk = jdk;
    }

    /**
     * Parses a JMH result file.
     *
     * @param file the JSON file
     * @return the results
     * @throws IOException when the file cannot be read or is not JMH's JSON
     */
    public static JmhResults read(Path file) throws IOException {
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        List<Measurement> measurements = new ArrayList<>();
        String jdk = "unknown";
        for (JsonNode run : root) {
            jdk = run.path("jdkVersion").asText() + " (" + run.path("vmName").asText() + " "
                    + run.path("vmVersion").asText() + ")";
            measurements.add(measurement(run));
        }
        return new JmhResults(measurements, jdk);
    }

    private static Measurement measurement(JsonNode run) {
        String benchmark = run.path("benchmark").asText();
        String[] parts = benchmark.split("\\.");
        String className = parts[parts.length - 2];
        String method = parts[parts.length - 1];
        String group = className.endsWith(SUFFIX) ? className.substring(0, className.length() - SUFFIX.length())
                : className;
        int underscore = method.indexOf('_');
        String op = underscore < 0 ? method : method.substring(0, underscore);
        String impl = underscore < 0 ? "mman" : method.substring(underscore + 1);
        String param = "-";
        Iterator<JsonNode> params = run.path("params").elements();
        if (params.hasNext()) {
            param = params.next().asText();
        }
        JsonNode primary = run.path("primaryMetric");
        if (!"ns/op".equals(primary.path("scoreUnit").asText())) {
            throw new IllegalArgumentException(benchmark + " reports " + primary.path("scoreUnit").asText()
                    + "; every benchmark must report ns/op (Mode.AverageTime, NANOSECONDS)");
        }
        double error = primary.path("scoreError").asDouble(Double.NaN);
        JsonNode alloc = run.path("secondaryMetrics").path("gc.alloc.rate.norm").path("score");
        // The cold-file benchmarks count /proc/self/io read_bytes per operation in an @AuxCounters field.
        return new Measurement(group, op, impl, param, primary.path("score").asDouble(),
                Double.isFinite(error) ? error : Double.NaN, alloc.isMissingNode() ? Double.NaN : alloc.asDouble(),
                perIteration(run.path("secondaryMetrics").path(DEVICE_BYTES)));
    }

    /**
     * The mean of an event counter's per-iteration figures. JMH's score of an
     * {@code @AuxCounters(EVENTS)} counter is the sum over all iterations; the single-shot
     * benchmarks make one operation per iteration, so the mean is the figure per operation.
     */
    private static double perIteration(JsonNode metric) {
        double sum = 0;
        int count = 0;
        for (JsonNode fork : metric.path("rawData")) {
            for (JsonNode iteration : fork) {
                sum += iteration.asDouble();
                count++;
            }
        }
        return count == 0 ? Double.NaN : sum / count;
    }

    /**
     * The measurements.
     *
     * @return every benchmark's figure, in run order
     */
    public List<Measurement> measurements() {
        return measurements;
    }

    /**
     * The JDK of the forks.
     *
     * @return version and VM
     */
    public String jdk() {
        return jdk;
    }
}
