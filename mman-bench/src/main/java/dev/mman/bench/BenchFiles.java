package dev.mman.bench;

import dev.mman.SharedMemory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Scratch files and shared memory for the workloads: made once per trial, removed at its end. */
final class BenchFiles {

    private BenchFiles() {}

    /**
     * A new file of {@code size} bytes with non-zero content, so that every page is really
     * allocated on disk and in the page cache (a sparse file would read as zeros without I/O).
     */
    static Path create(long size) {
        try {
            Path file = Files.createTempFile("mman-bench-", ".bin");
            ByteBuffer chunk = ByteBuffer.wrap(pattern(1 << 20));
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                for (long written = 0; written < size; ) {
                    chunk.clear().limit((int) Math.min(chunk.capacity(), size - written));
                    written += channel.write(chunk, written);
                }
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Bytes that are neither zero nor constant, the source of every write workload. */
    static byte[] pattern(int size) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (i * 31 + 7);
        }
        return bytes;
    }

    /**
     * A new named shared-memory object whose name is removed at once: the mapping stays until
     * closed, and nothing is left in /dev/shm if the fork dies.
     */
    static SharedMemory unlinkedSharedMemory(String purpose, long size) {
        SharedMemory memory = SharedMemory.create("mman-bench-" + purpose + "-" + ProcessHandle.current().pid(), size);
        memory.unlink();
        return memory;
    }

    static void delete(Path file) {
        try {
            if (file != null) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
