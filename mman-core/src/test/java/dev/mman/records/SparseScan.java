package dev.mman.records;

import dev.mman.MappedRecords;
import dev.mman.MappedRecords.RecordIterator;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Streams an 8 GiB sparse file in 4 KiB records through the default 64 MiB window, and prints
 * the record count and the peak file-backed resident set seen at each window.
 */
public final class SparseScan {

    private SparseScan() {}

    /**
     * Runs the scan.
     *
     * @param args the path of the file to create
     * @throws IOException when the file cannot be made
     */
    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(8L << 30);
            raf.seek((8L << 30) - 8);
            raf.writeLong(42);
        }
        long peak = 0;
        long count = 0;
        long last = 0;
        try (RecordIterator records = MappedRecords.of(file, 4096).iterator()) {
            while (records.hasNext()) {
                MemorySegment record = records.next();
                last = record.get(ValueLayout.JAVA_LONG_UNALIGNED, 4088);
                if (++count % 16384 == 0) {
                    peak = Math.max(peak, rssFileKb());
                }
            }
        }
        Files.delete(file);
        System.out.println("RECORDS " + count);
        System.out.println("LAST " + Long.reverseBytes(last));
        System.out.println("PEAK_RSS_FILE_KB " + peak);
    }

    private static long rssFileKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("RssFile:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("/proc/self/status has no RssFile line");
    }
}
