package dev.mman.pool;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.mman.MMapException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Uses a pool whose memory somebody else may have scribbled on, and records every broken promise:
 * a call that failed with anything but an {@link MMapException} (or one of its subclasses), an
 * offset outside the data area, a view of the wrong size, a count out of range, and (when the
 * bookkeeping was left alone) a block handed out twice.
 */
final class PoolTorture {

    /** How many broken promises are described; the rest are only counted. */
    private static final int DESCRIBED = 20;

    private final List<String> violations = new ArrayList<>();
    private long broken;
    private long refusals;
    private long handedOut;

    /** What the pool did, in words, when it broke a promise; empty when it kept them all. */
    List<String> violations() {
        return List.copyOf(violations);
    }

    /** How many promises were broken. */
    long broken() {
        return broken;
    }

    /** How many calls ended with a documented exception. */
    long refusals() {
        return refusals;
    }

    /** How many offsets the pools handed out. */
    long handedOut() {
        return handedOut;
    }

    /**
     * Attaches to {@code memory} and, when that works, uses the pool.
     *
     * @param what the case, for the description of a broken promise
     * @param memory the pool's memory, through this process's view
     * @param maxBlocks how many blocks to take at most
     * @param distinct whether the bitmap and owner table were left alone, so blocks must be distinct
     * @return the pool, or null when attach refused
     */
    MemoryPool attachAndUse(String what, MemorySegment memory, int maxBlocks, boolean distinct) {
        MemoryPool pool;
        try {
            pool = MemoryPool.attach(memory);
        } catch (MMapException refused) {
            refusals++;
            return null;
        } catch (Throwable t) {
            violation(what + ": attach threw " + t);
            return null;
        }
        use(what, pool, memory.byteSize(), maxBlocks, distinct);
        return pool;
    }

    /**
     * Allocates up to {@code maxBlocks} blocks (by allocate and tryAllocate), views and writes each,
     * counts, frees them all, and reclaims, checking each result.
     *
     * @param size the bytes of the pool's memory
     */
    void use(String what, MemoryPool pool, long size, int maxBlocks, boolean distinct) {
        long blockSize = pool.blockSize();
        long capacity = pool.capacity();
        // attach accepted the header, so it follows the recipe: these are where the blocks may be.
        long dataStart = PoolLayout.dataStart(blockSize, capacity);
        long ownersEnd = PoolLayout.ownerWordOffset(capacity, capacity);
        if (blockSize < 8 || capacity < 1 || dataStart < ownersEnd || capacity > (size - dataStart) / blockSize) {
            violation(what + ": attach accepted " + pool + " in " + size + " bytes");
            return;
        }
        List<Long> held = new ArrayList<>();
        Set<Long> distinctHeld = new HashSet<>();
        for (int i = 0; i < maxBlocks; i++) {
            boolean throwing = i % 2 == 0;
            long block = call(what, "allocate", () -> throwing ? pool.allocate() : pool.tryAllocate());
            if (block == MemoryPool.FULL || block == REFUSED) {
                break;
            }
            handedOut++;
            if (block < dataStart || block < ownersEnd || (block - dataStart) % blockSize != 0
                    || block > size - blockSize) {
                violation(what + ": " + pool + " handed out offset " + block + ", outside its data area");
                break;
            }
            if (!distinctHeld.add(block) && distinct) {
                violation(what + ": " + pool + " handed out offset " + block + " twice");
            }
            held.add(block);
            call(what, "view", () -> {
                MemorySegment view = pool.view(block);
                if (view.byteSize() != blockSize) {
                    violation(what + ": the view of " + block + " has " + view.byteSize() + " bytes");
                }
                view.set(JAVA_LONG, 0, block);
                return 0;
            });
        }
        checkCount(what + ": " + pool, "available", pool::available, capacity);
        for (long block : held) {
            call(what, "free", () -> {
                pool.free(block);
                return 0;
            });
        }
        checkCount(what + ": " + pool, "reclaimDead", pool::reclaimDead, capacity);
    }

    /** Runs a call that counts blocks, and checks that the count is between 0 and the capacity. */
    private void checkCount(String what, String name, Call count, long capacity) {
        long counted = call(what, name, count);
        if (counted != REFUSED && (counted < 0 || counted > capacity)) {
            violation(what + ": " + name + " counted " + counted + " of " + capacity + " blocks");
        }
    }

    /** What {@link #call} returns when the pool refused with a documented exception. */
    private static final long REFUSED = Long.MIN_VALUE;

    /** A pool call that may return a long. */
    @FunctionalInterface
    interface Call {
        /**
         * Makes the call.
         *
         * @return its result, or 0
         */
        long run();
    }

    /** Runs one call: a documented exception is a refusal, anything else breaks a promise. */
    long call(String what, String name, Call call) {
        try {
            return call.run();
        } catch (MMapException refused) {
            refusals++;
            return REFUSED;
        } catch (Throwable t) {
            violation(what + ": " + name + " threw " + t);
            return REFUSED;
        }
    }

    void violation(String description) {
        broken++;
        if (violations.size() < DESCRIBED) {
            violations.add(description);
        }
    }
}
