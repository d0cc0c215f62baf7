package dev.mman.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** How much storage a file really has, which tells a reserved file from a sparse one. */
public final class AllocatedBytes {

    private AllocatedBytes() {}

    /**
     * {@code st_blocks * 512}, read with {@code stat -c %b}, since Java's attribute views do not offer it.
     *
     * @param file the file
     * @return bytes of storage
     * @throws IOException when stat cannot run
     * @throws InterruptedException when interrupted while it runs
     */
    public static long of(Path file) throws IOException, InterruptedException {
        Process stat = new ProcessBuilder("stat", "-c", "%b", file.toString()).redirectErrorStream(true).start();
        String blocks = new String(stat.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (stat.waitFor() != 0) {
            throw new AssertionError("stat -c %b " + file + " failed: " + blocks);
        }
        return Long.parseLong(blocks) * 512;
    }
}
