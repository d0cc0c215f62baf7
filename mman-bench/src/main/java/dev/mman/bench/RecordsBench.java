package dev.mman.bench;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.mman.MappedRecords;
import dev.mman.MappedRecords.RecordIterator;
import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One pass over a page-cached file of fixed-size records, summing the first {@code long} of each
 * record, so that every record is really visited but the work per record stays tiny: the cost
 * is the iteration itself. One operation is the whole file; the report shows it as GB/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED",
        "--sun-misc-unsafe-memory-access=allow"})
public class RecordsBench {

    private static final int SMALL_RECORD = 64;
    private static final int PAGE_RECORD = 4096;
    /** The read loop's buffer: a multiple of both record sizes. */
    private static final int READ_BUFFER = 1 << 20;

    /** Bytes in the file (bench/run --quick passes 64 MiB). */
    @Param({"268435456"})
    public long fileSize;

    private Path file;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(READ_BUFFER).order(ByteOrder.nativeOrder());

    /** Writes the file; the first pass of the warm-up brings it into the page cache. */
    @Setup
    public void setUp() {
        file = BenchFiles.create(fileSize);
    }

    /** Deletes it. */
    @TearDown
    public void tearDown() {
        BenchFiles.delete(file);
    }

    /** mman's iterator over 64-byte records. */
    @Benchmark
    public long sum64_mman() {
        return iterate(SMALL_RECORD);
    }

    /** mman's stream over 64-byte records. */
    @Benchmark
    public long sum64_stream() {
        return stream(SMALL_RECORD);
    }

    /** A plain FileChannel read loop, 64-byte records. */
    @Benchmark
    public long sum64_fileChannel() throws IOException {
        return readLoop(SMALL_RECORD);
    }

    /** mman's iterator over 4096-byte records. */
    @Benchmark
    public long sum4096_mman() {
        return iterate(PAGE_RECORD);
    }

    /** mman's stream over 4096-byte records. */
    @Benchmark
    public long sum4096_stream() {
        return stream(PAGE_RECORD);
    }

    /** A plain FileChannel read loop, 4096-byte records. */
    @Benchmark
    public long sum4096_fileChannel() throws IOException {
        return readLoop(PAGE_RECORD);
    }

    private long iterate(int recordSize) {
        long sum = 0;
        try (RecordIterator records = MappedRecords.of(file, recordSize).iterator()) {
            while (records.hasNext()) {
                sum += records.next().get(JAVA_LONG, 0);
            }
        }
        return sum;
    }

    private long stream(int recordSize) {
        try (Stream<MemorySegment> records = MappedRecords.of(file, recordSize).stream()) {
            return records.mapToLong(record -> record.get(JAVA_LONG, 0)).sum();
        }
    }

    /** What a Java user writes without mman: positional reads into one direct buffer. */
    private long readLoop(int recordSize) throws IOException {
        long sum = 0;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            for (long position = 0; position < fileSize; ) {
                buffer.clear();
                while (buffer.hasRemaining() && position + buffer.position() < fileSize) {
                    if (channel.read(buffer, position + buffer.position()) < 0) {
                        break;
                    }
                }
                int filled = buffer.position();
                if (filled == 0) {
                    throw new EOFException(file + " ended at " + position + " of " + fileSize + " bytes");
                }
                for (int record = 0; record + recordSize <= filled; record += recordSize) {
                    sum += buffer.getLong(record);
                }
                position += filled;
            }
        }
        return sum;
    }
}
