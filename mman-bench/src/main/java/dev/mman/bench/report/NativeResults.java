package dev.mman.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the C baseline's lines: {@code group op impl param ns_per_op [device_bytes_per_op]}. bench/run measures each
 * group just before and just after its JMH benchmarks, so that a load change on a shared
 * machine hits both sides alike; the figures of one workload are averaged.
 */
public final class NativeResults {

    private NativeResults() {}

    /**
     * Parses the baseline program's output.
     *
     * @param file its standard output
     * @return one measurement per workload, the mean of its lines
     * @throws IOException when the file cannot be read
     * @throws IllegalArgumentException on a line that has not five or six fields
     */
    public static List<Measurement> read(Path file) throws IOException {
        Map<String, List<Measurement>> byWorkload = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.trim().split("\\s+");
            if (f.length != 5 && f.length != 6) {
                throw new IllegalArgumentException(file + ": expected 'group op impl param ns_per_op "
                        + "[device_bytes_per_op]', got: " + line);
            }
            byWorkload.computeIfAbsent(String.join(" ", f[0], f[1], f[2], f[3]), k -> new ArrayList<>())
                    .add(new Measurement(f[0], f[1], f[2], f[3], Double.parseDouble(f[4]), Double.NaN, Double.NaN,
                            f.length == 6 ? Double.parseDouble(f[5]) : Double.NaN));
        }
        List<Measurement> measurements = new ArrayList<>();
        for (List<Measurement> runs : byWorkload.values()) {
            Measurement first = runs.getFirst();
            double mean = runs.stream().mapToDouble(Measurement::nanos).average().orElseThrow();
            double device = runs.stream().mapToDouble(Measurement::deviceBytes).average().orElseThrow();
            measurements.add(new Measurement(first.group(), first.op(), first.impl(), first.param(), mean,
                    Double.NaN, Double.NaN, device));
        }
        return measurements;
    }
}
