package dev.mman.cli.gallery;

import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Renders the gallery's four charts to PNG files, headless. */
final class Charts {

    private static final int WIDTH = 1000;
    private static final int HEIGHT = 620;
    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 18);
    private static final Font AXIS_TITLE = new Font(Font.SANS_SERIF, Font.PLAIN, 15);
    private static final Font TICKS = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    private static final Color[] VIRIDIS = {new Color(0x440154), new Color(0x3b528b), new Color(0x21918c),
        new Color(0x5ec962), new Color(0xfde725)};

    private Charts() {}

    static Path byteLayout(byte[] raw, int rows, int rowBytes, Path out) throws IOException {
        HeatMapChart chart = new HeatMapChartBuilder().width(WIDTH).height(HEIGHT + 180)
                .title("File-backed mmap: raw bytes of " + rows + " records <Id, int32 + float64 (colour = byte value)")
                .xAxisTitle("byte offset within the record (0-3 int32 id, 4-11 float64 value)")
                .yAxisTitle("record index").build();
        int[] columns = range(rowBytes);
        int[] records = range(rows);
        // XChart wants the values as a matrix indexed [x][y].
        int[][] cells = new int[rowBytes][rows];
        for (int r = 0; r < rows; r++) {
            for (int b = 0; b < rowBytes; b++) {
                cells[b][r] = raw[r * rowBytes + b] & 0xff;
            }
        }
        chart.addSeries("byte value (0-255)", columns, records, cells);
        style(chart);
        chart.getStyler().setMin(0).setMax(255).setRangeColors(VIRIDIS).setShowValue(true)
                .setValueFont(new Font(Font.MONOSPACED, Font.BOLD, 13)).setValueFontColor(Color.WHITE)
                .setLegendPosition(Styler.LegendPosition.OutsideE).setLegendVisible(true);
        return save(chart, out.resolve("medium-byte-layout.png"));
    }

    static Path throughput(Map<String, Double> gigabytesPerSecond, Path out) throws IOException {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Copy throughput: 1 MiB copied out 200 times (best of 5 rounds)")
                .xAxisTitle("way of copying the mapped bytes into a new byte[]").yAxisTitle("throughput (GB/s)").build();
        chart.addSeries("GB/s", new ArrayList<>(gigabytesPerSecond.keySet()),
                new ArrayList<>(gigabytesPerSecond.values()));
        style(chart);
        chart.getStyler().setLabelsVisible(true).setLabelsFont(TICKS).setLabelsPosition(0.9);
        chart.getStyler().setYAxisMin(0.0).setYAxisDecimalPattern("0.0");
        chart.getStyler().setSeriesColors(new Color[] {new Color(0x4c72b0)});
        chart.getStyler().setLegendVisible(false);
        return save(chart, out.resolve("advanced-copy-throughput.png"));
    }

    static Path mappingCost(long[] sizes, double[] plain, double[] populated, Path out) throws IOException {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Cost of mmap + munmap of anonymous memory, 4 KiB to 1 GiB (median)")
                .xAxisTitle("mapping size (log scale)").yAxisTitle("time to map and unmap (microseconds, log scale)")
                .build();
        double[] log2 = new double[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            log2[i] = Math.log(sizes[i]) / Math.log(2);
        }
        XYSeries lazy = chart.addSeries("without MAP_POPULATE (pages fault in on first touch)", log2, plain);
        XYSeries eager = chart.addSeries("with MAP_POPULATE (every page faulted in while mapping)", log2, populated);
        lazy.setMarker(SeriesMarkers.CIRCLE);
        eager.setMarker(SeriesMarkers.DIAMOND);
        style(chart);
        chart.getStyler().setYAxisLogarithmic(true).setxAxisTickLabelsFormattingFunction(Charts::binarySize)
                .setXAxisMin(log2[0]).setXAxisMax(log2[log2.length - 1]);
        chart.getStyler().setMarkerSize(9);
        chart.getStyler().setYAxisDecimalPattern("#,##0.#").setYAxisMin(1.0);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        return save(chart, out.resolve("mapping-cost.png"));
    }

    static Path residency(Map<String, double[]> steps, int columns, Path out) throws IOException {
        HeatMapChart chart = new HeatMapChartBuilder().width(WIDTH + 200).height(HEIGHT - 60)
                .title("Page-cache residency of a " + columns + " MiB file, step by step (colour: % of each MiB resident)")
                .xAxisTitle("position in the file (MiB); one WILLNEED call reads at most the device's read_ahead_kb").yAxisTitle("").build();
        List<String> names = new ArrayList<>(steps.keySet());
        List<Integer> mib = new ArrayList<>();
        for (int i = 0; i < columns; i++) {
            mib.add(i);
        }
        List<Number[]> cells = new ArrayList<>();
        for (int row = 0; row < names.size(); row++) {
            double[] percent = steps.get(names.get(row));
            for (int column = 0; column < columns; column++) {
                cells.add(new Number[] {column, names.size() - 1 - row, percent[column]});
            }
        }
        // Room after each name: XChart measures the labels a little short and the plot would clip them.
        List<String> reversed = new ArrayList<>(names.stream().map(name -> name + "    ").toList());
        java.util.Collections.reverse(reversed);
        chart.addSeries("% of the MiB resident", mib, reversed, cells);
        style(chart);
        chart.getStyler().setMin(0).setMax(100).setRangeColors(new Color[] {new Color(0xeeeeee), new Color(0x2b8cbe)})
                .setLegendPosition(Styler.LegendPosition.OutsideE).setDrawBorder(true);
        return save(chart, out.resolve("page-residency.png"));
    }

    private static void style(Chart<?, ?> chart) {
        Styler styler = chart.getStyler();
        styler.setChartTitleFont(TITLE);
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setLegendFont(TICKS);
        styler.setAntiAlias(true);
        if (styler instanceof org.knowm.xchart.style.AxesChartStyler axes) {
            axes.setAxisTitleFont(AXIS_TITLE);
            axes.setAxisTickLabelsFont(TICKS);
            axes.setPlotBackgroundColor(Color.WHITE);
        }
    }

    private static Path save(Chart<?, ?> chart, Path file) throws IOException {
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        return file;
    }

    private static int[] range(int n) {
        int[] values = new int[n];
        for (int i = 0; i < n; i++) {
            values[i] = i;
        }
        return values;
    }

    /** Labels a log2 axis value with its size in binary units. */
    static String binarySize(double log2) {
        long bytes = Math.round(Math.pow(2, log2));
        if (bytes >= 1L << 30) {
            return (bytes >> 30) + " GiB";
        }
        if (bytes >= 1L << 20) {
            return (bytes >> 20) + " MiB";
        }
        return (bytes >> 10) + " KiB";
    }
}
