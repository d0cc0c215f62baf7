package dev.mman;

import static dev.mman.Mman.MAP_SHARED;
import static dev.mman.Mman.PROT_READ;
import static dev.mman.Mman.PROT_WRITE;

import dev.mman.testing.Caught;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The child-JVM side of {@link FullDiskTest}: maps a sparse file four times the size of the file
 * system it lives on and writes into it until the space runs out.
 */
public final class FullDiskScenario {

    private FullDiskScenario() {}

    /**
     * Runs the scenario.
     *
     * @param args the sparse file to create, and its length
     * @throws Exception when the file cannot be made
     */
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        long length = Long.parseLong(args[1]);
        try (RandomAccessFile sparse = new RandomAccessFile(file.toFile(), "rw")) {
            sparse.setLength(length); // a hole: no block is allocated yet
        }
        try (MemoryMap map = MemoryMap.createFileMapping(file, 0, length, PROT_READ | PROT_WRITE, MAP_SHARED)) {
            byte[] chunk = new byte[64 << 10];
            Arrays.fill(chunk, (byte) 7);
            Caught.report("write", () -> {
                for (long at = 0; at < length; at += chunk.length) {
                    map.write(chunk, at);
                }
            });
            Caught.report("fill", () -> map.fill(length - chunk.length, chunk.length, (byte) 1));
        }
    }
}
