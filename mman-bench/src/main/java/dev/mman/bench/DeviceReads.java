package dev.mman.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Bytes this process made the kernel read from the storage device ({@code /proc/self/io}
 * {@code read_bytes}, readahead included), reported by JMH as the secondary metric
 * {@code deviceBytes} beside each cold-file benchmark. The benchmarks run single-shot, one
 * operation per iteration, so the per-iteration sum is the figure per operation.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class DeviceReads {

    private static final Path IO = Path.of("/proc/self/io");

    /** Device bytes read during the iteration's operations. */
    public long deviceBytes;

    private long start;

    /** Clears the count for the new iteration. */
    @Setup(Level.Iteration)
    public void reset() {
        deviceBytes = 0;
    }

    /** Called by the operation before its first read. */
    void begin() {
        start = readBytes();
    }

    /** Called by the operation after its last read. */
    void end() {
        deviceBytes += readBytes() - start;
    }

    /**
     * The process's {@code read_bytes} so far; 0 where the kernel does not keep it (not Linux,
     * or no task I/O accounting), so that the figure is then missing rather than wrong.
     */
    static long readBytes() {
        try {
            for (String line : Files.readAllLines(IO)) {
                if (line.startsWith("read_bytes:")) {
                    return Long.parseLong(line.substring("read_bytes:".length()).trim());
                }
            }
            return 0;
        } catch (IOException e) {
            return 0;
        } catch (NumberFormatException e) {
            throw new UncheckedIOException(new IOException(IO + " has an unreadable read_bytes line", e));
        }
    }
}
