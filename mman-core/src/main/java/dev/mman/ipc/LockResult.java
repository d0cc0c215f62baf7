package dev.mman.ipc;

/**
 * How a {@link SharedLock} acquisition ended.
 *
 * <p>{@link #OWNER_DIED} is the counterpart of POSIX {@code EOWNERDEAD}: the caller holds the lock,
 * but the data it guards may be half-updated. Repair it, then call
 * {@link SharedLock#markConsistent()}. Until someone does, every later acquisition reports
 * {@code OWNER_DIED} again, so ignoring it cannot hide the damage.
 */
public enum LockResult {

    /** The lock is held and the data it guards is consistent. */
    ACQUIRED,

    /**
     * The lock is held, but a process died while holding it (or a repair was not finished): check
     * and repair the guarded data, then call {@link SharedLock#markConsistent()}.
     */
    OWNER_DIED,

    /** The lock was not acquired: {@code tryLock} found it held, or its timeout elapsed. */
    NOT_ACQUIRED;

    /**
     * Whether the caller now holds the lock.
     *
     * @return true for {@link #ACQUIRED} and {@link #OWNER_DIED}
     */
    public boolean acquired() {
        return this != NOT_ACQUIRED;
    }
}
