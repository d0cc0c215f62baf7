package dev.mman.pool;

import static dev.mman.Mman.PROT_READ;
import static dev.mman.Mman.PROT_WRITE;

import dev.mman.MMapInvalidParameterException;
import dev.mman.MemoryMap;
import dev.mman.internal.ProcessIdentity;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * Making a {@link MemoryPool}: the checks of {@code format}'s and {@code attach}'s arguments, the
 * header written or read, and the memory checked to cover the pool, each refusal naming what
 * would be right.
 */
final class PoolSetup {

    private PoolSetup() {}

    /** Formats the largest pool of {@code blockSize} blocks that fits into {@code segment}. */
    static MemoryPool format(String call, MemoryMap map, MemorySegment segment, String noun, long blockSize) {
        checkBlockSize(call, blockSize);
        PoolHeader header = PoolHeader.largestFitting(segment.byteSize(), blockSize);
        if (header == null) {
            throw new MMapInvalidParameterException(call + ": the " + segment.byteSize() + "-byte "
                    + noun + " cannot hold a pool with even one block of " + blockSize + " bytes; it needs at least "
                    + describeRequiredSize(blockSize) + " (see MemoryPool.requiredSize)");
        }
        // The owner table needs this process's identity; a platform that cannot tell refuses before the memory is touched.
        ProcessIdentity.current();
        try {
            header.writeTo(segment);
            PoolMemory.deliverFaults();
        } catch (InternalError fault) {
            throw PoolMemory.faulted(call, "the " + noun, object(map, segment), header.end(), fault);
        }
        return new MemoryPool(map, new PoolMemory(segment), header);
    }

    private static String describeRequiredSize(long blockSize) {
        try {
            return PoolHeader.requiredSize(blockSize, 1) + " bytes";
        } catch (ArithmeticException overflow) {
            return "more than " + Long.MAX_VALUE + " bytes";
        }
    }

    /** Attaches to the pool in {@code segment}, after checking its header and that the memory covers it. */
    static MemoryPool attach(String call, MemoryMap map, MemorySegment segment, String noun) {
        PoolMemory memory = new PoolMemory(segment);
        PoolHeader header;
        try {
            header = PoolHeader.readFrom(segment, call, noun);
        } catch (InternalError fault) {
            throw PoolMemory.faulted(call, "the " + noun, object(map, segment), PoolLayout.HEADER_BYTES, fault);
        }
        try {
            memory.checkCovers(header.end());
            PoolMemory.deliverFaults();
        } catch (InternalError fault) {
            throw PoolMemory.faulted(call, "the pool of " + header.blockCount() + " blocks of " + header.blockSize()
                    + " bytes", object(map, segment), header.end(), fault);
        }
        return new MemoryPool(map, memory, header);
    }

    /** The bytes a pool of {@code blockCount} blocks of {@code blockSize} needs, after checking the arguments. */
    static long requiredSize(String call, long blockSize, long blockCount) {
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

    /** Refuses a block size that is not a positive multiple of 8. */
    static void checkBlockSize(String call, long blockSize) {
        if (blockSize < PoolLayout.MIN_BLOCK_SIZE || blockSize % PoolLayout.MIN_BLOCK_SIZE != 0) {
            throw new MMapInvalidParameterException(call + ": block size " + blockSize + " is not a positive "
                    + "multiple of 8; round it up to " + Math.max(8, (blockSize + 7) & -8L));
        }
    }

    /** What the memory is, for messages about it. */
    static String object(MemoryMap map, MemorySegment segment) {
        return map != null ? String.valueOf(map) : "the memory of the " + segment.byteSize() + "-byte segment";
    }

    /** The segment of a mapping, after checking that a pool can use it. */
    static MemorySegment ofMap(String call, MemoryMap map) {
        Objects.requireNonNull(map, "map");
        int needed = PROT_READ | PROT_WRITE;
        if ((map.protection() & needed) != needed) {
            throw new MMapInvalidParameterException(call + ": a pool needs a readable and writable mapping; "
                    + "call mprotect(PROT_READ | PROT_WRITE) first");
        }
        return map.asSegment();
    }

    /** {@code memory}, after checking that the bitmap's 64-bit atomics can work on it. */
    static MemorySegment ofSegment(String call, MemorySegment memory) {
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
}
