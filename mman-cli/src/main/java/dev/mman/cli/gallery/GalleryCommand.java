package dev.mman.cli.gallery;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import dev.mman.cli.Declare;
import picocli.CommandLine.Model.CommandSpec;

/** {@code mman gallery}: the seed's examples, run, and four charts of what mman does. */
public final class GalleryCommand implements Callable<Integer> {

    private Path out;

    private CommandSpec spec;

    /**
     * This command's declaration, for the {@code mman} command.
     *
     * @return the command, bound to this object
     */
    public CommandSpec declare() {
        spec = Declare.command("gallery", this, "Run the Basic, Medium and Advanced examples and write four PNG "
                + "charts: the Medium byte layout, the Advanced copy throughput, mapping cost against size, and "
                + "page-cache residency under advice.");
        spec.addOption(Declare.option(Path.class, () -> out, value -> out = value, "DIR",
                "Folder for the PNG files (default: ${DEFAULT-VALUE} under the working directory).", "--out")
                .defaultValue("gallery").build());
        return spec;
    }

    @Override
    public Integer call() throws IOException {
        // Charts render into images only; without this a machine with no display fails on the first font.
        System.setProperty("java.awt.headless", "true");
        PrintWriter stdout = spec.commandLine().getOut();
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--out " + out + " is not a folder");
        }
        Files.createDirectories(out);
        // The scratch files live beside the charts: java.io.tmpdir may be tmpfs, which never evicts.
        Path scratch = Files.createTempDirectory(out, ".mman-gallery-");
        List<Path> written = new ArrayList<>();
        try {
            SeedExamples examples = new SeedExamples(stdout);
            examples.basic();
            byte[] records = examples.medium(scratch);
            Map<String, Double> throughput = examples.advanced(scratch);
            stdout.println("Charts:   measuring mapping cost from 4 KiB to 1 GiB, and page-cache residency...");
            stdout.flush();
            double[][] mappingMicros = Measurements.mappingMicros();
            Map<String, double[]> steps = Measurements.residencySteps(scratch);
            written.add(Charts.byteLayout(records, SeedExamples.ROWS, SeedExamples.ROW, out));
            written.add(Charts.throughput(throughput, out));
            written.add(Charts.mappingCost(Measurements.SIZES, mappingMicros[0], mappingMicros[1], out));
            written.add(Charts.residency(steps, Measurements.FILE_MIB, out));
        } finally {
            deleteTree(scratch);
        }
        for (Path file : written) {
            stdout.println("wrote " + file + " (" + Files.size(file) + " bytes)");
        }
        stdout.flush();
        return 0;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
