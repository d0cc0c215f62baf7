package dev.mman;

import dev.mman.internal.Platform;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Keeps mman's mappings from using up the process's mapping limit ({@code vm.max_map_count} on
 * Linux). At that limit the kernel refuses every new mapping, and the JVM aborts the process as
 * soon as it needs memory of its own (a thread stack, more heap, more code cache). So mman stops
 * short of it: it keeps a reserve for the JVM, and when a new mapping would eat into that reserve
 * it first unmaps the placeholders of closed mappings ({@link Placeholders}), then reclaims
 * mappings that were dropped unclosed (a garbage collection, then their
 * {@link MappingLease cleaners}), and then refuses with an {@link MMapAllocationException} that
 * gives the figures.
 *
 * <p>Counting is cheap until it matters: mman counts its own live native mappings, and only once
 * they are a sizeable part of the limit does it read the process's real count (every region,
 * including the JVM's and the JDK's), every {@link #SAMPLE_EVERY} mappings and on every mapping
 * close to the line.
 *
 * <p>The system property {@value #LIMIT_PROPERTY} lowers the limit mman works to (never raises it
 * past the kernel's): for a process that shares the limit with native code of its own, and for
 * tests.
 */
final class MappingBudget {

    /** The system property that lowers the limit mman keeps under. */
    static final String LIMIT_PROPERTY = "dev.mman.mapCountLimit";

    /** Past the first warning line, the real count is read again after this many new mappings. */
    private static final long SAMPLE_EVERY = 32;
    /** Collections tried before refusing, waiting 1, 2, 4, ... ms after each for the cleaners. */
    private static final int RECLAIM_ROUNDS = 8;

    private static final AtomicLong LIVE = new AtomicLong();
    private static final AtomicLong RECLAIMED = new AtomicLong();

    /** The limit and what is kept for the JVM, read once; null where the system has no limit. */
    private static volatile Limits limits;
    /** The last real count, and mman's own count when it was read. */
    private static long sampledTotal;
    private static long sampledLive;

    private record Limits(long limit, long reserve) {
        long usable() {
            return limit - reserve;
        }
    }

    private MappingBudget() {}

    /**
     * Counts one more native mapping, after making sure that it leaves the JVM its reserve.
     *
     * @param platform the platform that will map
     * @param call the call, for the message
     * @throws MMapAllocationException when the mapping would leave the JVM too few, even after
     *     reclaiming dropped mappings
     */
    static void take(Platform platform, Supplier<String> call) {
        long live = LIVE.incrementAndGet();
        Limits l = limits(platform);
        if (l == null || live < l.usable() / 2) {
            return; // far from the limit whatever else the process maps: no need to look
        }
        if (estimate(platform, live, l) < l.usable() || reclaim(platform, l)) {
            return;
        }
        LIVE.decrementAndGet();
        long total = count(platform, LIVE.get());
        throw new MMapAllocationException(call.get() + " refused: this process holds " + total
                + " mappings and its limit (vm.max_map_count" + (Long.getLong(LIMIT_PROPERTY) != null ? ", lowered by -D"
                + LIMIT_PROPERTY : "") + ") is " + l.limit + "; mman keeps " + l.reserve + " of them for the JVM "
                + "itself, which aborts when it cannot map. mman holds " + LIVE.get() + " live mappings ("
                + RECLAIMED.get() + " dropped unclosed were reclaimed so far). Close mappings you no longer need, "
                + "or raise the limit: sysctl -w vm.max_map_count=" + Math.max(2 * l.limit, 262144), 12);
    }

    /** Counts one native mapping less. */
    static void give() {
        LIVE.decrementAndGet();
    }

    /** Counts one mapping that was dropped unclosed and unmapped by its cleaner. */
    static void reclaimed() {
        RECLAIMED.incrementAndGet();
    }

    /** How many mappings dropped unclosed the cleaners have unmapped in this process. */
    static long reclaimedSoFar() {
        return RECLAIMED.get();
    }

    /** The number of live native mappings mman made and has not unmapped. */
    static long live() {
        return LIVE.get();
    }

    private static Limits limits(Platform platform) {
        Limits l = limits;
        if (l == null) {
            long limit = platform.mapCountLimit();
            Long lowered = Long.getLong(LIMIT_PROPERTY);
            if (lowered != null && lowered > 0 && (limit < 0 || lowered < limit)) {
                limit = lowered;
            }
            // An eighth of the limit, and never fewer than 1024: a JVM with a few hundred threads
            // holds about two mappings per thread, plus its heap, metaspace and code cache regions.
            l = limit < 0 ? new Limits(Long.MAX_VALUE, 0) : new Limits(limit, Math.max(1024, limit / 8));
            limits = l;
        }
        return l.limit == Long.MAX_VALUE ? null : l;
    }

    /** The process's count, read again every {@link #SAMPLE_EVERY} mappings and near the line. */
    private static synchronized long estimate(Platform platform, long live, Limits l) {
        long estimate = sampledTotal + (live - sampledLive);
        if (sampledTotal == 0 || live - sampledLive >= SAMPLE_EVERY || live < sampledLive
                || estimate >= l.usable() - SAMPLE_EVERY) {
            return count(platform, live);
        }
        return estimate;
    }

    private static synchronized long count(Platform platform, long live) {
        sampledTotal = platform.processMapCount();
        sampledLive = live;
        return sampledTotal;
    }

    /**
     * Collects garbage so that the cleaners of dropped mappings unmap them, and waits for them, a
     * little longer each round.
     *
     * @return true when the count came under the line
     */
    private static boolean reclaim(Platform platform, Limits l) {
        synchronized (MappingBudget.class) {
            // A drain also waits for the batch the reaper is unmapping, which may have made the room
            // even when this drain found nothing left to take: so the count is read again either way.
            Placeholders.drain();
            if (count(platform, LIVE.get()) < l.usable()) {
                return true; // closed mappings waiting as placeholders were enough
            }
            for (int round = 0; round < RECLAIM_ROUNDS; round++) {
                System.gc();
                try {
                    Thread.sleep(1L << round);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return false;
                }
                if (count(platform, LIVE.get()) < l.usable()) {
                    return true;
                }
            }
            return false;
        }
    }
}
