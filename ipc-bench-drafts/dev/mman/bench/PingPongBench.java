package dev.mman.bench;

import dev.mman.SharedMemory;
import dev.mman.ipc.MessageHandler;
import dev.mman.ipc.SpscRingBuffer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
 * Round trip of a 32-byte message between two processes over two one-to-one rings: this JVM
 * writes to the ping ring, {@link IpcEcho} in a child JVM writes it back on the pong ring.
 * {@code spin}: both sides busy-poll (goal: at most 1.5 x a C shared-memory ping-pong).
 * {@code futex}: both sides use the blocking read (goal: at most 1.5 x a C futex ping-pong);
 * note that the blocking read spins and yields briefly before it sleeps, so a fast echo is often
 * caught before any futex call, as a C version with the same strategy would be.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class PingPongBench {

    private static final int CAPACITY = 64 * 1024;
    private static final int MESSAGE = 32;

    /** How both sides wait. */
    @Param({"spin", "futex"})
    public String wait;

    private SharedMemory shm;
    private SpscRingBuffer ping;
    private SpscRingBuffer pong;
    private Process echo;
    private final MemorySegment message = MemorySegment.ofArray(new byte[MESSAGE]);
    private final MessageHandler ignore = (type, buffer, offset, length) -> { };

    /** Creates both rings and starts the echo process. */
    @Setup
    public void setUp() throws IOException {
        String name = "mman-bench-pingpong-" + ProcessHandle.current().pid();
        long ringBytes = SpscRingBuffer.requiredBytes(CAPACITY);
        shm = SharedMemory.create(name, 2 * ringBytes);
        ping = SpscRingBuffer.format(shm, 0, CAPACITY);
        pong = SpscRingBuffer.format(shm, ringBytes, CAPACITY);
        echo = new ProcessBuilder(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                IpcEcho.class.getName(), name, Long.toString(ringBytes), wait))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(echo.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        shm.unlink();
        if (!"READY".equals(line)) {
            throw new IllegalStateException("the echo process did not start: " + line);
        }
    }

    /** Stops the echo process and unmaps. */
    @TearDown
    public void tearDown() throws InterruptedException {
        echo.destroyForcibly().waitFor();
        shm.close();
    }

    /** One message there and back. */
    @Benchmark
    public void roundTrip() throws InterruptedException {
        while (!ping.tryWrite(1, message, 0, MESSAGE)) {
            Thread.onSpinWait();
        }
        if (wait.equals("spin")) {
            while (pong.read(ignore, 1) == 0) {
                Thread.onSpinWait();
            }
        } else if (pong.read(ignore, 1, Duration.ofSeconds(10)) == 0) {
            throw new IllegalStateException("no echo within 10 s");
        }
    }
}
