package dev.mman.bench;

import dev.mman.SharedMemory;
import dev.mman.ipc.MessageHandler;
import dev.mman.ipc.SpscRingBuffer;
import java.time.Duration;

/**
 * The second process of {@link PingPongBench}: sends every record of the ping ring straight back
 * on the pong ring. Arguments: the shared-memory name, the pong ring's offset, and {@value #SPIN}
 * or {@value #FUTEX}. Prints {@value #READY} once attached; runs until killed.
 */
public final class IpcEcho {

    /** The wait mode that busy-polls. */
    static final String SPIN = "spin";
    /** The wait mode that blocks in {@code read(handler, limit, timeout)}. */
    static final String FUTEX = "futex";
    /** The line that tells the benchmark the echo is attached. */
    static final String READY = "READY";

    private IpcEcho() {}

    /**
     * Echoes until killed.
     *
     * @param args name, pong offset, wait mode
     * @throws InterruptedException never in practice
     */
    public static void main(String[] args) throws InterruptedException {
        try (SharedMemory shm = SharedMemory.open(args[0])) {
            SpscRingBuffer ping = SpscRingBuffer.attach(shm, 0);
            SpscRingBuffer pong = SpscRingBuffer.attach(shm, Long.parseLong(args[1]));
            boolean spin = args[2].equals(SPIN);
            MessageHandler echo = (type, buffer, offset, length) -> {
                while (!pong.tryWrite(type, buffer, offset, length)) {
                    Thread.onSpinWait();
                }
            };
            exitWhenParentGoes();
            System.out.println(READY);
            System.out.flush();
            while (true) {
                if (spin) {
                    if (ping.read(echo, 1) == 0) {
                        Thread.onSpinWait();
                    }
                } else {
                    ping.read(echo, 1, Duration.ofSeconds(1));
                }
            }
        }
    }

    /**
     * A benchmark fork that dies without its tear-down must not leave this process spinning on a
     * shared machine: the parent's end of standard input closes with it.
     */
    private static void exitWhenParentGoes() {
        Thread.ofPlatform().daemon().name("parent-watch").start(() -> {
            try {
                while (System.in.read() >= 0) {
                    // Nothing is ever sent; only the end of the stream matters.
                }
            } catch (java.io.IOException e) {
                // A broken pipe is the same news as the end of the stream.
            }
            System.exit(0);
        });
    }
}
