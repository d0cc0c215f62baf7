package dev.mman.internal.windows;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.locks.LockSupport;

/**
 * A futex wait for systems without a cross-process one. Windows' {@code WaitOnAddress} wakes only
 * threads of the same process, so a waiter watches the word itself: it spins briefly, then yields,
 * then parks in slices that grow to {@link #LONGEST_PARK_NANOS}. A wake therefore needs no call (a
 * waker's store is what the waiter sees), and costs the sleeper up to one slice of latency.
 */
final class PollingWait {

    /** The longest single park: the worst added latency of a wake. */
    static final long LONGEST_PARK_NANOS = 1_000_000;
    private static final long FIRST_PARK_NANOS = 10_000;
    private static final int SPINS = 100;
    private static final int YIELDS = 10;

    private PollingWait() {}

    /**
     * Waits until the word no longer holds {@code expected} or the timeout elapses.
     *
     * @param word four bytes, 4-byte aligned, inside a live mapping
     * @param expected the value the caller saw
     * @param timeoutNanos the longest wait, positive
     * @return true when the word changed, false when the timeout elapsed first
     */
    static boolean await(MemorySegment word, int expected, long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        long park = FIRST_PARK_NANOS;
        for (int round = 0; ; round++) {
            if ((int) ValueLayout.JAVA_INT.varHandle().getVolatile(word, 0L) != expected) {
                return true;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            if (round < SPINS) {
                Thread.onSpinWait();
            } else if (round < SPINS + YIELDS) {
                Thread.yield();
            } else {
                LockSupport.parkNanos(Math.min(park, left));
                park = Math.min(park * 2, LONGEST_PARK_NANOS);
            }
        }
    }
}
