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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Round trip of a 32-byte message between two processes over two one-to-one rings: this JVM
 * writes to the ping ring, {@link IpcEcho} in a child JVM writes it back on the pong ring.
 * {@code spin}: both sides busy-poll (goal: at most 1.5 x a C shared-memory ping-pong).
 * {@code futex}: both sides use the blocking read (goal: at most 1.5 x a C futex ping-pong).
 * The blocking read spins and yields briefly before it sleeps, so a fast echo is often caught
 * before any futex call; the C futex baseline never spins, which makes it the slower bound.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED",
        "--sun-misc-unsafe-memory-access=allow"})
public class PingPongBench {

    private static final int CAPACITY = 64 * 1024;
    private static final int MESSAGE = 32;
    private static final Duration ECHO_TIMEOUT = Duration.ofSeconds(10);

    /** Two rings in one shared mapping, and the child JVM that echoes on them. */
    static final class EchoPair {
        private final SharedMemory shm;
        private final SpscRingBuffer ping;
        private final SpscRingBuffer pong;
        private final Process echo;
        private final MemorySegment message = MemorySegment.ofArray(new byte[MESSAGE]);
        private final MessageHandler ignore = (type, buffer, offset, length) -> { };

        EchoPair(String waitMode) throws IOException {
            String name = "mman-bench-pingpong-" + ProcessHandle.current().pid();
            long ringBytes = SpscRingBuffer.requiredBytes(CAPACITY);
            shm = SharedMemory.create(name, 2 * ringBytes);
            ping = SpscRingBuffer.format(shm, 0, CAPACITY);
            pong = SpscRingBuffer.format(shm, ringBytes, CAPACITY);
            echo = new ProcessBuilder(List.of(ProcessHandle.current().info().command().orElseThrow(),
                    "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                    IpcEcho.class.getName(), name, Long.toString(ringBytes), waitMode))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(echo.getInputStream(),
                    StandardCharsets.UTF_8));
            String line = out.readLine();
            // The child has the object open (or failed): the name is no longer needed.
            shm.unlink();
            if (!IpcEcho.READY.equals(line)) {
                stop();
                throw new IllegalStateException("the echo process did not start: " + line);
            }
        }

        void send() {
            while (!ping.tryWrite(1, message, 0, MESSAGE)) {
                Thread.onSpinWait();
            }
        }

        void spinForEcho() {
            while (pong.read(ignore, 1) == 0) {
                Thread.onSpinWait();
            }
        }

        void blockForEcho() throws InterruptedException {
            if (pong.read(ignore, 1, ECHO_TIMEOUT) == 0) {
                throw new IllegalStateException("no echo within " + ECHO_TIMEOUT);
            }
        }

        void stop() {
            try {
                echo.destroyForcibly().waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                shm.close();
            }
        }
    }

    /** A child that busy-polls. */
    @State(Scope.Benchmark)
    public static class SpinningEcho {
        private EchoPair pair;

        /** Starts the child. @throws IOException when it cannot be started */
        @Setup
        public void setUp() throws IOException {
            pair = new EchoPair(IpcEcho.SPIN);
        }

        /** Stops it. */
        @TearDown
        public void tearDown() {
            pair.stop();
        }
    }

    /** A child that blocks in the ring's read with a timeout. */
    @State(Scope.Benchmark)
    public static class BlockingEcho {
        private EchoPair pair;

        /** Starts the child. @throws IOException when it cannot be started */
        @Setup
        public void setUp() throws IOException {
            pair = new EchoPair(IpcEcho.FUTEX);
        }

        /** Stops it. */
        @TearDown
        public void tearDown() {
            pair.stop();
        }
    }

    /**
     * One message there and back, both sides spinning.
     *
     * @param echo the child
     */
    @Benchmark
    public void spin_mman(SpinningEcho echo) {
        echo.pair.send();
        echo.pair.spinForEcho();
    }

    /**
     * One message there and back, both sides blocking.
     *
     * @param echo the child
     * @throws InterruptedException when interrupted while waiting
     */
    @Benchmark
    public void futex_mman(BlockingEcho echo) throws InterruptedException {
        echo.pair.send();
        echo.pair.blockForEcho();
    }
}
