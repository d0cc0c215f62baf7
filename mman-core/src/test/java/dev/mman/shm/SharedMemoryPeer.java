package dev.mman.shm;

import dev.mman.SharedMemory;
import java.nio.charset.StandardCharsets;

/** The second process of {@link SharedMemoryTest}: opens the name, reads, and writes back. */
public final class SharedMemoryPeer {

    static final String REPLY = "reply from the child";
    static final long REPLY_OFFSET = 1024;

    private SharedMemoryPeer() {}

    /**
     * Opens {@code args[0]}, prints what the parent wrote, and writes {@link #REPLY}.
     *
     * @param args the name
     */
    public static void main(String[] args) {
        try (SharedMemory shm = SharedMemory.open(args[0])) {
            byte[] seen = shm.read(21, 0);
            System.out.println("READ " + new String(seen, StandardCharsets.US_ASCII));
            shm.write(REPLY.getBytes(StandardCharsets.US_ASCII), REPLY_OFFSET);
        }
    }
}
