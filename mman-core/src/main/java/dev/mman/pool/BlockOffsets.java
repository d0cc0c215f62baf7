package dev.mman.pool;

import dev.mman.MMapInvalidParameterException;

/**
 * Block indexes and the offsets that name them, from the geometry {@code attach} validated, so
 * that an offset handed out is always inside the data area, and one passed in is checked before
 * anything is touched.
 */
final class BlockOffsets {

    private final long blockSize;
    private final long blockCount;
    private final long dataOffset;
    private final long dataEnd;
    /** {@code log2(blockSize)} when the block size is a power of two, else -1: a shift beats a division. */
    private final int blockShift;

    BlockOffsets(PoolHeader header) {
        this.blockSize = header.blockSize();
        this.blockCount = header.blockCount();
        this.dataOffset = header.dataOffset();
        this.dataEnd = header.end();
        this.blockShift = Long.bitCount(blockSize) == 1 ? Long.numberOfTrailingZeros(blockSize) : -1;
    }

    long blockCount() {
        return blockCount;
    }

    long dataOffset() {
        return dataOffset;
    }

    /** The first byte after the last block: how many bytes of memory the pool needs. */
    long dataEnd() {
        return dataEnd;
    }

    /** The offset of block {@code index}, which the caller has checked is below the block count. */
    long offsetOf(long index) {
        return dataOffset + (blockShift >= 0 ? index << blockShift : index * blockSize);
    }

    /** The block index of {@code offset}, after checking that it is the start of a block of this pool. */
    long indexOf(String call, long offset) {
        long relative = offset - dataOffset;
        if (offset >= dataOffset && offset < dataEnd) {
            if (blockShift >= 0) {
                if ((relative & (blockSize - 1)) == 0) {
                    return relative >>> blockShift;
                }
            } else if (relative % blockSize == 0) {
                return relative / blockSize;
            }
        }
        throw foreign(call, offset);
    }

    private MMapInvalidParameterException foreign(String call, long offset) {
        String where = offset < dataOffset || offset >= dataEnd
                ? "outside the pool's blocks, which span offsets " + dataOffset + " to " + (dataEnd - 1)
                : "inside block " + (offset - dataOffset) / blockSize + " but not at its start ("
                        + (offset - dataOffset) % blockSize + " bytes in)";
        return new MMapInvalidParameterException("MemoryPool." + call + "(" + offset + "): offset " + offset
                + " is not a block of this pool: it is " + where + "; valid offsets are " + dataOffset + " + k * "
                + blockSize + " for k from 0 to " + (blockCount - 1) + ", as returned by allocate()");
    }
}
