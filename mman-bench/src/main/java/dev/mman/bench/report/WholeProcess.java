package dev.mman.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The whole-process comparisons of the {@code mman} command with vmtouch and fincore, which
 * {@code bench/run} times with hyperfine when all three exist. It leaves one
 * {@code hyperfine-NAME.json} per comparison (mman's command first), or {@code hyperfine-skipped.txt}
 * with the reason it did not run them.
 */
public final class WholeProcess {

    private record Comparison(String name, String against, double limit) {}

    private static final List<Comparison> COMPARISONS = List.of(
            new Comparison("touch", "vmtouch -t", 1.1),
            new Comparison("residency", "fincore", 1.2));

    private WholeProcess() {}

    /** The command without directories: {@code /work/x/mman touch /tmp/y/f.bin} is {@code mman touch f.bin}. */
    private static String shortCommand(JsonNode result) {
        return Arrays.stream(result.path("command").asText().split(" "))
                .map(word -> word.contains("/") ? Path.of(word).getFileName().toString() : word)
                .collect(Collectors.joining(" "));
    }

    /**
     * Renders the section.
     *
     * @param directory where {@code bench/run} left hyperfine's results
     * @return Markdown
     * @throws IOException when a result file cannot be read
     */
    public static String render(Path directory) throws IOException {
        Path skipped = directory.resolve("hyperfine-skipped.txt");
        if (Files.exists(skipped)) {
            return "`mman touch` / `mman residency` of a 1 GiB file against `vmtouch -t` / `fincore`: "
                    + "not run: " + Files.readString(skipped).strip();
        }
        StringBuilder out = new StringBuilder("Whole processes timed with hyperfine on a 1 GiB file "
                + "(mean of its runs; the ratio is mman's time over the other tool's).\n\n"
                + "| command | mman | other | ratio | goal |\n|---|---:|---:|---|---|\n");
        for (Comparison c : COMPARISONS) {
            Path file = directory.resolve("hyperfine-" + c.name() + ".json");
            if (!Files.exists(file)) {
                out.append("| `mman ").append(c.name()).append("` vs `").append(c.against())
                        .append("` | | | not run: no result file | <= ").append(c.limit()).append("x |\n");
                continue;
            }
            JsonNode results = new ObjectMapper().readTree(file.toFile()).path("results");
            double mman = results.path(0).path("mean").asDouble();
            double other = results.path(1).path("mean").asDouble();
            double ratio = mman / other;
            out.append(String.format(Locale.ROOT, "| `%s` vs `%s` | %.1f ms | %.1f ms | %s | <= %.1fx |%n",
                    shortCommand(results.path(0)), shortCommand(results.path(1)),
                    mman * 1e3, other * 1e3, ratio <= c.limit() ? Units.ratio(ratio) + " met"
                            : "**" + Units.ratio(ratio) + " MISSED**", c.limit()));
        }
        return out.toString();
    }
}
