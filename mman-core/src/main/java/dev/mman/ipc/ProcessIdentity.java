package dev.mman.ipc;

import dev.mman.internal.Platform;

/**
 * A process, named so that a later process with the same pid is not mistaken for it: the pid in
 * the high 32 bits of a long, and the low 30 bits of its start time (clock ticks since boot) in
 * bits 2 to 31. Bits 0 and 1 stay free, so a lock word is an identity plus a 2-bit state and one
 * compare-and-set installs both.
 *
 * <p>A reused pid fools this only if the new process started a multiple of 2<sup>30</sup> ticks
 * (124 days at 100 Hz) after the old one, to the tick. All processes must share one pid namespace.
 */
final class ProcessIdentity {

    private static final int STAMP_BITS = 30;
    private static final long STAMP_MASK = (1L << STAMP_BITS) - 1;
    private static final int STAMP_SHIFT = 2;
    /** The bits that are not the identity: lock state, or nothing. */
    static final long FREE_BITS = (1L << STAMP_SHIFT) - 1;

    private ProcessIdentity() {}

    private static final class Current {
        static final long IDENTITY = of(ProcessHandle.current().pid(),
                Platform.current().processStartTime(ProcessHandle.current().pid()));
    }

    /**
     * This process.
     *
     * @return the identity, never 0
     */
    static long current() {
        return Current.IDENTITY;
    }

    static long of(long pid, long startTime) {
        return pid << 32 | (startTime & STAMP_MASK) << STAMP_SHIFT;
    }

    static long pid(long identity) {
        return identity >>> 32;
    }

    /**
     * Whether the process is still running, by pid and start time.
     *
     * @param word an identity, possibly with state bits, which are ignored
     */
    static boolean isAlive(long word) {
        long identity = word & ~FREE_BITS;
        if (identity == current()) {
            return true;
        }
        long startTime = Platform.current().processStartTime(pid(identity));
        return startTime >= 0 && of(pid(identity), startTime) == identity;
    }
}
