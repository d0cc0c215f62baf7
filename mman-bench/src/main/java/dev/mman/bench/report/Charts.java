package dev.mman.bench.report;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.CategoryStyler;
import org.knowm.xchart.style.Styler;

/** One grouped bar chart per workload: rows along the x axis, one bar per contender. */
public final class Charts {

    private static final int WIDTH = 1000;
    private static final int HEIGHT = 560;
    /** Distinct on white and for common colour blindness; mman is always the first, blue. */
    private static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
        new Color(0x9467bd), new Color(0x8c564b)
    };

    private Charts() {}

    /** Per row, the first of {@code contenders} measured there (time or GB/s), or null. */
    private static List<Double> values(Table table, List<String> contenders) {
        Workload workload = table.workload();
        List<Double> values = new ArrayList<>();
        for (Map.Entry<Measurement.RowKey, Map<String, Measurement>> row : table.rows().entrySet()) {
            Measurement m = contenders.stream().map(row.getValue()::get).filter(Objects::nonNull).findFirst()
                    .orElse(null);
            values.add(m == null ? null
                    : workload.throughput() ? workload.bytes(row.getKey().param()) / m.nanos() : m.nanos());
        }
        return values;
    }

    /**
     * Draws the chart of one table and writes it as a PNG.
     *
     * @param table the figures
     * @param directory where the PNG goes; created when missing
     * @return the file written
     * @throws IOException when the file cannot be written
     */
    public static Path write(Table table, Path directory) throws IOException {
        Workload workload = table.workload();
        boolean throughput = workload.throughput();
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title(workload.title() + (throughput ? " (higher is better)" : " (lower is better)"))
                .xAxisTitle("operation and size")
                .yAxisTitle(throughput ? "throughput, GB/s" : "time per operation, ns (log scale)")
                .build();
        CategoryStyler styler = chart.getStyler();
        styler.setLegendPosition(Styler.LegendPosition.OutsideE);
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setSeriesColors(PALETTE);
        styler.setYAxisLogarithmic(!throughput);
        styler.setYAxisDecimalPattern(throughput ? "#0.0" : "#,##0");
        styler.setOverlapped(false);

        List<String> labels = table.rows().keySet().stream().map(Units::row).toList();
        List<String> partial = new ArrayList<>();
        for (String contender : table.contenders()) {
            List<Double> values = values(table, List.of(contender));
            if (!values.contains(null)) {
                chart.addSeries(contender, labels, values);
            } else if (!throughput) {
                partial.add(contender);
            } else {
                chart.addSeries(contender, labels, values);
            }
        }
        // A log axis takes no gaps: contenders measured in only some rows (the JDK's anonymous and
        // file alternatives) share one series when together they fill every row.
        if (!partial.isEmpty()) {
            List<Double> merged = values(table, partial);
            if (!merged.contains(null)) {
                chart.addSeries(String.join(" / ", partial), labels, merged);
            }
        }
        if (!throughput) {
            // Bars grow from the axis minimum, which a log axis cannot put at zero.
            double smallest = chart.getSeriesMap().values().stream()
                    .flatMap(series -> series.getYData().stream())
                    .filter(Objects::nonNull).mapToDouble(Number::doubleValue).min().orElse(1);
            styler.setYAxisMin(Math.pow(10, Math.floor(Math.log10(Math.max(smallest, 1)))));
        }
        Files.createDirectories(directory);
        Path file = directory.resolve(workload.group().toLowerCase() + ".png");
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        return file;
    }
}
