package dev.mman.cli.gallery;

import static dev.mman.Mman.MAP_SHARED;
import static dev.mman.Mman.MS_SYNC;
import static dev.mman.Mman.PROT_READ;
import static dev.mman.Mman.PROT_WRITE;

import dev.mman.MemoryMap;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/** The original library's three examples (its section 7), in Java, reporting what each did. */
final class SeedExamples {

    /** The Medium example's record: a little-endian int32 and float64 ({@code struct "<Id"}). */
    static final int ROW = Integer.BYTES + Double.BYTES;
    static final int ROWS = 16;
    /** The Advanced example's buffer: 1 MiB. */
    static final int SIZE = 1 << 20;
    private static final int ITERATIONS = 200;
    private static final int ROUNDS = 5;

    private final PrintWriter out;
    /** Keeps the copies of the benchmark from being optimized away. */
    private static volatile int sink;

    SeedExamples(PrintWriter out) {
        this.out = out;
    }

    /** Basic: an anonymous page, a string written and read back. */
    void basic() {
        byte[] hello = "Hello from mman!".getBytes(StandardCharsets.US_ASCII);
        try (MemoryMap m = MemoryMap.createAnonymous(4096, PROT_READ | PROT_WRITE)) {
            m.write(hello);
            String back = new String(m.read(hello.length), StandardCharsets.US_ASCII);
            out.println("Basic:    mapped 4096 anonymous bytes, wrote and read back \"" + back + "\"; page size "
                    + m.pageSize());
        }
    }

    /**
     * Medium: sixteen {@code <Id} records written through a shared file mapping, synced, and read
     * back with plain file I/O.
     *
     * @return the file's bytes, {@link #ROWS} records of {@link #ROW} bytes
     */
    byte[] medium(Path dir) throws IOException {
        Path file = dir.resolve("records.bin");
        Files.write(file, new byte[ROW * ROWS]);
        try (MemoryMap m = MemoryMap.createFileMapping(file, 0, ROW * ROWS, PROT_READ | PROT_WRITE, MAP_SHARED)) {
            for (int i = 0; i < ROWS; i++) {
                ByteBuffer record = ByteBuffer.allocate(ROW).order(ByteOrder.LITTLE_ENDIAN);
                record.putInt(i).putDouble(i * 1.5);
                m.write(record.array(), (long) i * ROW);
            }
            m.msync(MS_SYNC);
        }
        byte[] raw = Files.readAllBytes(file);
        Files.delete(file);
        ByteBuffer check = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        out.printf(Locale.ROOT, "Medium:   wrote %d records of %d bytes through a shared file mapping, msync'ed; "
                + "plain I/O reads back record 15 = (%d, %.1f)%n", ROWS, ROW, check.getInt(15 * ROW),
                check.getDouble(15 * ROW + Integer.BYTES));
        return raw;
    }

    /**
     * Advanced: fill 1 MiB through a zero-copy view, take write access away and back, then copy
     * it out three ways and measure each.
     *
     * @return GB/s for each way of copying, in the order shown on the chart
     */
    Map<String, Double> advanced(Path dir) throws IOException {
        Map<String, Double> throughput = new LinkedHashMap<>();
        try (MemoryMap m = MemoryMap.createAnonymous(SIZE, PROT_READ | PROT_WRITE)) {
            MemorySegment view = m.asSegment(ValueLayout.JAVA_BYTE);
            for (int i = 0; i < SIZE; i++) {
                view.set(ValueLayout.JAVA_BYTE, i, (byte) i);
            }
            m.mprotect(PROT_READ);
            byte[] head = m.read(64);
            m.mprotect(PROT_READ | PROT_WRITE);
            out.println("Advanced: filled 1 MiB through asSegment(), mprotect(PROT_READ) then read 64 bytes (byte 63 = "
                    + head[63] + "), mprotect(PROT_READ|PROT_WRITE) restored");
            MemorySegment segment = m.asSegment();
            throughput.put("MemoryMap.read()", gigabytesPerSecond(() -> m.read(SIZE)));
            throughput.put("asSegment().toArray()", gigabytesPerSecond(() -> segment.toArray(ValueLayout.JAVA_BYTE)));
        }
        Path file = dir.resolve("buffer.bin");
        Files.write(file, new byte[SIZE]);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            MappedByteBuffer buffer = channel.map(FileChannel.MapMode.READ_ONLY, 0, SIZE);
            throughput.put("MappedByteBuffer.get()", gigabytesPerSecond(() -> {
                byte[] copy = new byte[SIZE];
                buffer.get(0, copy);
                return copy;
            }));
        }
        Files.delete(file);
        throughput.forEach((way, rate) -> out.printf(Locale.ROOT, "          %-24s %6.2f GB/s%n", way, rate));
        return throughput;
    }

    /** The best of a few rounds, each copying 1 MiB {@value #ITERATIONS} times; the first round warms up. */
    private static double gigabytesPerSecond(Supplier<byte[]> copy) {
        double best = 0;
        for (int round = 0; round <= ROUNDS; round++) {
            long start = System.nanoTime();
            int seen = 0;
            for (int i = 0; i < ITERATIONS; i++) {
                seen += copy.get()[i];
            }
            long elapsed = System.nanoTime() - start;
            sink = seen;
            if (round > 0) {
                best = Math.max(best, (double) SIZE * ITERATIONS / elapsed);
            }
        }
        return best;
    }
}
