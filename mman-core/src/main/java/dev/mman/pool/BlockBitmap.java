package dev.mman.pool;

/**
 * The bitmap: finding a free block and taking it, and counting. A bit is set only after the
 * block's owner word was claimed ({@link BlockOwners}), and the bits of the last word past the
 * last block are never handed out, whatever another process wrote into them.
 */
final class BlockBitmap {

    private final PoolMemory memory;
    private final BlockOwners owners;
    private final long blockCount;
    private final long words;
    /** The bits of the last word past the last block. */
    private final long spareBits;
    /**
     * The word where the next search starts. It moves on only when its word is full, and is read
     * and written without synchronization: any value in range is a correct place to start.
     */
    private long cursor;

    BlockBitmap(PoolMemory memory, BlockOwners owners, PoolHeader header) {
        this.memory = memory;
        this.owners = owners;
        this.blockCount = header.blockCount();
        this.words = header.bitmapWords();
        this.spareBits = blockCount % Long.SIZE == 0 ? 0 : -1L << (blockCount % Long.SIZE);
        // Seeded from the process id, so that processes do not all fight over the first word.
        this.cursor = Math.floorMod(Long.hashCode(ProcessHandle.current().pid() * 0x9E3779B97F4A7C15L), words);
    }

    /** The bits of word {@code word} that are not blocks: set, so that they are never handed out. */
    private long spare(long word) {
        return word == words - 1 ? spareBits : 0;
    }

    private static long wordOffset(long word) {
        return PoolLayout.HEADER_BYTES + (word << 3);
    }

    /**
     * One pass over the bitmap: claims a free block's owner word, then sets its bit. The word
     * read in the search is the first guess of the bit's compare-and-set (and the plain read that
     * guards it), so an uncontended take reads each word once.
     *
     * @return the block's index, or -1 when no block was free
     */
    long take() {
        long word = cursor;
        if (word >= words || word < 0) {
            word = 0;
        }
        for (long searched = 0; searched < words; searched++) {
            long at = wordOffset(word);
            long seen = memory.read(at);
            long taken = seen | spare(word);
            while (taken != -1L) {
                long lowestFree = ~taken & (taken + 1);
                taken |= lowestFree;
                long index = (word << 6) + Long.numberOfTrailingZeros(lowestFree);
                if (index < blockCount && owners.claim(index)) {
                    setBit(index, at, seen, lowestFree);
                    if (searched != 0) {
                        cursor = word;
                    }
                    return index;
                }
            }
            word = word + 1 == words ? 0 : word + 1;
        }
        return -1;
    }

    /**
     * Sets the bit of a block whose owner word this call claimed. A bit that is set already was
     * written outside the protocol; the block is this call's all the same, since the owner word
     * is. When the word cannot be changed at all, the claim is given back.
     */
    private void setBit(long index, long at, long seen, long bit) {
        try {
            memory.setBit("allocate", at, seen, bit);
        } catch (RuntimeException scribbled) {
            owners.unclaim(index);
            throw scribbled;
        }
    }

    /** Whether block {@code index}'s bit is set. */
    boolean isUsed(long index) {
        return (memory.read(PoolLayout.bitmapWordOffset(index)) & (1L << index)) != 0;
    }

    /** Clears block {@code index}'s bit; false when it was clear. */
    boolean clear(String call, long index) {
        return memory.clearBit(call, PoolLayout.bitmapWordOffset(index), 1L << index);
    }

    /** How many blocks' bits are clear. */
    long countFree() {
        long free = 0;
        for (long word = 0; word < words; word++) {
            free += Long.bitCount(~(memory.read(wordOffset(word)) | spare(word)));
        }
        return free;
    }
}
