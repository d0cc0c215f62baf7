package dev.mman.pool;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.mman.MMapException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One contender in a double-allocation hunt: it takes batches of blocks, stamps each with its owner
 * and a sequence number, and checks every stamp just before freeing. A block that another contender
 * was handed at the same time gets overwritten, and the check sees a foreign stamp.
 */
final class StampedCycles {

    /** How many failures are described in full; the rest are only counted. */
    private static final int DESCRIBED = 20;

    /**
     * What one contender saw.
     *
     * @param cycles allocate/free pairs completed
     * @param failures stamps that did not survive, plus blocks that were not in use while held
     * @param timesFull how often the pool had no free block
     * @param described the first failures, in words
     */
    record Outcome(long cycles, long failures, long timesFull, List<String> described) {}

    private final MemoryPool pool;
    private final long owner;
    private final long[] held;
    private final List<String> described = new ArrayList<>();
    private long failures;
    private long sequence;

    private StampedCycles(MemoryPool pool, long owner, int maxHeld) {
        this.pool = pool;
        this.owner = owner;
        this.held = new long[maxHeld];
    }

    /**
     * Runs {@code cycles} allocate/free pairs, holding up to {@code maxHeld} blocks at a time.
     *
     * @param pool the shared pool; blocks must be at least 24 bytes
     * @param owner this contender's id, nonzero
     * @param cycles allocate/free pairs to complete
     * @param maxHeld the largest batch
     * @param seed varies the batch sizes
     */
    static Outcome run(MemoryPool pool, long owner, long cycles, int maxHeld, long seed) {
        return new StampedCycles(pool, owner, maxHeld).cycle(cycles, new SplittableRandom(seed));
    }

    private Outcome cycle(long cycles, SplittableRandom random) {
        long done = 0;
        long timesFull = 0;
        while (done < cycles) {
            int batch = (int) Math.min(cycles - done, 1 + random.nextInt(held.length));
            int taken = 0;
            while (taken < batch) {
                long offset = pool.tryAllocate();
                if (offset == MemoryPool.FULL) {
                    timesFull++;
                    if (taken > 0) {
                        break; // free what we have, so that the other contenders can go on
                    }
                    Thread.onSpinWait();
                    continue;
                }
                stamp(offset);
                held[taken++] = offset;
            }
            for (int i = 0; i < taken; i++) {
                check(held[i], sequence - taken + i + 1);
                pool.free(held[i]);
            }
            done += taken;
        }
        return new Outcome(done, failures, timesFull, List.copyOf(described));
    }

    private void stamp(long offset) {
        sequence++;
        MemorySegment block = view(offset);
        if (block != null) {
            block.set(JAVA_LONG, 0, owner);
            block.set(JAVA_LONG, 8, sequence);
            block.set(JAVA_LONG, pool.blockSize() - 8, owner ^ sequence);
        }
    }

    private void check(long offset, long expectedSequence) {
        MemorySegment block = view(offset);
        if (block == null) {
            return;
        }
        long foundOwner = block.get(JAVA_LONG, 0);
        long foundSequence = block.get(JAVA_LONG, 8);
        long foundTail = block.get(JAVA_LONG, pool.blockSize() - 8);
        if (foundOwner != owner || foundSequence != expectedSequence || foundTail != (owner ^ expectedSequence)) {
            fail("block at " + offset + " held by owner " + owner + " as #" + expectedSequence + " carries owner "
                    + foundOwner + " #" + foundSequence + " (tail " + foundTail + "): allocated twice");
        }
    }

    /** The block's view, or null when the pool says a block this contender holds is free. */
    private MemorySegment view(long offset) {
        try {
            return pool.view(offset);
        } catch (MMapException notInUse) {
            fail("block at " + offset + " held by owner " + owner + " is not in use: " + notInUse.getMessage());
            return null;
        }
    }

    private void fail(String what) {
        failures++;
        if (described.size() < DESCRIBED) {
            described.add(what);
        }
    }
}
