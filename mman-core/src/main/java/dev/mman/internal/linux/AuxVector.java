package dev.mman.internal.linux;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the kernel told this process at exec, in its auxiliary vector ({@code /proc/self/auxv}),
 * read as a file. The page size comes from here rather than from {@code sysconf}: a downcall handle
 * costs a command's start-up about 15 ms of generated classes, and glibc's {@code sysconf} reads
 * this same {@code AT_PAGESZ} entry.
 */
final class AuxVector {

    /** {@code AT_NULL}, which ends the vector. */
    private static final long END = 0;
    /** {@code AT_PAGESZ}. */
    private static final long PAGE_SIZE = 6;
    /** One entry: a 64-bit type and a 64-bit value, in the machine's byte order. */
    private static final int ENTRY = 16;

    private AuxVector() {}

    /**
     * This process's page size.
     *
     * @return bytes, or -1 when the vector cannot be read or holds no sane page size
     */
    static long pageSize() {
        return pageSize(Path.of("/proc/self/auxv"));
    }

    /**
     * The page size in a file laid out as the auxiliary vector. Nothing in it is trusted: the walk
     * stops at the file's end, and a value that is not a power of two is no answer.
     *
     * @param file the vector
     * @return bytes, or -1
     */
    static long pageSize(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException | SecurityException unreadable) {
            return -1;
        }
        ByteBuffer entries = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
        while (entries.remaining() >= ENTRY) {
            long type = entries.getLong();
            long value = entries.getLong();
            if (type == END) {
                break;
            }
            if (type == PAGE_SIZE) {
                return value > 0 && Long.bitCount(value) == 1 ? value : -1;
            }
        }
        return -1;
    }
}
