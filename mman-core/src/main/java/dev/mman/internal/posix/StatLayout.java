package dev.mman.internal.posix;

import dev.mman.internal.FileStatus;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Where one C library's {@code struct stat} keeps the two fields mman reads, so that one {@code fstat}
 * call serves every system and architecture. Pure: it only reads a buffer that {@code fstat} filled.
 *
 * @param modeOffset the byte offset of {@code st_mode}
 * @param modeBytes the width of {@code st_mode}: 4 on Linux, 2 on macOS ({@code mode_t} is a
 *     {@code uint16_t} there)
 * @param sizeOffset the byte offset of {@code st_size}, a 64-bit {@code off_t} everywhere mman runs
 * @param byteSize the size of the whole struct, so a buffer of this length is enough
 */
public record StatLayout(long modeOffset, int modeBytes, long sizeOffset, long byteSize) {

    /**
     * The {@code st_mode} field.
     *
     * @param stat a filled buffer of at least {@link #byteSize()} bytes
     * @return the mode bits, unsigned
     */
    int mode(MemorySegment stat) {
        return modeBytes == 2
                ? Short.toUnsignedInt(stat.get(ValueLayout.JAVA_SHORT_UNALIGNED, modeOffset))
                : stat.get(ValueLayout.JAVA_INT_UNALIGNED, modeOffset);
    }

    /**
     * The {@code st_size} field.
     *
     * @param stat a filled buffer
     * @return the length in bytes
     */
    long size(MemorySegment stat) {
        return stat.get(ValueLayout.JAVA_LONG_UNALIGNED, sizeOffset);
    }

    /**
     * What sort of file a mode describes ({@code S_IFMT}, the same bits on Linux and macOS).
     *
     * @param mode {@code st_mode}
     * @return regular file, directory, FIFO, socket, device or anything else
     */
    static FileStatus.Kind kind(int mode) {
        return FileStatus.Kind.ofMode(mode);
    }
}
