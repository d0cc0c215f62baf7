package dev.mman.pool;

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
 *  dataStart       blockSize * blockCount  the blocks, one after the other
 * </pre>
 *
 * <h2>Header</h2>
 * Written once by {@code format} and read-only afterwards.
 * <pre>
 *  offset  size  field        holds
 *     0     8    magic        0x4c4f4f504e414d4d: the bytes "MMANPOOL" in memory; stored last (release)
 *     8     4    version      1
 *    12     4    reserved     0
 *    16     8    blockSize    bytes per block: a positive multiple of 8
 *    24     8    blockCount   how many blocks: 1 or more
 *    32     8    bitmapStart  where the bitmap starts: always 64
 *    40     8    dataStart    where block 0 starts: a multiple of 8, at or after the bitmap's end
 *    48     8    checksum     checksum(version, blockSize, blockCount, bitmapStart, dataStart)
 *    56     8    reserved     0
 * </pre>
 * {@code format} first stores 0 in the magic, so that a process attaching meanwhile sees "not
 * formatted" instead of half a header, then writes the bitmap and the fields, and stores the
 * magic last with a release store. {@code attach} reads the magic with an acquire load and
 * refuses a pool whose magic, {@linkplain #VERSION version} or {@link #checksum checksum} differ,
 * whose fields break the rules above, or whose blocks end past its memory. {@code format} puts
 * {@code dataStart} at {@link #dataStart(long, long)}, which aligns blocks as far as their size
 * allows; {@code attach} accepts any {@code dataStart} that keeps the rules.
 *
 * <h2>Bitmap</h2>
 * {@link #bitmapWords(long) bitmapWords(blockCount)} 64-bit words. Block {@code k} is bit
 * {@code k % 64} (the value {@code 1L << (k % 64)}) of word {@code k / 64}, which sits at
 * {@link #bitmapWordOffset(long) bitmapWordOffset(k)}: 1 while the block is in use, 0 while it is
 * free. The bits of the last word past the last block are 1, so they are never handed out.
 * Blocks are taken and given back by any process, with 64-bit atomic operations on a word only:
 * a compare-and-set that sets a 0 bit allocates its block, an atomic AND that clears a 1 bit frees
 * it (both with acquire and release ordering, so what a process wrote into a block before freeing
 * it is visible to the next one that allocates it). Block {@code k} starts at
 * {@code dataStart + k * blockSize}.
 *
 * <h2>Other programs</h2>
 * Every process that uses a pool sees the same native byte order (they run on one machine).
 * Nothing in the pool is an address, so each process may map it anywhere.
 */
public final class PoolLayout {

    /** The layout version this library writes at {@code format} and requires at {@code attach}. */
    public static final int VERSION = 1;
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
     * Where {@code format} puts block 0: the end of the bitmap, rounded up to
     * {@link #dataAlignment(long) dataAlignment(blockSize)}.
     *
     * @param blockSize bytes per block, a positive multiple of 8
     * @param blockCount how many blocks, 1 or more
     * @return the offset of block 0
     */
    public static long dataStart(long blockSize, long blockCount) {
        long alignment = dataAlignment(blockSize);
        long bitmapEnd = HEADER_BYTES + bitmapWords(blockCount) * Long.BYTES;
        return (bitmapEnd + alignment - 1) & -alignment;
    }

    /**
     * The header's checksum, which lets {@code attach} notice a stray write into the header.
     * Starting from {@code h = 0x6d6d616e706f6f6c}, for each of the five values in turn (the
     * version widened to 64 bits), {@code h = (h ^ value) * 0x100000001b3} (modulo
     * 2<sup>64</sup>), then {@code h ^= h >>> 29} (an unsigned shift).
     *
     * @param version the layout version
     * @param blockSize the block size
     * @param blockCount the block count
     * @param bitmapStart where the bitmap starts
     * @param dataStart where block 0 starts
     * @return the checksum
     */
    public static long checksum(int version, long blockSize, long blockCount, long bitmapStart, long dataStart) {
        long h = CHECKSUM_SEED;
        h = mix(h, version);
        h = mix(h, blockSize);
        h = mix(h, blockCount);
        h = mix(h, bitmapStart);
        return mix(h, dataStart);
    }

    private static long mix(long h, long value) {
        long mixed = (h ^ value) * CHECKSUM_PRIME;
        return mixed ^ mixed >>> CHECKSUM_SHIFT;
    }
}
