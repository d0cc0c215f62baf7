package dev.mman.pool;

import dev.mman.MMapException;
import dev.mman.MMapInvalidParameterException;
import dev.mman.MemoryMap;
import dev.mman.SharedMemory;
import java.lang.foreign.MemorySegment;

/**
 * Fixed-size blocks carved out of one {@link MemoryMap}, with the record of which blocks are in use,
 * and by which process, kept inside the mapping itself. Two processes that map the same
 * {@link SharedMemory} (or the same file with {@code MAP_SHARED}) and attach to it share one pool:
 * a block one process allocates is in use for the other as well.
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
 * A 64-byte header (magic {@code "MMANPOOL"}, layout version, geometry and a checksum), a bitmap
 * with one bit per block, an owner table with one word per block, then the blocks; the first
 * starts on a cache line, or on a larger power of two that divides the block size (up to 4 KiB).
 * {@link #requiredSize(long, long)} tells how large a mapping must be for a given number of
 * blocks; {@link PoolLayout} gives every byte and the protocol, for programs in other languages.
 *
 * <h2>Memory and offsets</h2>
 * A pool fills a whole mapping, or a whole native {@link MemorySegment} that is writable and
 * 8-byte aligned (the overloads with a segment): a slice of a mapping, to keep other data beside
 * the pool, or memory from an {@link java.lang.foreign.Arena} for threads of one process. A block
 * is named by its offset from the start of the mapping (or segment), the same in every process:
 * {@code dataOffset + k * blockSize()}. Anything else passed to {@link #free} or {@link #view} is
 * refused with an {@link MMapInvalidParameterException} that gives the valid form.
 *
 * <h2>Concurrency</h2>
 * Every method may be called from any number of threads in any number of processes at once, and
 * none takes a lock: an allocation claims the block's owner word with one compare-and-set, then
 * sets its bit with another; a free clears the bit with one and returns the owner word to 0 with
 * a release store. What a thread wrote into a block before {@code free} is visible to whoever
 * allocates the block next.
 *
 * <h2>Processes that die</h2>
 * Each block's owner word names the process that holds it, by pid and start time.
 * {@link #reclaimDead()} takes back every block of a process that no longer runs, and
 * {@link #allocate()} does so once before it reports the pool full. The owner word is claimed
 * before the bit is set and cleared after it, so a process killed at any point of an allocate,
 * free or reclaim leaves a word that names it: its blocks come back at the next reclaim, never to
 * two holders ({@link PoolLayout} gives the steps). Death is judged per process (a thread that
 * ends holding blocks keeps them for its process), in one pid namespace.
 *
 * <h2>Memory that shrinks</h2>
 * Another process can shrink the object under a shared mapping ({@code ftruncate}); the pages past
 * its new end then fault. The calls throw an {@link MMapException} that names the pool and the
 * object instead: {@code attach}, {@link #available()}, {@link #reclaimDead()} and a search that
 * finds the pool full first check that the object still covers the whole pool, and {@link #view}
 * checks the block's own memory (an allocate whose bookkeeping survived may hand out a block
 * whose memory is gone; its view refuses). Views handed out earlier throw the JDK's own
 * {@link InternalError} when their block is gone. <b>One hole remains.</b> The JDK turns the fault
 * into an exception for plain reads and writes, but for atomic operations only in code of its
 * optimizing compiler (C2): an interpreted or C1-compiled compare-and-set on a vanished page kills
 * the process with SIGBUS. Each atomic operation here is therefore preceded, immediately and in
 * the same call, by a plain read of the same word, which throws instead. Only a shrink that lands
 * in the few instructions between that read and the atomic, before C2 has compiled the pool's
 * code (the first thousands of calls), still crashes the process.
 *
 * <h2>Hostile peers</h2>
 * Anybody with write access can scribble on the pool. {@code attach} accepts only a header that
 * {@code format} could have written into memory of that size; a pool already attached keeps the
 * geometry it read. Scribbled bitmap and owner words can make blocks look used or free, or let two
 * processes hold one block, but never make a call hand out an offset outside the data area, fail
 * with anything but the documented exceptions, or loop without end.
 *
 * <h2>Lifetime</h2>
 * The pool does not own the mapping. Once the mapping is closed (or an {@code mprotect} takes
 * rights away), every method that touches the memory, and every view handed out earlier, throws
 * {@link IllegalStateException}; none of them can fault. A pool in a segment lives as long as the
 * segment's scope in the same way (a confined arena's segment may be used only by its owner
 * thread). A segment made from a raw address has no lifetime at all: freeing or unmapping its
 * memory while the pool is used crashes the process, as any access through such a segment does.
 */
public final class MemoryPool {

    /** {@link #tryAllocate()} returns this when every block is in use. */
    public static final long FULL = -1;

    /** The mapping, or null for a pool that was formatted or attached in a segment. */
    private final MemoryMap map;
    private final PoolMemory memory;
    private final BlockOwners owners;
    private final BlockBitmap bitmap;
    private final BlockOffsets offsets;
    private final long blockSize;

    /** A pool over {@code memory}, whose header the caller wrote or checked. */
    MemoryPool(MemoryMap map, PoolMemory memory, PoolHeader header) {
        this.map = map;
        this.memory = memory;
        this.owners = new BlockOwners(memory, header);
        this.bitmap = new BlockBitmap(memory, owners, header);
        this.offsets = new BlockOffsets(header);
        this.blockSize = header.blockSize();
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
     * @throws MMapException when the mapping is closed, or its object was shrunk under it
     * @throws MMapException on macOS and Windows when the JVM denies mman native access: the owner
     *     table records this process by its start time, which only a native call tells there (on
     *     Linux it is read from {@code /proc}); the message names {@code --enable-native-access}
     */
    public static MemoryPool format(MemoryMap map, long blockSize) {
        String call = "MemoryPool.format(" + map + ", " + blockSize + ")";
        return PoolSetup.format(call, map, PoolSetup.ofMap(call, map), "mapping", blockSize);
    }

    /**
     * Lays out a new, empty pool over the whole of {@code memory}, as {@link #format(MemoryMap, long)}
     * does over a mapping; offsets count from the segment's first byte. To share the pool with
     * other processes, pass memory of a shared mapping, such as a slice of {@link MemoryMap#asSegment()}.
     *
     * @param memory native, writable memory whose address is a multiple of 8
     * @param blockSize bytes per block, a positive multiple of 8
     * @return the pool, with every block free; it lives as long as the segment's scope
     * @throws MMapInvalidParameterException when the block size is bad, {@code memory} is a heap or
     *     read-only segment, its address is not a multiple of 8, or it is too small for one block
     * @throws IllegalStateException when the segment's scope is closed
     * @throws MMapException on macOS and Windows when the JVM denies mman native access: the owner
     *     table records this process by its start time, which only a native call tells there (on
     *     Linux it is read from {@code /proc}); the message names {@code --enable-native-access}
     */
    public static MemoryPool format(MemorySegment memory, long blockSize) {
        String call = "MemoryPool.format(" + memory + ", " + blockSize + ")";
        return PoolSetup.format(call, null, PoolSetup.ofSegment(call, memory), "segment", blockSize);
    }

    /**
     * Joins the pool that {@link #format} laid out in this mapping, possibly in another process.
     * Blocks that are in use stay in use.
     *
     * @param map a readable and writable mapping of the same memory the pool was formatted in
     * @return the pool
     * @throws MMapInvalidParameterException when the mapping holds no pool (not formatted, or
     *     something else), a pool of another {@linkplain PoolLayout#VERSION layout version}, a
     *     damaged or impossible header, or is smaller than the pool; the message says which
     * @throws MMapException when the mapping is closed, or its object no longer covers the pool
     * @throws MMapException on macOS and Windows when the JVM denies mman native access: the owner
     *     table records this process by its start time, which only a native call tells there (on
     *     Linux it is read from {@code /proc}); the message names {@code --enable-native-access}
     */
    public static MemoryPool attach(MemoryMap map) {
        String call = "MemoryPool.attach(" + map + ")";
        return PoolSetup.attach(call, map, PoolSetup.ofMap(call, map), "mapping");
    }

    /**
     * Joins the pool that {@link #format} laid out in the memory that {@code memory} views, as
     * {@link #attach(MemoryMap)} does in a mapping, possibly in another process (or program, see
     * {@link PoolLayout}).
     *
     * @param memory native, writable memory whose address is a multiple of 8, starting where the pool starts
     * @return the pool, which lives as long as the segment's scope
     * @throws MMapInvalidParameterException when {@code memory} is a heap or read-only segment or its
     *     address is not a multiple of 8, or for the reasons {@link #attach(MemoryMap)} gives
     * @throws MMapException when the memory under the segment no longer covers the pool
     * @throws IllegalStateException when the segment's scope is closed
     * @throws MMapException on macOS and Windows when the JVM denies mman native access: the owner
     *     table records this process by its start time, which only a native call tells there (on
     *     Linux it is read from {@code /proc}); the message names {@code --enable-native-access}
     */
    public static MemoryPool attach(MemorySegment memory) {
        String call = "MemoryPool.attach(" + memory + ")";
        return PoolSetup.attach(call, null, PoolSetup.ofSegment(call, memory), "segment");
    }

    /**
     * How large a mapping must be to hold a pool of {@code blockCount} blocks of {@code blockSize}
     * bytes, header, bitmap and owner table included. {@link #format} on a mapping of this size
     * gives at least that many blocks.
     *
     * @param blockSize bytes per block, a positive multiple of 8
     * @param blockCount how many blocks, at least 1
     * @return bytes
     * @throws MMapInvalidParameterException when an argument is bad, or the size overflows a long
     */
    public static long requiredSize(long blockSize, long blockCount) {
        return PoolSetup.requiredSize("MemoryPool.requiredSize(" + blockSize + ", " + blockCount + ")", blockSize,
                blockCount);
    }

    // ---------------------------------------------------------------- blocks

    /**
     * Takes a free block, or reports that there is none. This is the hot path: it allocates no
     * Java objects, takes no lock and makes no system call, and so never reclaims the blocks of
     * dead processes ({@link #allocate()} and {@link #reclaimDead()} do).
     *
     * @return the block's offset in the mapping, or {@link #FULL} ({@code -1}) when every block is
     *     in use
     * @throws MMapException when the object under the mapping was shrunk below the pool
     * @throws IllegalStateException when the mapping is closed
     */
    public long tryAllocate() {
        try {
            return take(false);
        } catch (InternalError fault) {
            throw faulted("tryAllocate()", fault);
        }
    }

    /**
     * Takes a free block. When every block is in use, first takes back the blocks of processes
     * that died ({@link #reclaimDead()}) and tries once more.
     *
     * @return the block's offset in the mapping
     * @throws MMapException when every block is in use by a running process ({@link #tryAllocate()}
     *     reports that without an exception), or the object under the mapping was shrunk below
     *     the pool
     * @throws IllegalStateException when the mapping is closed
     */
    public long allocate() {
        long offset;
        try {
            offset = take(true);
        } catch (InternalError fault) {
            throw faulted("allocate()", fault);
        }
        if (offset == FULL) {
            throw new MMapException("MemoryPool.allocate(): all " + offsets.blockCount() + " blocks of "
                    + blockSize + " bytes in " + where() + " are in use by running processes; free some, or format "
                    + "a larger " + (map != null ? "mapping" : "segment"));
        }
        return offset;
    }

    /**
     * One pass over the bitmap. When the pool looks full, checks that its memory is still there
     * (a pool whose memory is gone looks full), and when asked reclaims and passes again.
     *
     * @return the offset of a block this call claimed, or {@link #FULL}
     */
    private long take(boolean reclaim) {
        long index = bitmap.take();
        if (index < 0) {
            memory.checkCovers(offsets.dataEnd());
            if (reclaim && owners.reclaimDead("allocate") > 0) {
                index = bitmap.take();
            }
        }
        PoolMemory.deliverFaults();
        return index < 0 ? FULL : offsets.offsetOf(index);
    }

    /**
     * Gives a block back. Its contents are left as they are. Any process may free any block, for
     * instance one whose holder handed it over.
     *
     * @param offset an offset that {@link #allocate()} or {@link #tryAllocate()} returned, in any
     *     process attached to this pool
     * @throws MMapInvalidParameterException when {@code offset} is not the start of a block of this
     *     pool; the message names the offset and the valid ones
     * @throws MMapException when the block is not in use: it was freed already (double free),
     *     never allocated, or taken back from a dead process; or when the object under the mapping
     *     was shrunk below the block's bookkeeping
     * @throws IllegalStateException when the mapping is closed
     */
    public void free(long offset) {
        long index = offsets.indexOf("free", offset);
        long owner;
        boolean freed;
        try {
            owner = owners.owner(index);
            freed = BlockOwners.isHeld(owner) && bitmap.clear("free", index);
            if (freed) {
                owners.release(index, owner);
            }
            PoolMemory.deliverFaults();
        } catch (InternalError fault) {
            throw faulted("free(" + offset + ")", fault);
        }
        if (!freed) {
            throw BlockOwners.notInUse(offset, index, owner);
        }
    }

    /**
     * Takes back every block whose owner process no longer runs (by pid and start time), and every
     * block whose bookkeeping was scribbled into a state no process leaves; blocks of running
     * processes are never touched. Costs a pass over the owner table and a look-up per process
     * named in it (on Linux, a read of {@code /proc/<pid>/stat}).
     *
     * @return how many blocks came back
     * @throws MMapException when the object under the mapping was shrunk below the pool, or the
     *     platform cannot tell whether a process runs
     * @throws IllegalStateException when the mapping is closed
     */
    public long reclaimDead() {
        try {
            memory.checkCovers(offsets.dataEnd());
            long reclaimed = owners.reclaimDead("reclaimDead");
            PoolMemory.deliverFaults();
            return reclaimed;
        } catch (InternalError fault) {
            throw faulted("reclaimDead()", fault);
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
     * @throws MMapException when the block is free, or the object under the mapping was shrunk
     *     below it
     * @throws IllegalStateException when the mapping is closed
     */
    public MemorySegment view(long offset) {
        long index = offsets.indexOf("view", offset);
        boolean used;
        try {
            used = bitmap.isUsed(index);
            memory.checkCovers(offset + blockSize);
            PoolMemory.deliverFaults();
        } catch (InternalError fault) {
            throw faulted("view(" + offset + ")", fault);
        }
        if (!used) {
            throw new MMapException("MemoryPool.view(" + offset + "): block " + index + " at offset " + offset
                    + " is free; allocate it first");
        }
        return memory.segment().asSlice(offset, blockSize);
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
        return offsets.blockCount();
    }

    /**
     * How many blocks are free right now, in all processes together. Other threads and processes
     * may change the number while it is counted, so it is exact only when nobody allocates or frees.
     *
     * @return free blocks, between 0 and {@link #capacity()}
     * @throws MMapException when the object under the mapping was shrunk below the pool
     * @throws IllegalStateException when the mapping is closed
     */
    public long available() {
        try {
            memory.checkCovers(offsets.dataEnd());
            long free = bitmap.countFree();
            PoolMemory.deliverFaults();
            return free;
        } catch (InternalError fault) {
            throw faulted("available()", fault);
        }
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
     * Describes the pool from what it read at {@code format} or {@code attach}; never touches the
     * memory, so it never throws, even after the mapping is closed or shrunk.
     *
     * @return for example {@code MemoryPool[1000 blocks of 64 bytes from offset 192 in MemoryMap[...]]}
     */
    @Override
    public String toString() {
        return "MemoryPool[" + offsets.blockCount() + " blocks of " + blockSize + " bytes from offset "
                + offsets.dataOffset() + " in " + where() + "]";
    }

    private String where() {
        return map != null ? String.valueOf(map) : "a " + memory.segment().byteSize() + "-byte segment";
    }

    private MMapException faulted(String call, InternalError fault) {
        return PoolMemory.faulted("MemoryPool." + call, this, PoolSetup.object(map, memory.segment()),
                offsets.dataEnd(), fault);
    }
}
