package dev.mman.ipc;

import dev.mman.SharedMemory;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.zip.CRC32C;

/**
 * The producer processes of {@link RingProcessesTest}; the ring sits at offset 0 of the shared memory.
 *
 * <ul>
 * <li>{@code spsc <name> <count>}: writes messages 0 to count-1 of {@link #SPSC_STREAM} (1 to 256
 *     bytes, type {@code 1 + n % 1000}) and prints {@code CRC <checksum of all payloads>};</li>
 * <li>{@code mpsc <name> <id> <count>}: writes {@code count} messages of type {@code id}, each
 *     starting with its sequence number, printing {@code WRITING} after the first and {@code DONE}
 *     at the end;</li>
 * <li>{@code stall <name>}: claims room for one record, prints {@code CLAIMED} before publishing it,
 *     and sleeps until killed.</li>
 * </ul>
 */
public final class RingPeer {

    static final long SPSC_STREAM = 7;
    static final int SPSC_MAX_LENGTH = 256;
    static final int MPSC_MAX_LENGTH = 96;

    private RingPeer() {}

    /**
     * Runs one mode.
     *
     * @param args the mode and its arguments
     * @throws InterruptedException never in practice: nothing interrupts the child
     */
    public static void main(String[] args) throws InterruptedException {
        try (SharedMemory shm = SharedMemory.open(args[1])) {
            switch (args[0]) {
                case "spsc" -> produceSpsc(SpscRingBuffer.attach(shm, 0), Long.parseLong(args[2]));
                case "mpsc" -> produceMpsc(MpscRingBuffer.attach(shm, 0), Integer.parseInt(args[2]),
                        Long.parseLong(args[3]));
                case "stall" -> MpscRingBuffer.attach(shm, 0).tryWrite(1, MemorySegment.ofArray(new byte[64]), 0, 64,
                        RingPeer::stallForever);
                default -> throw new IllegalArgumentException("unknown mode " + args[0]);
            }
        }
    }

    private static void produceSpsc(SpscRingBuffer ring, long count) throws InterruptedException {
        byte[] payload = new byte[SPSC_MAX_LENGTH];
        MemorySegment source = MemorySegment.ofArray(payload);
        CRC32C crc = new CRC32C();
        for (long n = 0; n < count; n++) {
            int length = Payloads.length(SPSC_STREAM, n, 1, SPSC_MAX_LENGTH);
            Payloads.fill(SPSC_STREAM, n, payload, length);
            crc.update(payload, 0, length);
            ring.write(1 + (int) (n % 1000), source, 0, length);
        }
        System.out.println("CRC " + crc.getValue());
    }

    private static void produceMpsc(MpscRingBuffer ring, int id, long count) throws InterruptedException {
        byte[] payload = new byte[MPSC_MAX_LENGTH];
        MemorySegment source = MemorySegment.ofArray(payload);
        for (long n = 0; n < count; n++) {
            source.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, n);
            ring.write(id, source, 0, Payloads.length(id, n, Long.BYTES, MPSC_MAX_LENGTH));
            if (n == 0) {
                System.out.println("WRITING");
            }
        }
        ring.close();
        System.out.println("DONE");
    }

    private static void stallForever() {
        System.out.println("CLAIMED");
        sleepUntilKilled();
    }

    /** Sleeps until the process is killed, or its thread interrupted. */
    static void sleepUntilKilled() {
        while (true) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
