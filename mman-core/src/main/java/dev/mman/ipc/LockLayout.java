package dev.mman.ipc;

import dev.mman.internal.ProcessIdentity;
import java.nio.ByteOrder;

/**
 * The layout of a {@link SharedLock} in shared memory, version {@value #VERSION}: a contract
 * between processes, and between languages. A program that follows it can take and release a
 * lock that Java formatted, or format one that Java attaches. This class only describes;
 * {@link SharedLock} reads and writes the memory.
 *
 * <h2>The lock</h2>
 * {@value #BYTES} bytes at an 8-byte aligned address. Every number is in the machine's native
 * byte order (little-endian on every platform mman runs on) and every field is naturally aligned.
 * <pre>
 *  offset  size  field        written by                       holds
 *     0     8    word         lockers, by atomic operations    0 = free, else the owner's identity | state
 *     8     4    magic        format, last (release)           0x4b4c4d4d: the bytes "MMLK" in memory
 *    12     4    consistency  the holder                       0 = consistent, 1 (or any other) = an owner died
 *    16     4    version      format, before the magic         1
 *    20    44    reserved     format                           0; keeps other hot data off the cache line
 * </pre>
 * {@code format} zeroes the {@value #BYTES} bytes, writes the version and publishes the magic last
 * with a release store. {@code attach} reads the magic with an acquire load and refuses a lock
 * whose magic or {@linkplain #VERSION version} differ. A later version puts new fields into the
 * reserved bytes; the offsets above stay. (Before layout versions, {@code format} left the version
 * at 0; the layout was otherwise the same.)
 *
 * <h2>The lock word</h2>
 * <pre>
 *  bits  0..1    state       0 = free (the whole word is 0), 1 = locked, 2 = locked and contended
 *  bits  2..31   start time  the low 30 bits of the owner's start time
 *  bits 32..63   pid         the owner's process id
 * </pre>
 * Bits 2 to 63 are the owner's <em>process identity</em>: {@code pid << 32 | (startTime &
 * 0x3fffffff) << 2}. The start time is the one the platform keeps, so that a later process with
 * the same pid is told apart: on Linux field 22 of {@code /proc/<pid>/stat} (clock ticks since
 * boot), on macOS {@code proc_pidinfo}'s start time in microseconds since 1970, on Windows
 * {@code GetProcessTimes}' creation time in 100 ns units since 1601. {@link RingLayout}'s producer slots hold
 * the same identity with the state bits 0.
 * <p>The futex is the word's low 32 bits, at {@link #FUTEX_OFFSET}: the state and the start-time
 * bits. To take a free lock, compare-and-set the word from 0 to {@code identity | 1}. A waiter
 * that finds it held sets the state to 2 (compare-and-set) and sleeps in {@code FUTEX_WAIT}
 * (shared, not private) on the low 32 bits it saw, for at most 100 ms at a time; a lock it takes
 * while others may sleep it takes as {@code identity | 2}. To release, exchange the word with 0;
 * when the old state was 2, {@code FUTEX_WAKE} one waiter. When the word has not changed for 100
 * ms, a waiter checks whether the owner still runs with that start time; when not, it takes the
 * lock over with a compare-and-set from the dead owner's word to its own identity with the state
 * kept, and stores 1 in {@code consistency}. A holder that has repaired the guarded data stores 0
 * there (release).
 *
 * <h2>Other programs</h2>
 * Every process that uses a lock sees the same native byte order (they run on one machine), runs
 * in one pid namespace, and can see the others' start times. The word is read and written only
 * with 64-bit atomic operations; the futex calls use its low half in place.
 * {@code FUTEX_WAIT} and {@code FUTEX_WAKE} name the platform's shared address wait: on Linux
 * {@code futex} without {@code FUTEX_PRIVATE_FLAG}; on macOS {@code os_sync_wait_on_address}
 * with {@code OS_SYNC_WAIT_ON_ADDRESS_SHARED} (or {@code __ulock_wait} with
 * {@code UL_COMPARE_AND_WAIT_SHARED} before macOS 14.4), and their wakes; on Windows mman's
 * waiters poll the word, so a wake needs no call there.
 */
public final class LockLayout {

    /** The layout version this library writes at {@code format} and requires at {@code attach}. */
    public static final int VERSION = 1;
    /** The magic number, an int32 at {@link #MAGIC_OFFSET}: the bytes "MMLK" in little-endian memory. */
    public static final int MAGIC = 0x4b4c4d4d;
    /** The bytes a lock occupies. */
    public static final int BYTES = 64;

    /** Where the int64 lock word sits. */
    public static final long WORD_OFFSET = 0;
    /**
     * Where the futex, the lock word's low 32 bits, sits: 0 on little-endian machines, 4 on
     * big-endian ones.
     */
    public static final long FUTEX_OFFSET = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? 0 : 4;
    /** Where the int32 magic sits. */
    public static final long MAGIC_OFFSET = 8;
    /** Where the int32 consistency flag sits. */
    public static final long CONSISTENCY_OFFSET = 12;
    /** Where the int32 layout version sits. */
    public static final long VERSION_OFFSET = 16;

    /** The state of a free lock, whose whole word is 0. */
    public static final int FREE = 0;
    /** The state of a lock that is held, with nobody known to wait. */
    public static final int LOCKED = 1;
    /** The state of a lock that is held while others may sleep on it: its release must wake one. */
    public static final int CONTENDED = 2;
    /** The state bits of the lock word. */
    public static final long STATE_MASK = 0b11;
    /** The consistency flag's value while the guarded data is sound. */
    public static final int CONSISTENT = 0;
    /** The consistency flag's value after an owner died holding the lock, until a holder repairs the data. */
    public static final int INCONSISTENT = 1;

    private LockLayout() {}

    /**
     * A process identity, as the lock word and the ring's producer slots hold it.
     *
     * @param pid the process id, from 0 to 2<sup>32</sup> - 1
     * @param startTime the process's start time as the platform keeps it (see above); only its low
     *     30 bits count
     * @return {@code pid << 32 | (startTime & 0x3fffffff) << 2}, with the state bits 0
     */
    public static long identity(long pid, long startTime) {
        return ProcessIdentity.of(pid, startTime);
    }

    /**
     * The pid of the process a lock word (or producer-slot owner) names.
     *
     * @param word a lock word
     * @return its high 32 bits; 0 for a free lock
     */
    public static long pid(long word) {
        return ProcessIdentity.pid(word);
    }

    /**
     * The state of a lock word.
     *
     * @param word a lock word
     * @return {@link #FREE} (for the word 0), {@link #LOCKED} or {@link #CONTENDED}
     */
    public static int state(long word) {
        return (int) (word & STATE_MASK);
    }
}
