package dev.mman;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Faults a large range in on several threads at once. One thread faults about 3 GB/s in; the
 * kernel's page-fault path scales with threads (published figures give 7.6 GB/s on eight), so a
 * large {@code MAP_POPULATE}, {@code madvise(POPULATE)} or async mapping is split into one
 * page-aligned piece per thread.
 *
 * <p>Safe by construction: the workers touch only a range the caller keeps mapped until every
 * worker has ended (a region not yet handed out, or one whose guard monitor the caller holds), and
 * the caller waits for them even when interrupted, so no worker can outlive the memory.
 */
final class ParallelPrefault {

    /** Each automatic thread gets at least this much; below twice this, one thread does it all. */
    static final long BYTES_PER_THREAD = 64L << 20;
    /** The most threads the automatic choice takes, however many processors there are. */
    static final int MOST_AUTOMATIC = 8;
    /** The most threads a caller may ask for. */
    static final int MOST_THREADS = 256;

    /** Faults in the piece {@code [offset, offset + length)} of the range. */
    @FunctionalInterface
    interface Piece {
        void fault(long offset, long length);
    }

    private ParallelPrefault() {}

    /**
     * How many threads fault in {@code size} bytes.
     *
     * @param requested the caller's choice, or {@link MappingTraits#AUTOMATIC}: as many processors as
     *     there are, at most {@link #MOST_AUTOMATIC}, and one per {@link #BYTES_PER_THREAD}
     * @return at least 1, and never more than there are pages
     */
    static int threads(long size, long pageSize, int requested) {
        long pages = Math.max(1, (size + pageSize - 1) / pageSize);
        long bySize = size / BYTES_PER_THREAD;
        // availableProcessors() is a system call (sched_getaffinity): not asked when the size alone decides
        long wanted = requested != MappingTraits.AUTOMATIC ? requested
                : bySize <= 1 ? 1 : Math.min(Math.min(Runtime.getRuntime().availableProcessors(), MOST_AUTOMATIC), bySize);
        return (int) Math.max(1, Math.min(wanted, pages));
    }

    /**
     * Faults in {@code [0, size)} in {@code threads} pieces: the caller's thread takes the first,
     * one platform thread each the others. When no more threads can be started (the process's
     * thread limit, {@code ulimit -u}), the caller's thread faults in what is left itself. Returns
     * once all are done.
     *
     * @throws RuntimeException the first failure of a piece (the others' are suppressed in it)
     */
    static void run(long size, long pageSize, int threads, Piece piece) {
        if (threads <= 1) {
            piece.fault(0, size);
            return;
        }
        long pages = (size + pageSize - 1) / pageSize;
        long step = (pages + threads - 1) / threads * pageSize;
        List<Thread> workers = new ArrayList<>(threads - 1);
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        long unstarted = size; // where the pieces no thread could be started for begin
        try {
            for (long start = step; start < size; start += step) {
                long offset = start;
                long length = Math.min(step, size - start);
                try {
                    workers.add(Thread.ofPlatform().daemon().name("mman-prefault").start(() -> {
                        try {
                            piece.fault(offset, length);
                        } catch (Throwable failure) {
                            failures.add(failure);
                        }
                    }));
                } catch (OutOfMemoryError noThread) {
                    // The process is at its thread limit: a slower prefault beats a failed mapping.
                    unstarted = start;
                    break;
                }
            }
            piece.fault(0, Math.min(step, size));
            if (unstarted < size) {
                piece.fault(unstarted, size - unstarted);
            }
        } catch (Throwable failure) {
            failures.addFirst(failure);
        } finally {
            awaitAll(workers);
        }
        rethrowFirst(failures);
    }

    /** Waits for every worker; an interrupt is kept for later, as the memory must outlive them. */
    private static void awaitAll(List<Thread> workers) {
        boolean interrupted = false;
        for (Thread worker : workers) {
            while (true) {
                try {
                    worker.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void rethrowFirst(List<Throwable> failures) {
        if (failures.isEmpty()) {
            return;
        }
        Throwable first = failures.getFirst();
        for (Throwable other : failures.subList(1, failures.size())) {
            first.addSuppressed(other);
        }
        if (first instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (first instanceof Error error) {
            throw error;
        }
        throw new MMapException("prefault failed: " + first, first);
    }
}
