package dev.mman.ipc;

import static dev.mman.ipc.Regions.LONG;

import dev.mman.MMapException;
import dev.mman.internal.Platform;
import dev.mman.internal.ProcessIdentity;
import java.lang.foreign.MemorySegment;

/**
 * The futex protocol on a {@link SharedLock}'s word ({@link LockLayout}): taking it free, waiting
 * for it, taking it over from a dead owner, and releasing it. Every atomic operation on the word
 * follows a guarded read of it in the same call (see "Hostile peers" in the package
 * documentation). Who holds the lock within this process is {@link SharedLock}'s business.
 */
final class LockWord {

    private static final long WORD = LockLayout.WORD_OFFSET;
    private static final long FREE = LockLayout.FREE;
    private static final long LOCKED = LockLayout.LOCKED;
    private static final long CONTENDED = LockLayout.CONTENDED;
    private static final long STATE = LockLayout.STATE_MASK;
    private static final int SPINS = 100;
    private static final long CHECK_NANOS = SharedLock.OWNER_CHECK_MILLIS * 1_000_000L;

    private final MemorySegment lock;
    private final MemorySegment futexWord;
    private final Platform platform = Platform.current();
    private final long mine = ProcessIdentity.current();
    private final StructureGuard guard;

    LockWord(MemorySegment lock, StructureGuard guard) {
        this.lock = lock;
        this.futexWord = lock.asSlice(LockLayout.FUTEX_OFFSET, Integer.BYTES);
        this.guard = guard;
    }

    /** The word, with volatile semantics. */
    long read() {
        return (long) LONG.getVolatile(lock, WORD);
    }

    /** The uncontended path: one guarded read and one compare-and-set, when the lock is free. */
    boolean takeFree() {
        // The plain read guards the compare-and-set; a held lock skips it.
        return (long) LONG.get(lock, WORD) == FREE && (boolean) LONG.compareAndSet(lock, WORD, FREE, mine | LOCKED);
    }

    /** Takes the lock if it is free or its owner dead; never waits. Results as {@link #waitAndTake}. */
    LockResult tryTake() {
        long word = read();
        if (word == FREE) {
            return (boolean) LONG.compareAndSet(lock, WORD, FREE, mine | LOCKED) ? LockResult.ACQUIRED
                    : LockResult.NOT_ACQUIRED;
        }
        return takeOverFromDead(word) ? LockResult.OWNER_DIED : LockResult.NOT_ACQUIRED;
    }

    /**
     * Waits for the lock and takes it: from a free word, as contended, or from a dead owner.
     *
     * @return {@link LockResult#ACQUIRED} when taken from a free word, {@link LockResult#OWNER_DIED}
     *     when taken from a dead owner, {@link LockResult#NOT_ACQUIRED} past the deadline or when
     *     interrupted (if {@code interruptible})
     */
    LockResult waitAndTake(long deadline, boolean interruptible) {
        // The owner is checked when the same word has been seen for a whole interval, not when a
        // sleep times out: signals (profilers, JFR) may cut every sleep short.
        long watched = FREE;
        long watchedSince = 0;
        guard.checkCovered("lock()");
        for (int spins = 0; ; spins++) {
            // Read before every compare-and-set below: the guard read.
            long word = (long) LONG.getVolatile(lock, WORD);
            if (word == FREE) {
                // Other threads may be asleep, so the new owner must wake one when it leaves.
                if ((boolean) LONG.compareAndSet(lock, WORD, FREE, mine | CONTENDED)) {
                    return LockResult.ACQUIRED;
                }
                continue;
            }
            if (spins < SPINS) {
                Thread.onSpinWait();
                continue;
            }
            if ((word & STATE) == LOCKED) {
                long marked = word ^ LOCKED ^ CONTENDED;
                if (!(boolean) LONG.compareAndSet(lock, WORD, word, marked)) {
                    continue;
                }
                word = marked;
            }
            long now = System.nanoTime();
            if (word != watched) {
                watched = word;
                watchedSince = now;
            } else if (now - watchedSince >= CHECK_NANOS) {
                watchedSince = now;
                if (takeOverFromDead(word)) {
                    return LockResult.OWNER_DIED;
                }
            }
            long left = deadline - now;
            if (left <= 0 || interruptible && Thread.currentThread().isInterrupted()) {
                return LockResult.NOT_ACQUIRED;
            }
            guard.checkCovered("lock()");
            try {
                platform.futexWait(futexWord, (int) word, Math.min(left, CHECK_NANOS));
            } catch (MMapException failure) {
                throw guard.fault("lock()", failure);
            }
        }
    }

    /** Takes the lock from a dead owner; among several callers only one compare-and-set succeeds. */
    boolean takeOverFromDead(long word) {
        if (word == FREE || ProcessIdentity.isAlive(word)) {
            return false;
        }
        // Keep the contended state: sleepers remain, and the new owner's unlock must wake them. A
        // state no locker writes (3, or 0 under an owner) may hide sleepers too. The reread guards
        // the compare-and-set: the look at the owner took long enough for a peer to shrink the object.
        long state = (word & STATE) == LOCKED ? LOCKED : CONTENDED;
        return (long) LONG.get(lock, WORD) == word && (boolean) LONG.compareAndSet(lock, WORD, word, mine | state);
    }

    /**
     * Releases the lock this process holds, waking one sleeper when the state says some sleep.
     *
     * @throws CorruptStructureException when the word no longer names this process; it is left alone
     */
    void release() {
        // The plain read guards the exchange and checks that the lock is still ours.
        long word = (long) LONG.get(lock, WORD);
        if ((word & ~STATE) != mine) {
            throw guard.corrupt("the lock word (offset " + WORD + ")", word, "this process holds the lock, so "
                    + "the word names it (pid " + ProcessIdentity.pid(mine) + "); it names pid "
                    + ProcessIdentity.pid(word));
        }
        long previous = (long) LONG.getAndSet(lock, WORD, FREE);
        if ((previous & STATE) == CONTENDED) {
            platform.futexWake(futexWord, 1);
        }
    }
}
