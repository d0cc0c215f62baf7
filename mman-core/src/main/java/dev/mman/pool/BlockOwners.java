package dev.mman.pool;

import static dev.mman.pool.PoolLayout.OWNER_HELD;
import static dev.mman.pool.PoolLayout.OWNER_NONE;
import static dev.mman.pool.PoolLayout.OWNER_RECLAIMING;
import static dev.mman.pool.PoolLayout.OWNER_STATE_MASK;

import dev.mman.MMapException;
import dev.mman.internal.ProcessIdentity;

/**
 * The owner table: which process claimed, holds or is reclaiming each block, and taking blocks
 * back from processes that died. The protocol is {@link PoolLayout}'s: a block's owner word is
 * taken with a compare-and-set from 0 before its bitmap bit is set, and returns to 0 only after
 * the bit is cleared, so a block whose word is not 0 can be claimed by nobody, and a word that
 * names a dead process can be taken over with one compare-and-set, racing nobody alive.
 */
final class BlockOwners {

    /** How many liveness answers one reclaim remembers: enough for the processes of a busy machine. */
    private static final int REMEMBERED_PROCESSES = 64;

    private final PoolMemory memory;
    private final long ownersOffset;
    private final long blockCount;
    /** This process ({@link ProcessIdentity}). */
    private final long identity;
    /** This process's owner word for the blocks it holds. */
    private final long held;
    /** This process's owner word for the blocks it is taking back. */
    private final long reclaiming;

    /**
     * @throws MMapException when this process cannot name itself ({@link ProcessIdentity#current()}:
     *     on macOS and Windows, when native access is denied)
     */
    BlockOwners(PoolMemory memory, PoolHeader header) {
        this.memory = memory;
        this.ownersOffset = header.ownersOffset();
        this.blockCount = header.blockCount();
        this.identity = ProcessIdentity.current();
        this.held = PoolLayout.ownerWord(identity, OWNER_HELD);
        this.reclaiming = PoolLayout.ownerWord(identity, OWNER_RECLAIMING);
    }

    private long wordOffset(long index) {
        return ownersOffset + (index << 3);
    }

    /** The owner word of block {@code index}; a plain read, so it also guards a following atomic. */
    long owner(long index) {
        return memory.read(wordOffset(index));
    }

    /** Takes the owner word of a block nobody claims; false when somebody else has it. */
    boolean claim(long index) {
        return memory.compareAndSet(wordOffset(index), OWNER_NONE, held);
    }

    /** Gives back a claim whose bit could not be set. */
    void unclaim(long index) {
        memory.compareAndSet(wordOffset(index), held, OWNER_NONE);
    }

    /** Whether {@code word} is an owner word of a holder, the state {@code free} accepts. */
    static boolean isHeld(long word) {
        return (word & OWNER_STATE_MASK) == OWNER_HELD && (word & ~OWNER_STATE_MASK) != 0;
    }

    /**
     * Returns block {@code index}'s owner word to 0 once its bit is clear. A block this process
     * holds cannot be taken by a reclaimer (the process is alive), so a release store does; a
     * block of another process may be, so a compare-and-set leaves the reclaimer's word alone.
     */
    void release(long index, long word) {
        if (word == held) {
            memory.storeRelease(wordOffset(index), OWNER_NONE);
        } else {
            memory.compareAndSet(wordOffset(index), word, OWNER_NONE);
        }
    }

    /**
     * Takes back every block whose owner word names a process that no longer runs, holds no
     * valid owner, or is empty while the block's bit is set (none of the protocol's steps leaves
     * that). Each is taken with a compare-and-set to this process's reclaiming word, its bit is
     * cleared, and its owner word returns to 0: a process killed meanwhile leaves its reclaiming
     * word, which the next reclaim takes over in turn.
     *
     * @param call the call, for messages
     * @return how many blocks came back
     */
    long reclaimDead(String call) {
        Liveness liveness = new Liveness();
        long reclaimed = 0;
        for (long first = 0; first < blockCount; first += Long.SIZE) {
            long bitmapAt = PoolLayout.bitmapWordOffset(first);
            long bits = memory.read(bitmapAt);
            long last = Math.min(first + Long.SIZE, blockCount);
            for (long index = first; index < last; index++) {
                long at = wordOffset(index);
                long owner = memory.read(at);
                long bit = 1L << index;
                boolean used = (bits & bit) != 0;
                if (owner == OWNER_NONE ? !used : liveness.holdsValidly(owner)) {
                    continue;
                }
                if (!memory.compareAndSet(at, owner, reclaiming)) {
                    continue; // it changed since it was read: somebody alive is using it
                }
                boolean wasUsed = memory.clearBit(call, bitmapAt, bit);
                memory.storeRelease(at, OWNER_NONE);
                if (owner != OWNER_NONE || wasUsed) {
                    reclaimed++;
                }
            }
        }
        return reclaimed;
    }

    /**
     * Whether processes live, asked of the platform (on Linux {@code /proc/<pid>/stat}) at most
     * once per process during one reclaim, so a pool full of one dead process's blocks costs one
     * look-up. Remembers a bounded number of answers: owner words that another process scribbled
     * can name any number of processes, and must not make the reclaim allocate for each.
     */
    private final class Liveness {
        private final long[] identities = new long[REMEMBERED_PROCESSES];
        private final boolean[] alive = new boolean[REMEMBERED_PROCESSES];
        private int remembered;
        private int next;

        /** Whether {@code word} is a held or reclaiming owner word of a running process. */
        boolean holdsValidly(long word) {
            long state = word & OWNER_STATE_MASK;
            long named = word & ~OWNER_STATE_MASK;
            if ((state != OWNER_HELD && state != OWNER_RECLAIMING) || named == 0) {
                return false;
            }
            if (named == identity) {
                return true;
            }
            for (int i = 0; i < remembered; i++) {
                if (identities[i] == named) {
                    return alive[i];
                }
            }
            boolean running = ProcessIdentity.isAlive(named);
            identities[next] = named;
            alive[next] = running;
            next = (next + 1) % REMEMBERED_PROCESSES;
            remembered = Math.max(remembered, next == 0 ? REMEMBERED_PROCESSES : next);
            return running;
        }
    }

    /** The exception for a free of a block that is not in use, with what its owner word says. */
    static MMapException notInUse(long offset, long index, long owner) {
        long state = owner & PoolLayout.OWNER_STATE_MASK;
        String why = owner == PoolLayout.OWNER_NONE ? ""
                : state == PoolLayout.OWNER_RECLAIMING ? ", and process " + ProcessIdentity.pid(owner)
                        + " is taking it back from a process that died"
                : state == PoolLayout.OWNER_HELD ? ", and process " + ProcessIdentity.pid(owner) + " is allocating it"
                : ", and its owner word holds 0x" + Long.toHexString(owner) + ", which no process writes";
        return new MMapException("MemoryPool.free(" + offset + "): block " + index + " at offset " + offset
                + " is not in use: it was freed already (double free) or never allocated" + why);
    }

}
