package dev.mman.ipc;

import static dev.mman.ipc.Regions.INT;

import dev.mman.MMapException;
import dev.mman.MemoryMap;
import dev.mman.internal.Platform;
import dev.mman.internal.ProcessIdentity;
import dev.mman.ipc.Regions.Placement;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.Objects;

/**
 * A mutual-exclusion lock that lives inside a shared mapping, so that threads of several
 * processes can take it: a three-state futex mutex (free, locked, contended) that survives the
 * death of its owner.
 *
 * <pre>{@code
 * // one process, once: place the lock in the first 64 bytes
 * SharedLock.format(shm, 0);
 * // every process
 * SharedLock lock = SharedLock.attach(shm, 0);
 * if (lock.lock() == LockResult.OWNER_DIED) {
 *     repair(shm);            // the last owner died mid-update
 *     lock.markConsistent();
 * }
 * try {
 *     update(shm);
 * } finally {
 *     lock.unlock();
 * }
 * }</pre>
 *
 * <h2>Cost</h2>
 * An uncontended {@code lock()} is one compare-and-set and {@code unlock()} one atomic exchange;
 * neither enters the kernel. Under contention a thread spins briefly, then sleeps in
 * {@code FUTEX_WAIT} (the shared, not the process-private, kind), and {@code unlock()} makes one
 * {@code FUTEX_WAKE} only when somebody sleeps.
 *
 * <h2>Owner death</h2>
 * The lock word holds the owner's pid and the low bits of its start time (from
 * {@code /proc/<pid>/stat}), installed by the same compare-and-set that takes the lock, so there
 * is no moment at which a held lock has no recorded owner. A waiter sleeps at most
 * {@value #OWNER_CHECK_MILLIS} ms at a time; once the lock word has stayed the same for that long
 * it checks whether the owner process still runs with that start time, so a reused pid does not
 * count as alive. When it is gone, the waiters race with one compare-and-set to take the lock
 * over; exactly one wins and gets {@link LockResult#OWNER_DIED}. The guarded data stays marked
 * inconsistent (every later acquisition reports {@code OWNER_DIED} too) until a holder calls
 * {@link #markConsistent()}.
 * Death is tracked per process: a thread that ends without unlocking, in a process that lives
 * on, keeps the lock held.
 *
 * <h2>Threads</h2>
 * One {@code SharedLock} may be shared by the threads of a process. The lock is not reentrant:
 * locking it again from the thread that holds it through the same object throws. Waiting blocks
 * the thread in a system call for up to {@value #OWNER_CHECK_MILLIS} ms at a time; a virtual
 * thread therefore pins its carrier while it waits, and is not interrupted by
 * {@link Thread#interrupt()} before the current sleep ends. Prefer platform threads for locks
 * that are held long under contention.
 *
 * <h2>Requirements</h2>
 * All processes must run in one pid namespace and see each other in {@code /proc} (no
 * {@code hidepid} mount option between different users): a process that cannot be seen counts
 * as dead.
 *
 * <h2>Layout</h2>
 * {@value #BYTES} bytes at an 8-byte aligned offset: the lock word (8 bytes: owner and state,
 * the futex on its low 32 bits), a magic number, the consistency flag and the layout version;
 * the rest is padding that keeps other hot data off the lock's cache line. {@link LockLayout}
 * gives every byte and bit, for programs in other languages.
 *
 * <h2>Memory</h2>
 * A lock lives in a shared mapping ({@code format} and {@code attach} with a {@link MemoryMap}),
 * or in any native, writable {@link MemorySegment} that holds it at an 8-byte aligned address
 * (the overloads with a segment). It has no lifetime of its own: the memory's governs, as the
 * package documentation describes.
 *
 * <h2>Hostile peers</h2>
 * The lock's bytes are input from other processes. A lock word that names a process that does
 * not run (by pid and start time) is a dead owner's, whatever its other bits, and is taken over
 * as above; {@code unlock()} refuses, with {@link CorruptStructureException}, a word that no
 * longer names this process, rather than release a lock another process holds. The package
 * documentation says what a shrunk object ends in.
 */
public final class SharedLock {

    /** The bytes a lock occupies in the mapping ({@link LockLayout#BYTES}). */
    public static final int BYTES = LockLayout.BYTES;

    /** The longest a waiter sleeps before it checks whether the owner is still alive. */
    public static final int OWNER_CHECK_MILLIS = 100;

    private static final long CONSISTENCY = LockLayout.CONSISTENCY_OFFSET;
    private static final int CONSISTENT = LockLayout.CONSISTENT;
    private static final int INCONSISTENT = LockLayout.INCONSISTENT;

    private final MemorySegment lock;
    /** The futex protocol on the lock word. */
    private final LockWord word;
    private final long offset;
    /** Names the lock and its memory, and tells a shrunk object from other faults. */
    private final StructureGuard guard;
    /** The thread of this process that holds the lock through this object; guarded by the lock itself. */
    private Thread holder;

    private SharedLock(MemorySegment lock, StructureGuard guard) {
        this.lock = lock;
        this.guard = guard;
        this.word = new LockWord(lock, guard);
        this.offset = guard.offset();
    }

    /**
     * Writes a new, free lock at {@code offset}. Call it once, before any process attaches, and
     * never while the lock may be in use: it erases the lock's state.
     *
     * @param map the mapping, shared and writable
     * @param offset where the lock starts, a multiple of 8
     * @return the lock
     * @throws dev.mman.MMapInvalidParameterException when the offset is negative, misaligned, or
     *     the {@value #BYTES} bytes do not fit in the mapping, or the mapping is not writable
     * @throws dev.mman.MMapException when the JVM denies mman native access (the message names
     *     {@code --enable-native-access}): the waits and wake-ups need it
     */
    public static SharedLock format(MemoryMap map, long offset) {
        return format(Placement.in(map, offset));
    }

    /**
     * Writes a new, free lock at {@code offset} in any native memory, as
     * {@link #format(MemoryMap, long)} does in a mapping. To share the lock with other processes,
     * pass memory of a shared mapping, such as a slice of {@link MemoryMap#asSegment()}.
     *
     * @param memory native, writable memory
     * @param offset where the lock starts in {@code memory}; the lock's address ({@code memory}'s
     *     address plus {@code offset}) must be a multiple of 8
     * @return the lock, which lives as long as the segment's scope (see "Memory" above)
     * @throws dev.mman.MMapInvalidParameterException when {@code memory} is a heap or read-only
     *     segment, the lock's address is not a multiple of 8, the offset is negative, or the
     *     {@value #BYTES} bytes do not fit in {@code memory}
     * @throws IllegalStateException when the segment's scope is closed
     * @throws dev.mman.MMapException when the JVM denies mman native access (the message names
     *     {@code --enable-native-access}): the waits and wake-ups need it
     */
    public static SharedLock format(MemorySegment memory, long offset) {
        return format(Placement.in(memory, offset));
    }

    private static SharedLock format(Placement place) {
        String call = "SharedLock.format(" + place.offset() + ")";
        Platform.current().requireNativeCalls(call);
        MemorySegment region = place.slice(call, BYTES);
        region.fill((byte) 0);
        INT.set(region, LockLayout.VERSION_OFFSET, LockLayout.VERSION);
        INT.setRelease(region, LockLayout.MAGIC_OFFSET, LockLayout.MAGIC);
        return new SharedLock(region, guard(place, region));
    }

    /**
     * Uses the lock that {@link #format} placed at {@code offset}, possibly in another process.
     *
     * @param map the mapping, shared and writable
     * @param offset where the lock starts
     * @return the lock
     * @throws dev.mman.MMapInvalidParameterException as {@link #format} does, and when there is no
     *     formatted lock at {@code offset}, or one of another
     *     {@linkplain LockLayout#VERSION layout version}
     * @throws dev.mman.MMapException when the JVM denies mman native access (the message names
     *     {@code --enable-native-access}): the waits and wake-ups need it
     */
    public static SharedLock attach(MemoryMap map, long offset) {
        return attach(Placement.in(map, offset));
    }

    /**
     * Uses the lock that {@link #format} placed at {@code offset} of {@code memory}, or that
     * another process (or program, see {@link LockLayout}) placed in the memory that
     * {@code memory} views.
     *
     * @param memory native, writable memory
     * @param offset where the lock starts in {@code memory}; the lock's address must be a
     *     multiple of 8
     * @return the lock, which lives as long as the segment's scope (see "Memory" above)
     * @throws dev.mman.MMapInvalidParameterException as {@link #format(MemorySegment, long)} does,
     *     and when there is no formatted lock at {@code offset}, or one of another
     *     {@linkplain LockLayout#VERSION layout version}
     * @throws IllegalStateException when the segment's scope is closed
     * @throws dev.mman.MMapException when the JVM denies mman native access (the message names
     *     {@code --enable-native-access}): the waits and wake-ups need it
     */
    public static SharedLock attach(MemorySegment memory, long offset) {
        return attach(Placement.in(memory, offset));
    }

    private static SharedLock attach(Placement place) {
        long offset = place.offset();
        String call = "SharedLock.attach(" + offset + ")";
        Platform.current().requireNativeCalls(call);
        MemorySegment region = place.slice(call, BYTES);
        StructureGuard guard = guard(place, region);
        try {
            check(call, offset, region);
            guard.checkCovered(call);
        } catch (InternalError fault) {
            throw guard.fault(call, fault);
        }
        return new SharedLock(region, guard);
    }

    private static StructureGuard guard(Placement place, MemorySegment region) {
        return new StructureGuard("SharedLock", place.owner(), place.offset(), region);
    }

    private static void check(String call, long offset, MemorySegment region) {
        int magic = (int) INT.getAcquire(region, LockLayout.MAGIC_OFFSET);
        if (magic != LockLayout.MAGIC) {
            throw Regions.invalid(String.format("%s: no lock was formatted there (found 0x%08x, expected "
                    + "0x%08x); call SharedLock.format(map, %d) once first", call, magic, LockLayout.MAGIC, offset));
        }
        int version = (int) INT.get(region, LockLayout.VERSION_OFFSET);
        if (version != LockLayout.VERSION) {
            throw Regions.versionMismatch(call, "the lock at offset " + offset, version, LockLayout.VERSION,
                    LockLayout.class);
        }
    }

    /**
     * Takes the lock, waiting as long as it takes.
     *
     * @return {@link LockResult#ACQUIRED}, or {@link LockResult#OWNER_DIED} when the data must be
     *     repaired first; never {@code NOT_ACQUIRED}
     * @throws IllegalStateException when the calling thread holds the lock through this object,
     *     or the mapping was closed
     * @throws MMapException when the shared object no longer covers the lock
     */
    public LockResult lock() {
        refuseReentry();
        try {
            return taken(word.takeFree() ? LockResult.ACQUIRED : word.waitAndTake(Long.MAX_VALUE, false));
        } catch (InternalError fault) {
            throw guard.fault("lock()", fault);
        }
    }

    /**
     * Takes the lock if it is free, or if its owner has died; never waits. Costs a read of
     * {@code /proc} when the lock is held.
     *
     * @return the result; {@link LockResult#NOT_ACQUIRED} when a live process holds the lock
     * @throws IllegalStateException when the calling thread holds the lock through this object
     * @throws MMapException when the shared object no longer covers the lock
     */
    public LockResult tryLock() {
        refuseReentry();
        try {
            return taken(word.tryTake());
        } catch (InternalError fault) {
            throw guard.fault("tryLock()", fault);
        }
    }

    /**
     * Takes the lock, waiting at most {@code timeout}.
     *
     * @param timeout the longest wait; zero or negative behaves like {@link #tryLock()}
     * @return the result; {@link LockResult#NOT_ACQUIRED} when the time ran out
     * @throws InterruptedException when the thread is interrupted while waiting (noticed within
     *     {@value #OWNER_CHECK_MILLIS} ms)
     * @throws IllegalStateException when the calling thread holds the lock through this object
     */
    public LockResult tryLock(Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        LockResult first = tryLock();
        if (first.acquired() || timeout.isNegative() || timeout.isZero()) {
            return first;
        }
        long deadline = Deadline.after(timeout);
        LockResult result;
        try {
            result = taken(word.waitAndTake(deadline, true));
        } catch (InternalError fault) {
            throw guard.fault("tryLock(" + timeout + ")", fault);
        }
        if (!result.acquired() && Thread.interrupted()) {
            throw new InterruptedException("interrupted while waiting for the SharedLock at offset " + offset);
        }
        return result;
    }

    /**
     * Declares the guarded data repaired after {@link LockResult#OWNER_DIED}, so that later
     * acquisitions report {@link LockResult#ACQUIRED} again.
     *
     * @throws IllegalMonitorStateException when the calling thread does not hold the lock
     */
    public void markConsistent() {
        requireHeld("markConsistent()");
        try {
            INT.setRelease(lock, CONSISTENCY, CONSISTENT);
        } catch (InternalError fault) {
            throw guard.fault("markConsistent()", fault);
        }
    }

    /**
     * Releases the lock, waking one waiter if any sleeps.
     *
     * @throws IllegalMonitorStateException when the calling thread does not hold the lock through
     *     this object
     * @throws CorruptStructureException when the lock word no longer names this process; the
     *     lock is left as it is, and this thread no longer counts as its holder
     * @throws MMapException when the shared object no longer covers the lock
     */
    public void unlock() {
        requireHeld("unlock()");
        holder = null;
        try {
            word.release();
        } catch (InternalError fault) {
            throw guard.fault("unlock()", fault);
        }
    }

    /**
     * The pid of the process that holds the lock, for diagnostics; it may change at any time.
     *
     * @return the pid, or 0 when the lock is free
     * @throws MMapException when the shared object no longer covers the lock
     */
    public long ownerPid() {
        try {
            return ProcessIdentity.pid(word.read());
        } catch (InternalError fault) {
            throw guard.fault("ownerPid()", fault);
        }
    }

    /**
     * Whether the calling thread holds the lock through this object.
     *
     * @return true between a successful acquisition and {@link #unlock()}
     */
    public boolean isHeldByCurrentThread() {
        return holder == Thread.currentThread();
    }

    /** Records the holder of a lock the word protocol took, and reads the consistency flag. */
    private LockResult taken(LockResult how) {
        if (!how.acquired()) {
            return how;
        }
        boolean ownerDied = how == LockResult.OWNER_DIED;
        holder = Thread.currentThread();
        if (ownerDied) {
            INT.setVolatile(lock, CONSISTENCY, INCONSISTENT);
            return LockResult.OWNER_DIED;
        }
        return (int) INT.get(lock, CONSISTENCY) == CONSISTENT ? LockResult.ACQUIRED : LockResult.OWNER_DIED;
    }

    private void refuseReentry() {
        if (holder == Thread.currentThread()) {
            throw new IllegalStateException("the SharedLock at offset " + offset + " is not reentrant and this "
                    + "thread holds it already; locking again would deadlock");
        }
    }

    private void requireHeld(String call) {
        if (holder != Thread.currentThread()) {
            long owner = ownerPid();
            throw new IllegalMonitorStateException(call + ": this thread does not hold the SharedLock at offset "
                    + offset + (owner == 0 ? " (it is free)" : " (process " + owner + " holds it)"));
        }
    }

    /**
     * Describes the lock and who holds it.
     *
     * @return for example {@code SharedLock[offset 0, held by pid 4242]}, or
     *     {@code SharedLock[offset 0, closed]} once its memory was closed
     */
    @Override
    public String toString() {
        if (guard.closed()) {
            return "SharedLock[offset " + offset + ", closed]";
        }
        try {
            long owner = ProcessIdentity.pid(word.read());
            return "SharedLock[offset " + offset + ", " + (owner == 0 ? "free" : "held by pid " + owner) + "]";
        } catch (RuntimeException | InternalError unreadable) {
            return "SharedLock[offset " + offset + ", memory unreadable: " + unreadable.getClass().getSimpleName()
                    + "]";
        }
    }
}
