package dev.mman.bench;

import dev.mman.Advice;
import dev.mman.MemoryMap;
import dev.mman.Mman;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * {@value #READS} reads of 4 KiB at random page-aligned offsets of a file that is not in the
 * page cache ({@link ColdFile}); one operation is all of them. The offsets are the same in every
 * contender and in the C baseline (xorshift from one seed).
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED",
        "--sun-misc-unsafe-memory-access=allow"})
public class ColdRandomBench {

    /** Reads per operation; the report's UsageWorkloads.COLD_READS and the C baseline agree. */
    static final int READS = 512;
    private static final int PAGE = 4096;

    /** A channel and buffer for the FileChannel contender. */
    @State(Scope.Thread)
    public static class Channel {
        FileChannel channel;
        final ByteBuffer buffer = ByteBuffer.allocateDirect(PAGE);

        /** Opens the file once per trial. */
        @Setup(Level.Trial)
        public void open(ColdFile cold) throws IOException {
            channel = FileChannel.open(cold.file, StandardOpenOption.READ);
        }

        /** Closes it. */
        @TearDown(Level.Trial)
        public void close() throws IOException {
            channel.close();
        }
    }

    /**
     * Compiles the Java contenders before the first measured read. A single-shot operation is
     * only {@value ColdRandomBench#READS} calls, so without this the measured ones ran interpreted or at C1,
     * against a C baseline compiled ahead of time; the figure is meant to be the device's, not
     * the JIT's. The loops run on the file before the first iteration evicts it
     * ({@link ColdFile#evict}), so they are fast once its pages are cached.
     */
    @State(Scope.Thread)
    public static class Compiled {
        /** Calls each loop {@value #ROUNDS} times: over 10,000 calls of each read, past C2's thresholds. */
        static final int ROUNDS = 24;

        /** Runs the loops. */
        @Setup(Level.Trial)
        public void warm(ColdFile cold, Channel channel, Page page) throws IOException {
            DeviceReads ignored = new DeviceReads();
            for (int round = 0; round < ROUNDS; round++) {
                readMapped(cold, Advice.RANDOM, ignored, page.bytes);
                readChannel(cold, channel, ignored);
            }
        }
    }

    /** mman with {@code madvise(RANDOM)}. */
    @Benchmark
    public long random_mman(ColdFile cold, DeviceReads reads, Page page, Compiled compiled) {
        return readMapped(cold, Advice.RANDOM, reads, page.bytes);
    }

    /** mman with the default advice. */
    @Benchmark
    public long random_defaultAdvice(ColdFile cold, DeviceReads reads, Page page, Compiled compiled) {
        return readMapped(cold, null, reads, page.bytes);
    }

    /** {@code FileChannel.read} at each offset. */
    @Benchmark
    public long random_fileChannel(ColdFile cold, Channel channel, DeviceReads reads, Compiled compiled)
            throws IOException {
        return readChannel(cold, channel, reads);
    }

    private static long readChannel(ColdFile cold, Channel channel, DeviceReads reads) throws IOException {
        long pages = cold.coldSize / PAGE;
        long state = RandomOffsets.SEED;
        long sum = 0;
        reads.begin();
        for (int i = 0; i < READS; i++) {
            state = RandomOffsets.next(state);
            long offset = Long.remainderUnsigned(state, pages) * PAGE;
            channel.buffer.clear();
            while (channel.buffer.hasRemaining()
                    && channel.channel.read(channel.buffer, offset + channel.buffer.position()) > 0) {
                // A read of a regular file returns short only at its end.
            }
            sum += channel.buffer.get(0);
        }
        reads.end();
        return sum;
    }

    /**
     * Maps, advises, reads and unmaps within the operation (microseconds against milliseconds of
     * device reads): pages this process still maps would survive the next eviction.
     */
    private static long readMapped(ColdFile cold, Advice advice, DeviceReads reads, byte[] into) {
        long pages = cold.coldSize / PAGE;
        long state = RandomOffsets.SEED;
        long sum = 0;
        reads.begin();
        try (MemoryMap map = MemoryMap.createFileMapping(cold.file, 0, cold.coldSize, Mman.PROT_READ,
                Mman.MAP_SHARED)) {
            if (advice != null) {
                map.madvise(advice);
            }
            for (int i = 0; i < READS; i++) {
                state = RandomOffsets.next(state);
                map.read(Long.remainderUnsigned(state, pages) * PAGE, into, 0, PAGE);
                sum += into[0];
            }
        }
        reads.end();
        return sum;
    }

    /** The array the mapped contenders copy each page into. */
    @State(Scope.Thread)
    public static class Page {
        final byte[] bytes = new byte[PAGE];
    }
}
