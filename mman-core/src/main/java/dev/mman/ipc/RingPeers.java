package dev.mman.ipc;

import dev.mman.internal.ProcessIdentity;
import java.util.concurrent.locks.LockSupport;

/**
 * The other processes of a ring, as far as it can tell: whether a recorded producer or consumer
 * still runs, and the backoff of a call that waits for one of them, which checks on them as it
 * goes so that a dead peer ends the wait instead of prolonging it for ever.
 */
final class RingPeers {

    /** How often a blocked producer checks that the consumer lives. */
    static final int CHECK_MILLIS = 100;

    private static final long CHECK_NANOS = CHECK_MILLIS * 1_000_000L;
    private static final int SPINS = 200;
    private static final int YIELDS = 50;
    private static final long PARK_NANOS = 50_000L;

    private RingPeers() {}

    /**
     * Whether the process a ring recorded still runs, by pid and start time; 0 means nobody was
     * recorded (nobody has taken the role yet, or a program that does not record), which is
     * not a death.
     */
    static boolean alive(long identity) {
        return identity == 0 || ProcessIdentity.isAlive(identity);
    }

    static ConsumerDiedException consumerDied(StructureGuard ring, long consumer) {
        long pid = ProcessIdentity.pid(consumer);
        return new ConsumerDiedException(ring.describe() + ": the ring is full and its consumer, process " + pid
                + ", has exited, so nobody will make room; the record was not written. Start a consumer, which "
                + "takes over the unread records, and write again", pid);
    }

    /** Spins, then yields, then parks; tells when a waiting call should check on its peers. */
    static final class Backoff {

        private int round;
        private long nextCheck;

        /** Whether the next {@link #idle()} still spins or yields, rather than parks. */
        boolean spinning() {
            return round < SPINS + YIELDS;
        }

        /**
         * Whether to check on the peers now: at the first park, then every
         * {@value #CHECK_MILLIS} ms, so that short waits never pay for a look at another process.
         */
        boolean checkDue() {
            if (spinning()) {
                return false;
            }
            long now = System.nanoTime();
            if (round == SPINS + YIELDS || now - nextCheck >= 0) {
                nextCheck = now + CHECK_NANOS;
                return true;
            }
            return false;
        }

        void idle() {
            if (round < SPINS) {
                Thread.onSpinWait();
            } else if (round < SPINS + YIELDS) {
                Thread.yield();
            } else {
                LockSupport.parkNanos(PARK_NANOS);
            }
            // Saturates: a wait of days must not overflow back into spinning.
            if (round <= SPINS + YIELDS) {
                round++;
            }
        }
    }
}
