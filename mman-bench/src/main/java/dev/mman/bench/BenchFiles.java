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

    /**
     * A large file for the cold-cache workloads, shared by every fork of one {@code bench/run}:
     * when {@code MMAN_BENCH_SCRATCH} names a directory (bench/run's scratch directory, which it
     * removes at exit, and where the C baseline makes the same file) the file is made there once
     * and kept; otherwise it is a temporary file that {@link #deleteUnlessShared} removes.
     */
    static Path coldFile(long size) {
        String scratch = System.getenv("MMAN_BENCH_SCRATCH");
        if (scratch == null || scratch.isEmpty()) {
            return create(size);
        }
        Path file = Path.of(scratch, "cold-" + size + ".bin");
        try {
            if (!Files.exists(file) || Files.size(file) != size) {
                Path fresh = create(size);
                Files.move(fresh, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes a file of {@link #coldFile} unless bench/run shares it between forks. */
    static void deleteUnlessShared(Path file) {
        if (file != null && !file.getParent().toString().equals(System.getenv("MMAN_BENCH_SCRATCH"))) {
            delete(file);
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
