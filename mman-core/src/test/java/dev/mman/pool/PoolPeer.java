package dev.mman.pool;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.mman.SharedMemory;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;

/**
 * One process of {@link MemoryPoolProcessesTest}: attaches to the shared pool, waits at a barrier
 * until every peer has attached, then runs {@link StampedCycles} and prints what it saw.
 *
 * <p>Output: {@code FAILURE <what>} for each of the first double allocations, then
 * {@code DONE owner=<id> cycles=<n> failures=<n> full=<n> ms=<n>}.
 */
public final class PoolPeer {

    private static final VarHandle COUNTER = JAVA_LONG.varHandle();

    private PoolPeer() {}

    /**
     * Runs one contender.
     *
     * @param args pool name, barrier name, number of peers, owner id, cycles, largest batch
     */
    public static void main(String[] args) throws InterruptedException {
        String poolName = args[0];
        String barrierName = args[1];
        long peers = Long.parseLong(args[2]);
        long owner = Long.parseLong(args[3]);
        long cycles = Long.parseLong(args[4]);
        int maxHeld = Integer.parseInt(args[5]);
        try (SharedMemory poolMemory = SharedMemory.open(poolName);
                SharedMemory barrierMemory = SharedMemory.open(barrierName)) {
            MemoryPool pool = MemoryPool.attach(poolMemory);
            awaitPeers(barrierMemory.asSegment(), peers);
            long start = System.nanoTime();
            StampedCycles.Outcome outcome = StampedCycles.run(pool, owner, cycles, maxHeld, owner * 31);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            outcome.described().forEach(failure -> System.out.println("FAILURE " + failure));
            System.out.println("DONE owner=" + owner + " cycles=" + outcome.cycles() + " failures="
                    + outcome.failures() + " full=" + outcome.timesFull() + " ms=" + millis);
        }
    }

    /** Counts this peer in, then waits until all have arrived, so that they really run at once. */
    private static void awaitPeers(MemorySegment barrier, long peers) throws InterruptedException {
        COUNTER.getAndAdd(barrier, 0L, 1L);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while ((long) COUNTER.getVolatile(barrier, 0L) < peers) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the other peers did not attach within 30 s");
            }
            Thread.sleep(1);
        }
    }
}
