package dev.mman.pool;

import dev.mman.ipc.LockLayout;

/**
 * The layout of a {@link MemoryPool} in shared memory, version {@value #VERSION}: a contract
 * between processes, and between languages. A program that follows it can allocate and free
 * blocks of a pool that Java formatted, or format one that Java attaches. This class only
 * describes; {@link MemoryPool} reads and writes the memory.
 *
 * <h2>The pool</h2>
 * A pool fills its memory (a mapping, or a segment) from its first byte, which is 8-byte aligned.
 * Every number is in the machine's native byte order (little-endian on every platform mman runs
 * on) and every field is naturally aligned. Offsets count from the pool's first byte, and a block
 * is named by its offset.
 * <pre>
 *  offset          size                    what
 *  0               64                      the header (below)
 *  64              8 * bitmapWords(count)  the bitmap: one bit per block
 *  ownersStart     8 * blockCount          the owner table: one word per block
 *  dataStart       blockSize * blockCount  the blocks, one after the other
 * </pre>
 *
 * <h2>Header</h2>
 * Written once by {@code format} and read-only afterwards.
 * <pre>
 *  offset  size  field        holds
 *     0     8    magic        0x4c4f4f504e414d4d: the bytes "MMANPOOL" in memory; stored last (release)
 *     8     4    version      2
 *    12     4    reserved     0
 *    16     8    blockSize    bytes per block: a positive multiple of 8
 *    24     8    blockCount   how many blocks: 1 or more
 *    32     8    bitmapStart  where the bitmap starts: always 64
 *    40     8    dataStart    where block 0 starts: dataStart(blockSize, blockCount)
 *    48     8    checksum     checksum(version, blockSize, blockCount, bitmapStart, ownersStart, dataStart)
 *    56     8    ownersStart  where the owner table starts: ownersStart(blockCount)
 * </pre>
 * {@code format} first stores 0 in the magic, so that a process attaching meanwhile sees "not
 * formatted" instead of half a header, then zeroes the bitmap and the owner table, writes the
 * fields, and stores the magic last with a release store. {@code attach} reads the magic with an
 * acquire load and refuses a pool whose magic, {@linkplain #VERSION version} or
 * {@link #checksum checksum} differ. The checksum only catches stray writes: anybody can compute
 * it, so {@code attach} also refuses, with overflow-checked arithmetic, every header that
 * {@code format} would not have written into memory of that size: a block size that is not a
 * positive multiple of 8, a block count below 1, a {@code bitmapStart}, {@code ownersStart} or
 * {@code dataStart} other than the recipe's ({@link #ownersStart(long)},
 * {@link #dataStart(long, long)}), and blocks that end past the memory.
 *
 * <h2>Bitmap</h2>
 * {@link #bitmapWords(long) bitmapWords(blockCount)} 64-bit words. Block {@code k} is bit
 * {@code k % 64} (the value {@code 1L << (k % 64)}) of word {@code k / 64}, which sits at
 * {@link #bitmapWordOffset(long) bitmapWordOffset(k)}: 1 while the block is in use, 0 while it is
 * free. {@code format} sets the bits of the last word past the last block; readers ignore them
 * whatever they hold. Block {@code k} starts at {@code dataStart + k * blockSize}.
 *
 * <h2>Owner table</h2>
 * One 64-bit word per block, block {@code k}'s at {@link #ownerWordOffset(long, long)
 * ownerWordOffset(blockCount, k)}: which process claimed, holds or is reclaiming the block.
 * <pre>
 *  bits  0..1    state       0 = nobody (the whole word is 0), 1 = held, 2 = being reclaimed
 *  bits  2..63   identity    the process: pid &lt;&lt; 32 | (startTime &amp; 0x3fffffff) &lt;&lt; 2
 * </pre>
 * The identity is the one {@link LockLayout#identity(long, long)} defines (the same start time,
 * so that a later process with the same pid is told apart). A block's bit changes only while its
 * owner word is not 0, and only a compare-and-set from 0 claims the word, so a word that names a
 * dead process can be taken over without racing anybody alive:
 * <ol>
 * <li><b>allocate</b>: pick a block {@code k} whose bit is 0 and whose owner word is 0; take the
 *     owner word with a compare-and-set from 0 to {@code identity | 1} (when it fails, pick
 *     another); then set bit {@code k} with an atomic compare-and-set on its bitmap word.</li>
 * <li><b>free</b>, by any process, of a block whose owner word is {@code w = identity | 1} and
 *     whose bit is 1: clear bit {@code k} with an atomic compare-and-set, then return the owner
 *     word to 0: a release store when {@code w} names the freeing process itself, else a
 *     compare-and-set from {@code w} to 0 (which fails, harmlessly, when a reclaimer took it
 *     first).</li>
 * <li><b>reclaim</b>, by any process, of a block whose owner word {@code w} names a process that
 *     no longer runs (state 1 or 2), holds no valid state (state 3, or state 0 with identity
 *     bits), or is 0 while the block's bit is 1 (which none of these steps leaves): take the owner
 *     word with a compare-and-set from {@code w} to {@code identity | 2}, clear bit {@code k},
 *     then store 0 in the owner word (release).</li>
 * </ol>
 * A free block's owner word is 0 and only a compare-and-set from 0 claims it, so two processes
 * never hold one block. A process killed at any point leaves the owner word naming it (or 0 with
 * the bit 0: a free block), so every block it held, claimed, freed halfway or reclaimed halfway
 * comes back at the next reclaim. Liveness is judged by pid and start time: all processes that
 * share a pool must run in one pid namespace and see each other's start times.
 *
 * <h2>Ordering</h2>
 * Compare-and-sets have acquire and release ordering, and the owner word's return to 0 is a
 * release store (or a compare-and-set), so what a process wrote into a block before freeing it
 * is visible to the next one that allocates it, whose claim reads that 0.
 *
 * <h2>Other programs</h2>
 * Every process that uses a pool sees the same native byte order (they run on one machine).
 * Nothing in the pool is an address, so each process may map it anywhere. Version 1, the layout
 * before the owner table, had the same header without {@code ownersStart} (a reserved 0 at 56)
 * and the blocks right after the bitmap; this library refuses it at {@code attach}.
 */
public final class PoolLayout {

    /** The layout version this library writes at {@code format} and requires at {@code attach}. */
    public static final int VERSION = 2;
    /** The magic number, an int64 at {@link #MAGIC_OFFSET}: the bytes "MMANPOOL" in little-endian memory. */
    public static final long MAGIC = 0x4C4F4F504E414D4DL;
    /** The bytes of the header; the bitmap follows it directly. */
    public static final int HEADER_BYTES = 64;

    /** Where the int64 magic sits. */
    public static final long MAGIC_OFFSET = 0;
    /** Where the int32 layout version sits. */
    public static final long VERSION_OFFSET = 8;
    /** Where the int64 block size sits. */
    public static final long BLOCK_SIZE_OFFSET = 16;
    /** Where the int64 block count sits. */
    public static final long BLOCK_COUNT_OFFSET = 24;
    /** Where the int64 start of the bitmap sits (the field, not the bitmap: that starts at {@value #HEADER_BYTES}). */
    public static final long BITMAP_START_OFFSET = 32;
    /** Where the int64 start of block 0 sits. */
    public static final long DATA_START_OFFSET = 40;
    /** Where the int64 checksum sits. */
    public static final long CHECKSUM_OFFSET = 48;
    /** Where the int64 start of the owner table sits. */
    public static final long OWNERS_START_OFFSET = 56;

    /** An owner word's state bits. */
    public static final long OWNER_STATE_MASK = 0b11;
    /** The owner word of a block that nobody claims: the whole word is 0. */
    public static final long OWNER_NONE = 0;
    /** The state of an owner word whose process claimed or holds the block. */
    public static final long OWNER_HELD = 1;
    /** The state of an owner word whose process is taking the block back from a dead one. */
    public static final long OWNER_RECLAIMING = 2;

    /** The smallest block; block sizes are multiples of it, so that longs in blocks are atomic. */
    public static final long MIN_BLOCK_SIZE = 8;
    /** The largest alignment {@link #dataAlignment(long)} gives block 0: a page of 4 KiB. */
    public static final long MAX_DATA_ALIGNMENT = 4096;
    /** The smallest alignment {@link #dataAlignment(long)} gives block 0: a cache line. */
    public static final long MIN_DATA_ALIGNMENT = 64;

    private static final long CHECKSUM_SEED = 0x6D6D616E706F6F6CL;
    private static final long CHECKSUM_PRIME = 0x100000001B3L;
    private static final int CHECKSUM_SHIFT = 29;

    private PoolLayout() {}

    /**
     * How many 64-bit words the bitmap of {@code blockCount} blocks has.
     *
     * @param blockCount how many blocks, 0 or more
     * @return {@code ceil(blockCount / 64)}
     */
    public static long bitmapWords(long blockCount) {
        return (blockCount + 63) >>> 6;
    }

    /**
     * Where the bitmap word that holds block {@code block}'s bit sits.
     *
     * @param block a block index, 0 or more
     * @return {@code 64 + 8 * (block / 64)}
     */
    public static long bitmapWordOffset(long block) {
        return HEADER_BYTES + ((block >>> 6) << 3);
    }

    /**
     * Where the owner table of a pool of {@code blockCount} blocks starts: right after the bitmap.
     *
     * @param blockCount how many blocks, 1 or more
     * @return {@code 64 + 8 * bitmapWords(blockCount)}
     */
    public static long ownersStart(long blockCount) {
        return HEADER_BYTES + bitmapWords(blockCount) * Long.BYTES;
    }

    /**
     * Where block {@code block}'s owner word sits.
     *
     * @param blockCount how many blocks the pool has
     * @param block a block index, from 0 to {@code blockCount - 1}
     * @return {@code ownersStart(blockCount) + 8 * block}
     */
    public static long ownerWordOffset(long blockCount, long block) {
        return ownersStart(blockCount) + block * Long.BYTES;
    }

    /**
     * An owner word.
     *
     * @param identity a process identity, as {@link LockLayout#identity(long, long)} makes it
     * @param state {@link #OWNER_HELD} or {@link #OWNER_RECLAIMING}
     * @return {@code identity | state}
     */
    public static long ownerWord(long identity, long state) {
        return (identity & ~OWNER_STATE_MASK) | (state & OWNER_STATE_MASK);
    }

    /**
     * The alignment {@code format} gives block 0: the block size's lowest set bit, but at least
     * {@value #MIN_DATA_ALIGNMENT} and at most {@value #MAX_DATA_ALIGNMENT}. So every block is
     * aligned as far as its size allows: 8 bytes for 24-byte blocks, 64 for 64-byte ones, a page
     * for page-sized ones.
     *
     * @param blockSize bytes per block, a positive multiple of 8
     * @return a power of two from {@value #MIN_DATA_ALIGNMENT} to {@value #MAX_DATA_ALIGNMENT}
     */
    public static long dataAlignment(long blockSize) {
        return Math.clamp(Long.lowestOneBit(blockSize), MIN_DATA_ALIGNMENT, MAX_DATA_ALIGNMENT);
    }

    /**
     * Where block 0 starts: the end of the owner table, rounded up to
     * {@link #dataAlignment(long) dataAlignment(blockSize)}.
     *
     * @param blockSize bytes per block, a positive multiple of 8
     * @param blockCount how many blocks, 1 or more
     * @return the offset of block 0
     */
    public static long dataStart(long blockSize, long blockCount) {
        long alignment = dataAlignment(blockSize);
        long ownersEnd = ownersStart(blockCount) + blockCount * Long.BYTES;
        return (ownersEnd + alignment - 1) & -alignment;
    }

    /**
     * The header's checksum, which lets {@code attach} notice a stray write into the header.
     * Starting from {@code h = 0x6d6d616e706f6f6c}, for each of the six values in turn (the
     * version widened to 64 bits), {@code h = (h ^ value) * 0x100000001b3} (modulo
     * 2<sup>64</sup>), then {@code h ^= h >>> 29} (an unsigned shift).
     *
     * @param version the layout version
     * @param blockSize the block size
     * @param blockCount the block count
     * @param bitmapStart where the bitmap starts
     * @param ownersStart where the owner table starts
     * @param dataStart where block 0 starts
     * @return the checksum
     */
    public static long checksum(int version, long blockSize, long blockCount, long bitmapStart, long ownersStart,
            long dataStart) {
        long h = CHECKSUM_SEED;
        h = mix(h, version);
        h = mix(h, blockSize);
        h = mix(h, blockCount);
        h = mix(h, bitmapStart);
        h = mix(h, ownersStart);
        return mix(h, dataStart);
    }

    private static long mix(long h, long value) {
        long mixed = (h ^ value) * CHECKSUM_PRIME;
        return mixed ^ mixed >>> CHECKSUM_SHIFT;
    }
}
