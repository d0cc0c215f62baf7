package dev.mman.ipc;

import java.time.Duration;
import java.util.Objects;

/** Turns a timeout into a {@link System#nanoTime()} deadline that cannot overflow. */
final class Deadline {

    /** Longer timeouts than this (about 146 years) all mean "practically never". */
    private static final long LONGEST_NANOS = Long.MAX_VALUE / 2;

    private Deadline() {}

    static long after(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        // Duration.toNanos overflows beyond about 292 years either way: clamp before converting.
        long nanos = timeout.isNegative() ? 0
                : timeout.compareTo(Duration.ofNanos(LONGEST_NANOS)) > 0 ? LONGEST_NANOS : timeout.toNanos();
        return System.nanoTime() + nanos;
    }
}
