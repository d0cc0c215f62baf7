package dev.mman;

import static dev.mman.Mman.MAP_SHARED;
import static dev.mman.Mman.MS_SYNC;
import static dev.mman.Mman.PROT_READ;
import static dev.mman.Mman.PROT_WRITE;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The child-JVM side of {@link DurabilityTest}: writes one record through a shared file mapping,
 * syncs it, says so, and then waits to be killed without ever closing the mapping.
 */
public final class DurabilityChild {

    private DurabilityChild() {}

    /**
     * Writes the record and waits.
     *
     * @param args the file, the record's offset in it, and the record as text
     * @throws Exception when the mapping fails; the test then sees no {@code SYNCED} line
     */
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        long offset = Long.parseLong(args[1]);
        byte[] record = args[2].getBytes(StandardCharsets.UTF_8);
        MemoryMap m = MemoryMap.createFileMapping(file, 0, Files.size(file), PROT_READ | PROT_WRITE, MAP_SHARED);
        m.write(record, offset);
        m.msync(MS_SYNC);
        System.out.println("SYNCED " + record.length + " bytes at " + offset);
        System.out.flush();
        // Block until SIGKILL: no close(), no shutdown hook, no orderly exit may help the data along.
        new CountDownLatch(1).await();
    }
}
