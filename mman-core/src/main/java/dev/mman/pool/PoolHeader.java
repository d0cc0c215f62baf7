package dev.mman.pool;

import dev.mman.MMapInvalidParameterException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * The pool's geometry as it is stored in the first {@value #SIZE} bytes of the mapping, so that
 * every process that maps the same memory finds the same blocks.
 *
 * <pre>
 * offset  field
 *      0  magic        "MMANPOOL" in native byte order; written last by format
 *      8  version      int, {@value #VERSION}
 *     12  reserved     int, 0
 *     16  blockSize    long
 *     24  blockCount   long
 *     32  bitmapOffset long, always {@value #SIZE}
 *     40  dataOffset   long
 *     48  checksum     long, over version and the four geometry fields
 *     56  reserved     long, 0
 *     64  bitmap       one bit per block, 1 = in use, in 64-bit words
 * </pre>
 *
 * @param blockSize bytes per block
 * @param blockCount how many blocks
 * @param dataOffset where block 0 starts, from the start of the mapping
 */
record PoolHeader(long blockSize, long blockCount, long dataOffset) {

    /** The header's length; the bitmap follows it directly. */
    static final long SIZE = 64;
    /** The layout version this code reads and writes. */
    static final int VERSION = 1;
    /** "MMANPOOL" as ASCII, read as a little-endian long. */
    static final long MAGIC = 0x4C4F4F504E414D4DL;
    /** Blocks hold at least one long, and start on 8-byte boundaries so longs in them are atomic. */
    static final long MIN_BLOCK_SIZE = 8;
    /** Natural alignment of blocks is honoured up to this; larger blocks start on 4 KiB. */
    static final long MAX_DATA_ALIGNMENT = 4096;

    private static final long MAGIC_AT = 0;
    private static final long VERSION_AT = 8;
    private static final long BLOCK_SIZE_AT = 16;
    private static final long BLOCK_COUNT_AT = 24;
    private static final long BITMAP_OFFSET_AT = 32;
    private static final long DATA_OFFSET_AT = 40;
    private static final long CHECKSUM_AT = 48;

    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    /** The number of 64-bit bitmap words that hold {@code blockCount} bits. */
    long bitmapWords() {
        return words(blockCount);
    }

    /** The first byte after the last block. */
    long end() {
        return dataOffset + blockCount * blockSize;
    }

    /**
     * The geometry of the largest pool of {@code blockSize} blocks that fits into {@code mapSize}
     * bytes, or null when not even one block fits.
     */
    static PoolHeader largestFitting(long mapSize, long blockSize) {
        // Each block costs blockSize bytes plus one bitmap bit. Estimate the count from the bytes left
        // after the header, a partial bitmap word and the alignment gap, then step to the exact largest.
        long spare = mapSize - SIZE - Long.BYTES - dataAlignment(blockSize);
        long count = spare <= 0 ? 0 : (long) (spare / (blockSize + 0.125));
        while (requiredSize(blockSize, count + 1) <= mapSize) {
            count++;
        }
        while (count > 0 && requiredSize(blockSize, count) > mapSize) {
            count--;
        }
        return count == 0 ? null : new PoolHeader(blockSize, count, dataOffset(blockSize, count));
    }

    /** The mapping size that holds the header, the bitmap and {@code blockCount} blocks. */
    static long requiredSize(long blockSize, long blockCount) {
        return Math.addExact(dataOffset(blockSize, blockCount), Math.multiplyExact(blockCount, blockSize));
    }

    private static long dataOffset(long blockSize, long blockCount) {
        long alignment = dataAlignment(blockSize);
        long bitmapEnd = SIZE + words(blockCount) * Long.BYTES;
        return (bitmapEnd + alignment - 1) & -alignment;
    }

    /** Blocks start on their own power-of-two alignment, between a cache line and a page. */
    private static long dataAlignment(long blockSize) {
        return Math.clamp(Long.lowestOneBit(blockSize), 64, MAX_DATA_ALIGNMENT);
    }

    private static long words(long blockCount) {
        return (blockCount + 63) >>> 6;
    }

    /**
     * Writes the header and an all-free bitmap. The magic is cleared first and published last,
     * so that a process attaching meanwhile sees "not formatted" instead of half a header.
     */
    void writeTo(MemorySegment mapping) {
        LONG.setVolatile(mapping, MAGIC_AT, 0L);
        long words = bitmapWords();
        mapping.asSlice(SIZE, words * Long.BYTES).fill((byte) 0);
        long spareBits = words * 64 - blockCount;
        if (spareBits > 0) {
            // Bits past the last block are marked used, so the allocator never needs a bounds check.
            LONG.set(mapping, SIZE + (words - 1) * Long.BYTES, -1L << (64 - spareBits));
        }
        mapping.set(ValueLayout.JAVA_INT, VERSION_AT, VERSION);
        mapping.set(ValueLayout.JAVA_INT, VERSION_AT + 4, 0);
        LONG.set(mapping, BLOCK_SIZE_AT, blockSize);
        LONG.set(mapping, BLOCK_COUNT_AT, blockCount);
        LONG.set(mapping, BITMAP_OFFSET_AT, SIZE);
        LONG.set(mapping, DATA_OFFSET_AT, dataOffset);
        LONG.set(mapping, CHECKSUM_AT, checksum(VERSION, blockSize, blockCount, SIZE, dataOffset));
        LONG.set(mapping, CHECKSUM_AT + 8, 0L);
        LONG.setRelease(mapping, MAGIC_AT, MAGIC);
    }

    /**
     * Reads and checks the header of {@code mapping}.
     *
     * @throws MMapInvalidParameterException naming what is wrong, when the memory holds no pool
     *     of this version, or its header is damaged
     */
    static PoolHeader readFrom(MemorySegment mapping, String where) {
        if (mapping.byteSize() < SIZE) {
            throw invalid(where, "the mapping has " + mapping.byteSize() + " bytes, fewer than the " + SIZE
                    + "-byte pool header; it holds no pool");
        }
        long magic = (long) LONG.getAcquire(mapping, MAGIC_AT);
        if (magic != MAGIC) {
            throw invalid(where, magic == 0
                    ? "the mapping holds no pool (its first 8 bytes are zero); format it with MemoryPool.format "
                            + "first, or wait until the process that formats it has finished"
                    : "the mapping holds something other than a pool: magic 0x" + Long.toHexString(magic)
                            + " where a pool has 0x" + Long.toHexString(MAGIC) + " (\"MMANPOOL\")");
        }
        int version = mapping.get(ValueLayout.JAVA_INT, VERSION_AT);
        if (version != VERSION) {
            throw invalid(where, "the pool has layout version " + version + ", this library reads version "
                    + VERSION + "; attach with a matching mman version, or format the mapping again");
        }
        long blockSize = (long) LONG.get(mapping, BLOCK_SIZE_AT);
        long blockCount = (long) LONG.get(mapping, BLOCK_COUNT_AT);
        long bitmapOffset = (long) LONG.get(mapping, BITMAP_OFFSET_AT);
        long dataOffset = (long) LONG.get(mapping, DATA_OFFSET_AT);
        long stored = (long) LONG.get(mapping, CHECKSUM_AT);
        if (stored != checksum(version, blockSize, blockCount, bitmapOffset, dataOffset)) {
            throw invalid(where, "the pool header is corrupt: its checksum does not match (block size "
                    + blockSize + ", block count " + blockCount + ", data offset " + dataOffset
                    + "); something overwrote the first " + SIZE + " bytes; format the mapping again");
        }
        PoolHeader header = new PoolHeader(blockSize, blockCount, dataOffset);
        if (blockSize < MIN_BLOCK_SIZE || blockSize % MIN_BLOCK_SIZE != 0 || blockCount < 1
                || bitmapOffset != SIZE || dataOffset % MIN_BLOCK_SIZE != 0
                || dataOffset < SIZE + header.bitmapWords() * Long.BYTES) {
            throw invalid(where, "the pool header is corrupt: block size " + blockSize + ", block count "
                    + blockCount + ", bitmap at " + bitmapOffset + ", data at " + dataOffset
                    + " do not describe a pool; format the mapping again");
        }
        if (Math.multiplyHigh(blockCount, blockSize) != 0 || header.end() < 0 || header.end() > mapping.byteSize()) {
            throw invalid(where, "the pool header describes " + blockCount + " blocks of " + blockSize
                    + " bytes from offset " + dataOffset + ", more than the " + mapping.byteSize()
                    + "-byte mapping holds; attach to the whole mapping the pool was formatted in");
        }
        return header;
    }

    /** A 64-bit mix of the geometry, so that a stray write into the header is noticed. */
    private static long checksum(long version, long blockSize, long blockCount, long bitmapOffset, long dataOffset) {
        long h = 0x6D6D616E706F6F6CL;
        for (long field : new long[] {version, blockSize, blockCount, bitmapOffset, dataOffset}) {
            h = (h ^ field) * 0x100000001B3L;
            h ^= h >>> 29;
        }
        return h;
    }

    private static MMapInvalidParameterException invalid(String where, String problem) {
        return new MMapInvalidParameterException(where + ": " + problem);
    }
}
