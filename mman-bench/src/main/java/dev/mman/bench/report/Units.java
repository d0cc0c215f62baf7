package dev.mman.bench.report;

import java.util.Locale;

/** Human-readable sizes, times and rates for tables and chart labels. */
final class Units {

    private Units() {}

    static String size(String param) {
        if (param.equals("-")) {
            return "";
        }
        long bytes = Long.parseLong(param);
        if (bytes >= 1 << 20 && bytes % (1 << 20) == 0) {
            return bytes / (1 << 20) + " MiB";
        }
        if (bytes >= 1 << 10 && bytes % (1 << 10) == 0) {
            return bytes / (1 << 10) + " KiB";
        }
        return bytes + " B";
    }

    static String time(double nanos) {
        if (nanos < 1_000) {
            return String.format(Locale.ROOT, "%.1f ns", nanos);
        }
        if (nanos < 1_000_000) {
            return String.format(Locale.ROOT, "%.2f µs", nanos / 1e3);
        }
        return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
    }

    /**
     * Bytes per nanosecond are decimal gigabytes per second; below 1 GB/s (random and cold reads)
     * the figure is in MB/s, so that it keeps its digits.
     */
    static String rate(long bytes, double nanos) {
        double gigabytes = bytes / nanos;
        return gigabytes < 1 ? String.format(Locale.ROOT, "%.1f MB/s", gigabytes * 1e3)
                : String.format(Locale.ROOT, "%.2f GB/s", gigabytes);
    }

    static String ratio(double ratio) {
        return String.format(Locale.ROOT, "%.2f", ratio);
    }

    static String row(Measurement.RowKey row) {
        String size = size(row.param());
        return size.isEmpty() ? row.op() : row.op() + " " + size;
    }
}
