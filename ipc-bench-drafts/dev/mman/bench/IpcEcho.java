package dev.mman.bench;

import dev.mman.SharedMemory;
import dev.mman.ipc.MessageHandler;
import dev.mman.ipc.SpscRingBuffer;
import java.time.Duration;

/**
 * The second process of {@link PingPongBench}: sends every record of the ping ring straight back
 * on the pong ring. Arguments: the shared-memory name, the pong ring's offset, and {@code spin}
 * or {@code futex}. Prints {@code READY} once attached; runs until killed.
 */
public final class IpcEcho {

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
            boolean spin = args[2].equals("spin");
            MessageHandler echo = (type, buffer, offset, length) -> {
                while (!pong.tryWrite(type, buffer, offset, length)) {
                    Thread.onSpinWait();
                }
            };
            System.out.println("READY");
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
}
