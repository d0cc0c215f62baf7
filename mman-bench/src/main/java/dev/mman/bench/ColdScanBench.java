package dev.mman.bench;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.mman.Advice;
import dev.mman.MappedRecords;
import dev.mman.MappedRecords.RecordIterator;
import dev.mman.MemoryMap;
import dev.mman.Mman;
import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;

/**
 * One sequential pass over a file that is not in the page cache ({@link ColdFile}), summing the
 * first {@code long} of each 4 KiB record. One operation is the whole file.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED",
        "--sun-misc-unsafe-memory-access=allow"})
public class ColdScanBench {

    private static final int RECORD = 4096;
    private static final int READ_BUFFER = 1 << 20;
    /** The largest MappedByteBuffer is 2 GiB - 1 bytes; the file is mapped in parts of this size. */
    private static final long BUFFER_PART = 1L << 30;

    /** mman's record iterator, with the advice and prefaulting of its windows. */
    @Benchmark
    public long scan_mman(ColdFile cold, DeviceReads reads) {
        reads.begin();
        long sum = 0;
        try (RecordIterator records = MappedRecords.of(cold.file, RECORD).iterator()) {
            while (records.hasNext()) {
                sum += records.next().get(JAVA_LONG, 0);
            }
        }
        reads.end();
        return sum;
    }

    /** One mapping of the whole file with {@code madvise(WILLNEED)}, then a loop over its view. */
    @Benchmark
    public long scan_willneed(ColdFile cold, DeviceReads reads) {
        reads.begin();
        long sum = 0;
        try (MemoryMap map = MemoryMap.createFileMapping(cold.file, 0, cold.coldSize, Mman.PROT_READ,
                Mman.MAP_SHARED)) {
            map.madvise(Advice.WILLNEED);
            MemorySegment view = map.asSegment();
            for (long at = 0; at + RECORD <= cold.coldSize; at += RECORD) {
                sum += view.get(JAVA_LONG, at);
            }
        }
        reads.end();
        return sum;
    }

    /** The plain Java loop: positional reads into one direct buffer. */
    @Benchmark
    public long scan_fileChannel(ColdFile cold, DeviceReads reads, Buffer buffer) throws IOException {
        reads.begin();
        long sum = 0;
        ByteBuffer bytes = buffer.bytes;
        try (FileChannel channel = FileChannel.open(cold.file, StandardOpenOption.READ)) {
            for (long position = 0; position < cold.coldSize; ) {
                bytes.clear();
                while (bytes.hasRemaining() && channel.read(bytes, position + bytes.position()) > 0) {
                    // Fills the buffer unless the file ends.
                }
                int filled = bytes.position();
                if (filled == 0) {
                    throw new EOFException(cold.file + " ended at " + position + " of " + cold.coldSize + " bytes");
                }
                for (int record = 0; record + RECORD <= filled; record += RECORD) {
                    sum += bytes.getLong(record);
                }
                position += filled;
            }
        }
        reads.end();
        return sum;
    }

    /**
     * MappedByteBuffers read with absolute gets. Each comes from a segment of a confined arena:
     * a buffer of {@code FileChannel.map(mode, offset, size)} stays mapped until the GC finds it,
     * and pages still mapped would survive the next iteration's eviction.
     */
    @Benchmark
    public long scan_mappedByteBuffer(ColdFile cold, DeviceReads reads) throws IOException {
        reads.begin();
        long sum = 0;
        try (FileChannel channel = FileChannel.open(cold.file, StandardOpenOption.READ);
                Arena arena = Arena.ofConfined()) {
            for (long part = 0; part < cold.coldSize; part += BUFFER_PART) {
                long length = Math.min(BUFFER_PART, cold.coldSize - part);
                ByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, part, length, arena).asByteBuffer()
                        .order(ByteOrder.nativeOrder());
                for (int record = 0; record + RECORD <= length; record += RECORD) {
                    sum += mapped.getLong(record);
                }
            }
        }
        reads.end();
        return sum;
    }

    /** The read loop's buffer, made once per trial. */
    @org.openjdk.jmh.annotations.State(org.openjdk.jmh.annotations.Scope.Thread)
    public static class Buffer {
        final ByteBuffer bytes = ByteBuffer.allocateDirect(READ_BUFFER).order(ByteOrder.nativeOrder());
    }
}
