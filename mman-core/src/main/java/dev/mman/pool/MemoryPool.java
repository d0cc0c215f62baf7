package dev.mman.pool;

import static dev.mman.Mman.PROT_READ;
import static dev.mman.Mman.PROT_WRITE;

import dev.mman.MMapException;
import dev.mman.MMapInvalidParameterException;
import dev.mman.MemoryMap;
import dev.mman.SharedMemory;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.Objects;

/**
 * Fixed-size blocks carved out of one {@link MemoryMap}, with the record of which blocks are in use
 * kept inside the mapping itself. Two processes that map the same {@link SharedMemory} (or the same
 * file with {@code MAP_SHARED}) and attach to it share one pool: a block one process allocates is
 * in use for the other as well.
 *
 * <pre>{@code
 * // process A
 * SharedMemory shm = SharedMemory.create("blocks", 1 << 20);
 * MemoryPool pool = MemoryPool.format(shm, 256);
 * // process B
 * MemoryPool pool = MemoryPool.attach(SharedMemory.open("blocks"));
 *
 * long block = pool.allocate();             // an offset, the same in every process
 * pool.view(block).set(JAVA_LONG, 0, 42L);
 * pool.free(block);
 * }</pre>
 *
 * <h2>Layout</h2>
 * A 64-byte header (magic {@code "MMANPOOL"}, layout version, block size, block count, bitmap and
 * data offsets, and a checksum over them), then a bitmap with one bit per block, then the blocks.
 * The first block starts on a cache line, or on a larger power of two that divides the block size
 * (up to 4 KiB), so every block is aligned as far as its size allows: 8 bytes for 24-byte blocks,
 * 64 for 64-byte blocks, a page for page-sized ones.
 * {@link #requiredSize(long, long)} tells how large a mapping must be for a given number of blocks.
 * {@link PoolLayout} gives every byte and bit, for programs in other languages.
 *
 * <h2>Memory</h2>
 * A pool fills a whole mapping ({@code format} and {@code attach} with a {@link MemoryMap}), or a
 * whole native {@link MemorySegment} that is writable and starts at an 8-byte aligned address
 * (the overloads with a segment): a slice of a mapping, to keep other data beside the pool, or
 * memory from an {@link java.lang.foreign.Arena} for threads of one process. Offsets then count
 * from the segment's first byte, and the alignment of blocks above 8 bytes holds relative to it:
 * pass a segment that starts on a page to keep it absolute.
 *
 * <h2>Offsets</h2>
 * A block is named by its offset from the start of the mapping (or segment), because each
 * process maps the memory at a different address. Offsets are {@code dataOffset + k * blockSize()};
 * anything else passed to {@link #free} or {@link #view} is refused with an
 * {@link MMapInvalidParameterException} that gives the valid form.
 *
 * <h2>Concurrency</h2>
 * {@link #tryAllocate()}, {@link #allocate()} and {@link #free(long)} may be called from any
 * number of threads in any number of processes at once. They take no lock: each claims or releases
 * its bit with one atomic compare-and-set or atomic AND on a 64-bit word of the shared bitmap, so
 * a block is never handed out twice. What a thread wrote into a block before {@code free} is
 * visible to whoever allocates the block next. Each {@code MemoryPool} object starts its search at
 * its own rotating position, seeded from the process id, so that processes do not all fight over
 * the first bitmap word.
 *
 * <h2>Processes that die</h2>
 * The pool does not know which process holds which block. Blocks held by a process that exits or is
 * killed without freeing them stay in use until the mapping is formatted again; free them from
 * the surviving process if your protocol knows their offsets.
 *
 * <h2>Lifetime</h2>
 * The pool does not own the mapping. Once the mapping is closed (or an {@code mprotect} takes
 * rights away), every method that touches the memory, and every view handed out earlier, throws
 * {@link IllegalStateException}; none of them can fault. A pool in a segment lives as long as the
 * segment's scope in the same way: once its arena is closed, every such call and view throws
 * {@link IllegalStateException}; a segment of a confined arena may be used only by its owner
 * thread (others get {@link WrongThreadException}). A segment made from a raw address
 * ({@code MemorySegment.ofAddress(...).reinterpret(...)}) has no lifetime at all: freeing or
 * unmapping its memory while the pool is used crashes the process, as any access through such a
 * segment does.
 */
public final class MemoryPool {

    /** Atomic access to the bitmap words and header fields, through the pool's memory. */
    private static final VarHandle WORD = ValueLayout.JAVA_LONG.varHandle();
    /** {@link #tryAllocate()} returns this when every block is in use. */
    public static final long FULL = -1;

    /** The mapping, or null for a pool that was formatted or attached in a segment. */
    private final MemoryMap map;
    private final MemorySegment memory;
    private final long blockSize;
    private final long blockCount;
    private final long dataOffset;
    private final long dataEnd;
    private final long words;
    /** {@code log2(blockSize)} when the block size is a power of two, else -1: a shift beats a division. */
    private final int blockShift;
    /**
     * The bitmap word where the next search starts. It moves on only when its word is full, and is
     * read and written without synchronization: any value in range is a correct place to start.
     */
    private long cursor;

    private MemoryPool(MemoryMap map, MemorySegment memory, PoolHeader header) {
        this.map = map;
        this.memory = memory;
        this.blockSize = header.blockSize();
        this.blockCount = header.blockCount();
        this.dataOffset = header.dataOffset();
        this.dataEnd = header.end();
        this.words = header.bitmapWords();
        this.blockShift = Long.bitCount(blockSize) == 1 ? Long.numberOfTrailingZeros(blockSize) : -1;
        this.cursor = Math.floorMod(Long.hashCode(ProcessHandle.current().pid() * 0x9E3779B97F4A7C15L), words);
    }

    // ---------------------------------------------------------------- creation

    /**
     * Lays out a new, empty pool over the whole mapping, with as many blocks of {@code blockSize}
     * bytes as fit. Whatever the mapping held before is forgotten. Format a shared mapping once,
     * before any other process attaches to it, and never while another process uses a pool in it.
     *
     * @param map a readable and writable mapping
     * @param blockSize bytes per block, a positive multiple of 8
     * @return the pool, with every block free
     * @throws MMapInvalidParameterException when the block size is bad, the mapping is not readable
     *     and writable, or it is too small for one block
     * @throws MMapException when the mapping is closed
     */
    public static MemoryPool format(MemoryMap map, long blockSize) {
        String call = "MemoryPool.format(" + map + ", " + blockSize + ")";
        checkBlockSize(call, blockSize);
        return format(call, map, writableSegment(call, map), "mapping", blockSize);
    }

    /**
     * Lays out a new, empty pool over the whole of {@code memory}, as {@link #format(MemoryMap, long)}
     * does over a mapping. Block offsets count from the segment's first byte. To share the pool
     * with other processes, pass memory of a shared mapping, such as a slice of
     * {@link MemoryMap#asSegment()}.
     *
     * @param memory native, writable memory whose address is a multiple of 8
     * @param blockSize bytes per block, a positive multiple of 8
     * @return the pool, with every block free; it lives as long as the segment's scope
     * @throws MMapInvalidParameterException when the block size is bad, {@code memory} is a heap
     *     or read-only segment or its address is not a multiple of 8, or it is too small for one
     *     block
     * @throws IllegalStateException when the segment's scope is closed
     */
    public static MemoryPool format(MemorySegment memory, long blockSize) {
        String call = "MemoryPool.format(" + memory + ", " + blockSize + ")";
        checkBlockSize(call, blockSize);
        return format(call, null, usableSegment(call, memory), "segment", blockSize);
    }

    private static MemoryPool format(String call, MemoryMap map, MemorySegment memory, String noun, long blockSize) {
        PoolHeader header = PoolHeader.largestFitting(memory.byteSize(), blockSize);
        if (header == null) {
            throw new MMapInvalidParameterException(call + ": the " + memory.byteSize() + "-byte " + noun
                    + " cannot hold a pool with even one block of " + blockSize + " bytes; it needs at least "
                    + requiredSize(blockSize, 1) + " bytes (see MemoryPool.requiredSize)");
        }
        header.writeTo(memory);
        return new MemoryPool(map, memory, header);
    }

    /**
     * Joins the pool that {@link #format} laid out in this mapping, possibly in another process.
     * Blocks that are in use stay in use.
     *
     * @param map a readable and writable mapping of the same memory the pool was formatted in
     * @return the pool
     * @throws MMapInvalidParameterException when the mapping holds no pool (not formatted, or
     *     something else), a pool of another {@linkplain PoolLayout#VERSION layout version}, a
     *     damaged header, or is smaller than the pool; the message says which
     * @throws MMapException when the mapping is closed
     */
    public static MemoryPool attach(MemoryMap map) {
        String call = "MemoryPool.attach(" + map + ")";
        MemorySegment memory = writableSegment(call, map);
        return new MemoryPool(map, memory, PoolHeader.readFrom(memory, call, "mapping"));
    }

    /**
     * Joins the pool that {@link #format} laid out in the memory that {@code memory} views,
     * possibly in another process (or program, see {@link PoolLayout}). Blocks that are in use
     * stay in use.
     *
     * @param memory native, writable memory whose address is a multiple of 8, starting where the
     *     pool starts
     * @return the pool, which lives as long as the segment's scope
     * @throws MMapInvalidParameterException when {@code memory} is a heap or read-only segment or
     *     its address is not a multiple of 8, or it holds no pool (not formatted, or something
     *     else), a pool of another {@linkplain PoolLayout#VERSION layout version}, a damaged
     *     header, or is smaller than the pool; the message says which
     * @throws IllegalStateException when the segment's scope is closed
     */
    public static MemoryPool attach(MemorySegment memory) {
        String call = "MemoryPool.attach(" + memory + ")";
        MemorySegment usable = usableSegment(call, memory);
        return new MemoryPool(null, usable, PoolHeader.readFrom(usable, call, "segment"));
    }

    /**
     * How large a mapping must be to hold a pool of {@code blockCount} blocks of {@code blockSize}
     * bytes, header and bitmap included. {@link #format} on a mapping of this size gives at least
     * that many blocks.
     *
     * @param blockSize bytes per block, a positive multiple of 8
     * @param blockCount how many blocks, at least 1
     * @return bytes
     * @throws MMapInvalidParameterException when an argument is bad, or the size overflows a long
     */
    public static long requiredSize(long blockSize, long blockCount) {
        String call = "MemoryPool.requiredSize(" + blockSize + ", " + blockCount + ")";
        checkBlockSize(call, blockSize);
        if (blockCount < 1) {
            throw new MMapInvalidParameterException(call + ": block count " + blockCount + " is not positive");
        }
        try {
            return PoolHeader.requiredSize(blockSize, blockCount);
        } catch (ArithmeticException overflow) {
            throw new MMapInvalidParameterException(call + ": the pool would be larger than " + Long.MAX_VALUE
                    + " bytes; ask for fewer or smaller blocks");
        }
    }

    private static void checkBlockSize(String call, long blockSize) {
        if (blockSize < PoolLayout.MIN_BLOCK_SIZE || blockSize % PoolLayout.MIN_BLOCK_SIZE != 0) {
            throw new MMapInvalidParameterException(call + ": block size " + blockSize + " is not a positive "
                    + "multiple of 8; round it up to " + Math.max(8, (blockSize + 7) & -8L));
        }
    }

    private static MemorySegment writableSegment(String call, MemoryMap map) {
        Objects.requireNonNull(map, "map");
        int needed = PROT_READ | PROT_WRITE;
        if ((map.protection() & needed) != needed) {
            throw new MMapInvalidParameterException(call + ": a pool needs a readable and writable mapping; "
                    + "call mprotect(PROT_READ | PROT_WRITE) first");
        }
        return map.asSegment();
    }

    /** {@code memory}, after checking that the bitmap's 64-bit atomics can work on it. */
    private static MemorySegment usableSegment(String call, MemorySegment memory) {
        Objects.requireNonNull(memory, "memory");
        String problem = !memory.isNative() ? "is a heap segment; a pool needs native memory (a mapping's "
                        + "asSegment(), a slice of it, or memory from an Arena)"
                : memory.isReadOnly() ? "is read-only; pass a writable segment"
                : memory.address() % Long.BYTES != 0 ? String.format("starts at address 0x%x, which is not a "
                        + "multiple of 8 as the bitmap's atomic 64-bit words need; allocate it with an alignment "
                        + "of 8 or more", memory.address())
                : null;
        if (problem != null) {
            throw new MMapInvalidParameterException(call + ": the segment " + problem);
        }
        return memory;
    }

    // ---------------------------------------------------------------- blocks

    /**
     * Takes a free block, or reports that there is none. This is the hot path: it allocates no
     * Java objects and takes no lock.
     *
     * @return the block's offset in the mapping, or {@link #FULL} ({@code -1}) when every block is
     *     in use
     * @throws IllegalStateException when the mapping is closed
     */
    public long tryAllocate() {
        long word = cursor;
        if (word >= words || word < 0) {
            word = 0;
        }
        for (long searched = 0; searched < words; searched++) {
            long at = PoolLayout.HEADER_BYTES + (word << 3);
            long used = (long) WORD.getAcquire(memory, at);
            while (used != -1L) {
                long lowestFree = ~used & (used + 1);
                long witness = (long) WORD.compareAndExchange(memory, at, used, used | lowestFree);
                if (witness == used) {
                    if (searched != 0) {
                        cursor = word;
                    }
                    return offsetOf((word << 6) + Long.numberOfTrailingZeros(lowestFree));
                }
                used = witness;
            }
            word = word + 1 == words ? 0 : word + 1;
        }
        return FULL;
    }

    /**
     * Takes a free block.
     *
     * @return the block's offset in the mapping
     * @throws MMapException when every block is in use ({@link #tryAllocate()} reports that
     *     without an exception)
     * @throws IllegalStateException when the mapping is closed
     */
    public long allocate() {
        long offset = tryAllocate();
        if (offset == FULL) {
            throw new MMapException("MemoryPool.allocate(): all " + blockCount + " blocks of " + blockSize
                    + " bytes in " + where() + " are in use; free some, or format a larger " + noun());
        }
        return offset;
    }

    /**
     * Gives a block back. Its contents are left as they are.
     *
     * @param offset an offset that {@link #allocate()} or {@link #tryAllocate()} returned, in any
     *     process attached to this pool
     * @throws MMapInvalidParameterException when {@code offset} is not the start of a block of this
     *     pool; the message names the offset and the valid ones
     * @throws MMapException when the block is not in use: it was freed already (double free) or
     *     never allocated
     * @throws IllegalStateException when the mapping is closed
     */
    public void free(long offset) {
        long index = indexOf("free", offset);
        long bit = 1L << index;
        long previous = (long) WORD.getAndBitwiseAnd(memory, PoolLayout.bitmapWordOffset(index), ~bit);
        if ((previous & bit) == 0) {
            throw new MMapException("MemoryPool.free(" + offset + "): block " + index + " at offset " + offset
                    + " is not in use: it was freed already (double free) or never allocated");
        }
    }

    /**
     * A view of one allocated block, {@link #blockSize()} bytes long. It belongs to the mapping:
     * after the mapping is closed every access through it throws {@link IllegalStateException}.
     * It stays usable after the block is freed, like any stale pointer, so drop it at {@code free}.
     *
     * @param offset the offset of a block that is in use
     * @return the block's bytes
     * @throws MMapInvalidParameterException when {@code offset} is not the start of a block of this pool
     * @throws MMapException when the block is free
     * @throws IllegalStateException when the mapping is closed
     */
    public MemorySegment view(long offset) {
        long index = indexOf("view", offset);
        long used = (long) WORD.getAcquire(memory, PoolLayout.bitmapWordOffset(index));
        if ((used & (1L << index)) == 0) {
            throw new MMapException("MemoryPool.view(" + offset + "): block " + index + " at offset " + offset
                    + " is free; allocate it first");
        }
        return memory.asSlice(offset, blockSize);
    }

    // ---------------------------------------------------------------- state

    /**
     * The size of every block.
     *
     * @return bytes
     */
    public long blockSize() {
        return blockSize;
    }

    /**
     * How many blocks the pool has in all.
     *
     * @return the block count written by {@link #format}
     */
    public long capacity() {
        return blockCount;
    }

    /**
     * How many blocks are free right now, in all processes together. Other threads and processes
     * may change the number while it is counted, so it is exact only when nobody allocates or frees.
     *
     * @return free blocks, between 0 and {@link #capacity()}
     * @throws IllegalStateException when the mapping is closed
     */
    public long available() {
        long free = 0;
        for (long word = 0; word < words; word++) {
            free += Long.bitCount(~(long) WORD.getAcquire(memory, PoolLayout.HEADER_BYTES + (word << 3)));
        }
        return free;
    }

    /**
     * The mapping the pool lives in.
     *
     * @return the mapping given to {@link #format(MemoryMap, long)} or {@link #attach(MemoryMap)}
     * @throws IllegalStateException when the pool was formatted or attached in a
     *     {@link MemorySegment}, which is all the pool knows of its memory
     */
    public MemoryMap map() {
        if (map == null) {
            throw new IllegalStateException("MemoryPool.map(): " + this + " was formatted or attached in a "
                    + "MemorySegment, not a MemoryMap; its memory is that segment");
        }
        return map;
    }

    /**
     * Describes the pool.
     *
     * @return for example {@code MemoryPool[1000 blocks of 64 bytes from offset 192 in MemoryMap[...]]}
     */
    @Override
    public String toString() {
        return "MemoryPool[" + blockCount + " blocks of " + blockSize + " bytes from offset " + dataOffset
                + " in " + where() + "]";
    }

    private String where() {
        return map != null ? map.toString() : "a " + memory.byteSize() + "-byte segment";
    }

    private String noun() {
        return map != null ? "mapping" : "segment";
    }

    // ---------------------------------------------------------------- offsets

    private long offsetOf(long index) {
        return dataOffset + (blockShift >= 0 ? index << blockShift : index * blockSize);
    }

    /** The block index of {@code offset}, after checking that it is the start of a block of this pool. */
    private long indexOf(String call, long offset) {
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
