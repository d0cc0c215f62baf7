package dev.mman.pool;

import dev.mman.SharedMemory;
import java.util.ArrayList;
import java.util.List;

/**
 * A process that holds blocks of a shared pool until it is killed, for {@link MemoryPoolReclaimTest}.
 *
 * <p>Arguments: the shared-memory name, then {@code hold <n>} (allocate {@code n} blocks and print
 * {@code HOLDING <n>}), {@code fill} (allocate until the pool is full and print
 * {@code HOLDING <n>}), or {@code churn <threads>} (allocate, stamp, check and free without end on
 * that many threads, as {@link StampedCycles} does, after printing {@code RUNNING}). It then waits
 * to be killed; a failure prints {@code FAILURE <what>}.
 */
public final class PoolHolder {

    private PoolHolder() {}

    /**
     * Holds blocks until killed.
     *
     * @param args name, mode, and the mode's number
     */
    public static void main(String[] args) throws InterruptedException {
        SharedMemory memory = SharedMemory.open(args[0]); // never closed: the process dies holding it
        MemoryPool pool = MemoryPool.attach(memory);
        switch (args[1]) {
            case "hold" -> {
                long count = Long.parseLong(args[2]);
                for (long i = 0; i < count; i++) {
                    pool.allocate();
                }
                System.out.println("HOLDING " + count);
            }
            case "fill" -> {
                long count = 0;
                while (pool.tryAllocate() != MemoryPool.FULL) {
                    count++;
                }
                System.out.println("HOLDING " + count);
            }
            case "churn" -> churn(pool, Integer.parseInt(args[2]));
            default -> throw new IllegalArgumentException("no mode " + args[1]);
        }
        Thread.sleep(Long.MAX_VALUE);
    }

    private static void churn(MemoryPool pool, int threads) {
        List<Thread> started = new ArrayList<>();
        for (int t = 1; t <= threads; t++) {
            long owner = ProcessHandle.current().pid() << 8 | t;
            started.add(Thread.ofPlatform().daemon().start(() -> {
                try {
                    // Rounds, so that failures are printed while the process runs: it is killed, never done.
                    for (long round = 0; ; round++) {
                        StampedCycles.run(pool, owner, 5_000, 40, owner + round).described()
                                .forEach(failure -> System.out.println("FAILURE " + failure));
                    }
                } catch (RuntimeException e) {
                    System.out.println("FAILURE " + e);
                }
            }));
        }
        System.out.println("RUNNING " + started.size());
    }
}
