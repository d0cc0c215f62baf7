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
import static dev.mman.pool.PoolLayout.OWNERS_START_OFFSET;
import static dev.mman.pool.PoolLayout.VERSION;
import static dev.mman.pool.PoolLayout.VERSION_OFFSET;

import dev.mman.MMapInvalidParameterException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * The pool's geometry as it is stored in the first {@value PoolLayout#HEADER_BYTES} bytes of its
 * memory, so that every process that maps the same memory finds the same blocks; the bytes are
 * described by {@link PoolLayout}. A header that {@link #readFrom} returns describes a pool that
 * lies wholly inside the memory it was read from, whatever another process wrote there.
 *
 * @param blockSize bytes per block
 * @param blockCount how many blocks
 * @param ownersOffset where the owner table starts, from the start of the pool's memory
 * @param dataOffset where block 0 starts
 */
record PoolHeader(long blockSize, long blockCount, long ownersOffset, long dataOffset) {

    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    /** The geometry {@code format} lays out for {@code blockCount} blocks; the caller has checked that it fits. */
    static PoolHeader of(long blockSize, long blockCount) {
        return new PoolHeader(blockSize, blockCount, PoolLayout.ownersStart(blockCount),
                PoolLayout.dataStart(blockSize, blockCount));
    }

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
        if (!fits(blockSize, 1, size)) {
            return null;
        }
        // Each block costs its bytes, an owner word and a bitmap bit. Estimate the count from the bytes
        // left after the header, a partial bitmap word and the alignment gap, then step to the exact largest.
        long spare = size - HEADER_BYTES - Long.BYTES - PoolLayout.dataAlignment(blockSize);
        long count = Math.max(1, (long) (spare / (blockSize + Long.BYTES + 0.125)));
        while (fits(blockSize, count + 1, size)) {
            count++;
        }
        while (count > 1 && !fits(blockSize, count, size)) {
            count--;
        }
        return of(blockSize, count);
    }

    /** Whether {@code blockCount} blocks fit into {@code size} bytes; false where the size would overflow. */
    private static boolean fits(long blockSize, long blockCount, long size) {
        try {
            return requiredSize(blockSize, blockCount) <= size;
        } catch (ArithmeticException overflow) {
            return false;
        }
    }

    /**
     * The bytes that hold the header, the bitmap, the owner table and {@code blockCount} blocks.
     *
     * @throws ArithmeticException when that is more than a long holds
     */
    static long requiredSize(long blockSize, long blockCount) {
        // dataStart is at most 64 + 8 * (count / 64 + 1) + 8 * count + 4096, so bounding the count by
        // a sixteenth of the range keeps the layout's own arithmetic from overflowing.
        if (blockCount > Long.MAX_VALUE / 16) {
            throw new ArithmeticException("block count " + blockCount + " overflows");
        }
        return Math.addExact(PoolLayout.dataStart(blockSize, blockCount), Math.multiplyExact(blockCount, blockSize));
    }

    /**
     * Writes the header, an all-free bitmap and an empty owner table. The magic is cleared first
     * and published last, so that a process attaching meanwhile sees "not formatted" instead of
     * half a header.
     */
    void writeTo(MemorySegment memory) {
        LONG.setVolatile(memory, MAGIC_OFFSET, 0L);
        memory.asSlice(HEADER_BYTES, dataOffset - HEADER_BYTES).fill((byte) 0);
        long words = bitmapWords();
        long spareBits = words * 64 - blockCount;
        if (spareBits > 0) {
            // Bits past the last block are marked used; readers mask them anyway (see MemoryPool).
            LONG.set(memory, HEADER_BYTES + (words - 1) * Long.BYTES, -1L << (64 - spareBits));
        }
        memory.set(ValueLayout.JAVA_INT, VERSION_OFFSET, VERSION);
        memory.set(ValueLayout.JAVA_INT, VERSION_OFFSET + 4, 0);
        LONG.set(memory, BLOCK_SIZE_OFFSET, blockSize);
        LONG.set(memory, BLOCK_COUNT_OFFSET, blockCount);
        LONG.set(memory, BITMAP_START_OFFSET, (long) HEADER_BYTES);
        LONG.set(memory, DATA_START_OFFSET, dataOffset);
        LONG.set(memory, OWNERS_START_OFFSET, ownersOffset);
        LONG.set(memory, CHECKSUM_OFFSET,
                PoolLayout.checksum(VERSION, blockSize, blockCount, HEADER_BYTES, ownersOffset, dataOffset));
        LONG.setRelease(memory, MAGIC_OFFSET, MAGIC);
    }

    /**
     * Reads and checks the header of {@code memory}: every field against the recipe and against
     * the memory's size, with arithmetic that cannot overflow, since another process may have
     * written anything there (the checksum is public, so it proves nothing).
     *
     * @param where the call, for messages
     * @param noun what {@code memory} is, for messages: "mapping" or "segment"
     * @throws MMapInvalidParameterException naming what is wrong, when the memory holds no pool
     *     of this version, or its header is damaged or describes more than the memory holds
     */
    static PoolHeader readFrom(MemorySegment memory, String where, String noun) {
        long size = memory.byteSize();
        if (size < HEADER_BYTES) {
            throw invalid(where, "the " + noun + " has " + size + " bytes, fewer than the "
                    + HEADER_BYTES + "-byte pool header; it holds no pool");
        }
        long magic = (long) LONG.getAcquire(memory, MAGIC_OFFSET);
        int version = memory.get(ValueLayout.JAVA_INT, VERSION_OFFSET);
        long blockSize = (long) LONG.get(memory, BLOCK_SIZE_OFFSET);
        long blockCount = (long) LONG.get(memory, BLOCK_COUNT_OFFSET);
        long bitmapOffset = (long) LONG.get(memory, BITMAP_START_OFFSET);
        long ownersOffset = (long) LONG.get(memory, OWNERS_START_OFFSET);
        long dataOffset = (long) LONG.get(memory, DATA_START_OFFSET);
        long stored = (long) LONG.get(memory, CHECKSUM_OFFSET);
        PoolMemory.deliverFaults(); // a read of memory that is gone throws here, before garbage is judged
        if (magic != MAGIC) {
            throw invalid(where, magic == 0
                    ? "the " + noun + " holds no pool (its first 8 bytes are zero); format it with MemoryPool.format "
                            + "first, or wait until the process that formats it has finished"
                    : "the " + noun + " holds something other than a pool: magic 0x" + Long.toHexString(magic)
                            + " where a pool has 0x" + Long.toHexString(MAGIC) + " (\"MMANPOOL\")");
        }
        if (version != VERSION) {
            throw invalid(where, "the pool has layout version " + version + ", this library reads version "
                    + VERSION + " (PoolLayout.VERSION); attach with the mman release that formatted it, or format "
                    + "the " + noun + " again while no process uses it");
        }
        String fields = "block size " + blockSize + ", block count " + blockCount + ", bitmap at " + bitmapOffset
                + ", owner table at " + ownersOffset + ", data at " + dataOffset;
        if (stored != PoolLayout.checksum(version, blockSize, blockCount, bitmapOffset, ownersOffset, dataOffset)) {
            throw invalid(where, "the pool header is corrupt: its checksum does not match (" + fields
                    + "); something overwrote the first " + HEADER_BYTES + " bytes; format the " + noun + " again");
        }
        String problem = geometryProblem(blockSize, blockCount, bitmapOffset, ownersOffset, dataOffset);
        if (problem != null) {
            throw invalid(where, "the pool header is corrupt: " + fields + " do not describe a pool (" + problem
                    + "); format the " + noun + " again");
        }
        PoolHeader header = new PoolHeader(blockSize, blockCount, ownersOffset, dataOffset);
        if (!fits(blockSize, blockCount, size)) {
            throw invalid(where, "the pool header describes " + blockCount + " blocks of " + blockSize
                    + " bytes from offset " + dataOffset + ", more than the " + size + "-byte " + noun
                    + " holds; attach to the whole " + noun + " the pool was formatted in");
        }
        return header;
    }

    /** What makes these fields something {@code format} never writes, or null when nothing does. */
    private static String geometryProblem(long blockSize, long blockCount, long bitmapOffset, long ownersOffset,
            long dataOffset) {
        if (blockSize < MIN_BLOCK_SIZE || blockSize % MIN_BLOCK_SIZE != 0) {
            return "the block size is not a positive multiple of 8";
        }
        if (blockCount < 1 || blockCount > Long.MAX_VALUE / 16) {
            return "the block count is not between 1 and " + Long.MAX_VALUE / 16;
        }
        if (bitmapOffset != HEADER_BYTES) {
            return "the bitmap starts at " + HEADER_BYTES + " in every pool";
        }
        long ownersStart = PoolLayout.ownersStart(blockCount);
        if (ownersOffset != ownersStart) {
            return "the owner table of " + blockCount + " blocks starts at " + ownersStart;
        }
        long dataStart = PoolLayout.dataStart(blockSize, blockCount);
        if (dataOffset != dataStart) {
            return "block 0 of " + blockCount + " blocks of " + blockSize + " bytes starts at " + dataStart;
        }
        return null;
    }

    private static MMapInvalidParameterException invalid(String where, String problem) {
        return new MMapInvalidParameterException(where + ": " + problem);
    }
}
