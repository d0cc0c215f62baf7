package dev.mman;

import dev.mman.testing.Caught;
import java.io.RandomAccessFile;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;

/**
 * The child-JVM side of {@link RecordsTruncationTest}: a peer (here, the same process through
 * another descriptor) truncates the file to one window while the iteration is in the first, then
 * extends another file while it is iterated.
 */
public final class RecordsTruncationScenario {

    private static final int WINDOW = 1 << 20;
    private static final int RECORD = 64;

    private RecordsTruncationScenario() {}

    /**
     * Runs the scenario.
     *
     * @param args a directory for the files
     * @throws Exception when a file cannot be made
     */
    public static void main(String[] args) throws Exception {
        Path shrinking = sized(Path.of(args[0]).resolve("shrinking.bin"), 4L * WINDOW);
        long[] read = {0};
        Caught.report("truncated", () -> {
            try (MappedRecords.RecordIterator records = MappedRecords.of(shrinking, RECORD).withWindowSize(WINDOW)
                    .iterator()) {
                while (records.hasNext()) {
                    MemorySegment record = records.next();
                    record.get(ValueLayout.JAVA_BYTE, 0);
                    if (++read[0] == 1) {
                        sized(shrinking, WINDOW);
                    }
                }
            }
        });
        System.out.println("READ " + read[0]);
        Path growing = sized(Path.of(args[0]).resolve("growing.bin"), 2L * WINDOW);
        Caught.report("extended", () -> {
            long count = 0;
            for (Iterator<MemorySegment> records = MappedRecords.of(growing, RECORD).withWindowSize(WINDOW).iterator();
                    records.hasNext(); records.next()) {
                if (++count == 1) {
                    sized(growing, 8L * WINDOW);
                }
            }
            System.out.println("EXTENDED-COUNT " + count);
        });
    }

    private static Path sized(Path file, long length) throws Exception {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(length);
        }
        return file;
    }
}
