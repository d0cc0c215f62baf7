package dev.mman.pool;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;

/**
 * Writes pool headers as a hostile or buggy peer would: any field values, under the checksum that
 * makes them pass it (the recipe is public), with the magic stored last as {@code format} does.
 */
final class ForgedHeader {

    private ForgedHeader() {}

    /** A version-{@value PoolLayout#VERSION} header with these fields and a matching checksum. */
    static void write(MemorySegment memory, long blockSize, long blockCount, long bitmapStart, long ownersStart,
            long dataStart) {
        write(memory, PoolLayout.VERSION, blockSize, blockCount, bitmapStart, ownersStart, dataStart);
    }

    /** A header with these fields and a matching checksum. */
    static void write(MemorySegment memory, int version, long blockSize, long blockCount, long bitmapStart,
            long ownersStart, long dataStart) {
        memory.set(JAVA_LONG, PoolLayout.MAGIC_OFFSET, 0L);
        memory.set(JAVA_INT, PoolLayout.VERSION_OFFSET, version);
        memory.set(JAVA_LONG, PoolLayout.BLOCK_SIZE_OFFSET, blockSize);
        memory.set(JAVA_LONG, PoolLayout.BLOCK_COUNT_OFFSET, blockCount);
        memory.set(JAVA_LONG, PoolLayout.BITMAP_START_OFFSET, bitmapStart);
        memory.set(JAVA_LONG, PoolLayout.OWNERS_START_OFFSET, ownersStart);
        memory.set(JAVA_LONG, PoolLayout.DATA_START_OFFSET, dataStart);
        memory.set(JAVA_LONG, PoolLayout.CHECKSUM_OFFSET,
                PoolLayout.checksum(version, blockSize, blockCount, bitmapStart, ownersStart, dataStart));
        memory.set(JAVA_LONG, PoolLayout.MAGIC_OFFSET, PoolLayout.MAGIC);
    }

    /** A header whose offsets follow the recipe for this block size and count, whatever they are. */
    static void write(MemorySegment memory, long blockSize, long blockCount) {
        write(memory, blockSize, blockCount, PoolLayout.HEADER_BYTES, PoolLayout.ownersStart(blockCount),
                PoolLayout.dataStart(blockSize, blockCount));
    }
}
