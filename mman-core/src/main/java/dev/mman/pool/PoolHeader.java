package dev.mman.pool;

import static dev.mman.pool.PoolLayout.BITMAP_START_OFFSET;
import static dev.mman.pool.PoolLayout.BLOCK_COUNT_OFFSET;
import static dev.mman.pool.PoolLayout.BLOCK_SIZE_OFFSET;
import static dev.mman.pool.PoolLayout.CHECKSUM_OFFSET;
import static dev.mman.pool.PoolLayout.DATA_START_OFFSET;
import static dev.mman.pool.PoolLayout.HEADER_BYTES;
import static dev.mman.pool.PoolLayout.MAGIC;
import static dev.mman.pool.PoolLayout.MAGIC_OFFSET;
import static dev.mman.pool.PoolLayout.MIN_BLOCK_SIZE;
import static dev.mman.pool.PoolLayout.VERSION;
import static dev.mman.pool.PoolLayout.VERSION_OFFSET;

import dev.mman.MMapInvalidParameterException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * The pool's geometry as it is stored in the first {@value PoolLayout#HEADER_BYTES} bytes of its
 * memory, so that every process that maps the same memory finds the same blocks; the bytes are
 * described by {@link PoolLayout}.
 *
 * @param blockSize bytes per block
 * @param blockCount how many blocks
 * @param dataOffset where block 0 starts, from the start of the pool's memory
 */
record PoolHeader(long blockSize, long blockCount, long dataOffset) {

    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    /** The number of 64-bit bitmap words that hold {@code blockCount} bits. */
    long bitmapWords() {
        return PoolLayout.bitmapWords(blockCount);
    }

    /** The first byte after the last block. */
    long end() {
        return dataOffset + blockCount * blockSize;
    }

    /**
     * The geometry of the largest pool of {@code blockSize} blocks that fits into {@code size}
     * bytes, or null when not even one block fits.
     */
    static PoolHeader largestFitting(long size, long blockSize) {
        // Each block costs blockSize bytes plus one bitmap bit. Estimate the count from the bytes left
        // after the header, a partial bitmap word and the alignment gap, then step to the exact largest.
        long spare = size - HEADER_BYTES - Long.BYTES - PoolLayout.dataAlignment(blockSize);
        long count = spare <= 0 ? 0 : (long) (spare / (blockSize + 0.125));
        while (requiredSize(blockSize, count + 1) <= size) {
            count++;
        }
        while (count > 0 && requiredSize(blockSize, count) > size) {
            count--;
        }
        return count == 0 ? null : new PoolHeader(blockSize, count, PoolLayout.dataStart(blockSize, count));
    }

    /** The bytes that hold the header, the bitmap and {@code blockCount} blocks. */
    static long requiredSize(long blockSize, long blockCount) {
        return Math.addExact(PoolLayout.dataStart(blockSize, blockCount), Math.multiplyExact(blockCount, blockSize));
    }

    /**
     * Writes the header and an all-free bitmap. The magic is cleared first and published last,
     * so that a process attaching meanwhile sees "not formatted" instead of half a header.
     */
    void writeTo(MemorySegment memory) {
        LONG.setVolatile(memory, MAGIC_OFFSET, 0L);
        long words = bitmapWords();
        memory.asSlice(HEADER_BYTES, words * Long.BYTES).fill((byte) 0);
        long spareBits = words * 64 - blockCount;
        if (spareBits > 0) {
            // Bits past the last block are marked used, so the allocator never needs a bounds check.
            LONG.set(memory, HEADER_BYTES + (words - 1) * Long.BYTES, -1L << (64 - spareBits));
        }
        memory.set(ValueLayout.JAVA_INT, VERSION_OFFSET, VERSION);
        memory.set(ValueLayout.JAVA_INT, VERSION_OFFSET + 4, 0);
        LONG.set(memory, BLOCK_SIZE_OFFSET, blockSize);
        LONG.set(memory, BLOCK_COUNT_OFFSET, blockCount);
        LONG.set(memory, BITMAP_START_OFFSET, (long) HEADER_BYTES);
        LONG.set(memory, DATA_START_OFFSET, dataOffset);
        LONG.set(memory, CHECKSUM_OFFSET,
                PoolLayout.checksum(VERSION, blockSize, blockCount, HEADER_BYTES, dataOffset));
        LONG.set(memory, CHECKSUM_OFFSET + 8, 0L);
        LONG.setRelease(memory, MAGIC_OFFSET, MAGIC);
    }

    /**
     * Reads and checks the header of {@code memory}.
     *
     * @param where the call, for messages
     * @param noun what {@code memory} is, for messages: "mapping" or "segment"
     * @throws MMapInvalidParameterException naming what is wrong, when the memory holds no pool
     *     of this version, or its header is damaged
     */
    static PoolHeader readFrom(MemorySegment memory, String where, String noun) {
        if (memory.byteSize() < HEADER_BYTES) {
            throw invalid(where, "the " + noun + " has " + memory.byteSize() + " bytes, fewer than the "
                    + HEADER_BYTES + "-byte pool header; it holds no pool");
        }
        long magic = (long) LONG.getAcquire(memory, MAGIC_OFFSET);
        if (magic != MAGIC) {
            throw invalid(where, magic == 0
                    ? "the " + noun + " holds no pool (its first 8 bytes are zero); format it with MemoryPool.format "
                            + "first, or wait until the process that formats it has finished"
                    : "the " + noun + " holds something other than a pool: magic 0x" + Long.toHexString(magic)
                            + " where a pool has 0x" + Long.toHexString(MAGIC) + " (\"MMANPOOL\")");
        }
        int version = memory.get(ValueLayout.JAVA_INT, VERSION_OFFSET);
        if (version != VERSION) {
            throw invalid(where, "the pool has layout version " + version + ", this library reads version "
                    + VERSION + " (PoolLayout.VERSION); attach with the mman release that formatted it, or format "
                    + "the " + noun + " again while no process uses it");
        }
        long blockSize = (long) LONG.get(memory, BLOCK_SIZE_OFFSET);
        long blockCount = (long) LONG.get(memory, BLOCK_COUNT_OFFSET);
        long bitmapOffset = (long) LONG.get(memory, BITMAP_START_OFFSET);
        long dataOffset = (long) LONG.get(memory, DATA_START_OFFSET);
        long stored = (long) LONG.get(memory, CHECKSUM_OFFSET);
        if (stored != PoolLayout.checksum(version, blockSize, blockCount, bitmapOffset, dataOffset)) {
            throw invalid(where, "the pool header is corrupt: its checksum does not match (block size "
                    + blockSize + ", block count " + blockCount + ", data offset " + dataOffset
                    + "); something overwrote the first " + HEADER_BYTES + " bytes; format the " + noun + " again");
        }
        PoolHeader header = new PoolHeader(blockSize, blockCount, dataOffset);
        if (blockSize < MIN_BLOCK_SIZE || blockSize % MIN_BLOCK_SIZE != 0 || blockCount < 1
                || bitmapOffset != HEADER_BYTES || dataOffset % MIN_BLOCK_SIZE != 0
                || dataOffset < HEADER_BYTES + header.bitmapWords() * Long.BYTES) {
            throw invalid(where, "the pool header is corrupt: block size " + blockSize + ", block count "
                    + blockCount + ", bitmap at " + bitmapOffset + ", data at " + dataOffset
                    + " do not describe a pool; format the " + noun + " again");
        }
        if (Math.multiplyHigh(blockCount, blockSize) != 0 || header.end() < 0 || header.end() > memory.byteSize()) {
            throw invalid(where, "the pool header describes " + blockCount + " blocks of " + blockSize
                    + " bytes from offset " + dataOffset + ", more than the " + memory.byteSize()
                    + "-byte " + noun + " holds; attach to the whole " + noun + " the pool was formatted in");
        }
        return header;
    }

    private static MMapInvalidParameterException invalid(String where, String problem) {
        return new MMapInvalidParameterException(where + ": " + problem);
    }
}
