package dev.mman.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads the C baseline's lines: {@code group op impl param ns_per_op}. */
public final class NativeResults {

    private NativeResults() {}

    /**
     * Parses the baseline program's output.
     *
     * @param file its standard output
     * @return one measurement per line
     * @throws IOException when the file cannot be read
     * @throws IllegalArgumentException on a line that has not five fields
     */
    public static List<Measurement> read(Path file) throws IOException {
        List<Measurement> measurements = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.trim().split("\\s+");
            if (f.length != 5) {
                throw new IllegalArgumentException(file + ": expected 'group op impl param ns_per_op', got: " + line);
            }
            measurements.add(new Measurement(f[0], f[1], f[2], f[3], Double.parseDouble(f[4]), Double.NaN,
                    Double.NaN));
        }
        return measurements;
    }
}
