package dev.mman;

import dev.mman.internal.Platform;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Ranges whose mapping {@code close()} replaced by an inert placeholder, waiting to be unmapped.
 * Part of the safety protocol of {@link MappingGuard}.
 *
 * <p>Closing a view arena is one handshake, after which a thread that was caught inside an access
 * may still make that access (JDK-8364167). Unmapping right away would let it fault; so
 * {@code close()} instead puts a placeholder over the range
 * ({@link Platform#replaceWithPlaceholder}): the file's pages are out of reach at once, and the late
 * access lands in harmless anonymous memory. The extra handshakes that make sure no thread is still
 * inside such an access happen here, on a daemon thread, once for a whole batch of ranges, and only
 * then are the placeholders unmapped. The closing thread pays one handshake and one system call.
 *
 * <p>Placeholders hold address space and count against the process's mapping limit until they are
 * unmapped, so {@link MappingBudget} still counts them, and at most {@link #MOST_WAITING} wait: the
 * thread that queues one more drains the batch itself.
 */
final class Placeholders {

    /** Beyond this many waiting ranges, the closing thread unmaps the batch itself. */
    static final int MOST_WAITING = 256;
    /** A batch this large is unmapped at once; a smaller one waits for more, at most {@link #GATHER_NANOS}. */
    private static final int BATCH = 64;
    /**
     * How long the first range of a batch waits for others. A handshake stops every thread, the
     * closing ones included, so four of them after each close would cost the closers nearly as much
     * as making them inline; gathered, they cost a few microseconds per close. A placeholder holds
     * only address space meanwhile (and a page, if a late write touched one).
     */
    private static final long GATHER_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private record Range(Platform platform, long address, long size) {}

    private static final Object LOCK = new Object();
    /**
     * Held while a batch is unmapped, so that a drain returns only once every range queued before it
     * is gone, including a batch the reaper took a moment earlier: the mapping budget then counts
     * what is really mapped.
     */
    private static final Object UNMAPPING = new Object();
    private static final List<Range> WAITING = new ArrayList<>();
    private static Thread reaper;

    private Placeholders() {}

    /**
     * Queues a range that now holds a placeholder, to be unmapped after the handshakes.
     *
     * @param platform the platform that mapped it
     * @param address its start
     * @param size its length
     */
    static void queue(Platform platform, long address, long size) {
        boolean full;
        synchronized (LOCK) {
            WAITING.add(new Range(platform, address, size));
            full = WAITING.size() >= MOST_WAITING;
            if (reaper == null) {
                try {
                    reaper = Thread.ofPlatform().daemon().name("mman-placeholders").start(Placeholders::reap);
                } catch (OutOfMemoryError noThread) {
                    full = true; // at the thread limit: this close drains the queue itself, the next one retries
                }
            }
            if (WAITING.size() == 1 || WAITING.size() == BATCH) {
                LOCK.notifyAll(); // the reaper waits for a first range, then for a batch or its deadline
            }
        }
        if (full) {
            drain();
        }
    }

    /** Unmaps every range queued so far, after the handshakes, and returns how many this call unmapped. */
    static int drain() {
        synchronized (UNMAPPING) {
            List<Range> batch;
            synchronized (LOCK) {
                batch = List.copyOf(WAITING);
                WAITING.clear();
            }
            if (batch.isEmpty()) {
                return 0;
            }
            MappingGuard.awaitLateAccesses();
            for (Range range : batch) {
                try {
                    range.platform.unmap(range.address, range.size);
                } catch (MMapException keptMapped) {
                    // munmap fails only for a bad range; the placeholder then stays, harmless
                }
                MappingBudget.give();
            }
            return batch.size();
        }
    }

    private static void reap() {
        while (true) {
            synchronized (LOCK) {
                try {
                    while (WAITING.isEmpty()) {
                        LOCK.wait();
                    }
                    long deadline = System.nanoTime() + GATHER_NANOS;
                    long left;
                    while (!WAITING.isEmpty() && WAITING.size() < BATCH && (left = deadline - System.nanoTime()) > 0) {
                        TimeUnit.NANOSECONDS.timedWait(LOCK, left);
                    }
                } catch (InterruptedException ignored) {
                    // a daemon: it ends with the JVM, never on request; drain what is there
                }
            }
            drain();
        }
    }
}
