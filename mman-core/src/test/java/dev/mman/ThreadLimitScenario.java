package dev.mman;

import dev.mman.testing.Caught;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;

/**
 * The child-JVM side of {@link ThreadLimitTest}, run under a thread limit: it starts threads until
 * no more can be, then maps (mman's cleaner cannot start), makes room for the cleaner only, fills
 * the room again, and prefaults on eight threads and closes a used mapping (no helper thread can
 * start).
 */
public final class ThreadLimitScenario {

    private static final CountDownLatch NEVER = new CountDownLatch(1);

    private ThreadLimitScenario() {}

    /**
     * Runs the scenario.
     *
     * @param args none
     * @throws Exception when a parked thread cannot be joined
     */
    public static void main(String[] args) throws Exception {
        Deque<Thread> parked = new ArrayDeque<>();
        parkUntilTheLimit(parked);
        Caught.report("no-cleaner", () -> map(4).close());
        MemoryMap first = null;
        // The JVM's own threads may take a freed slot first: free one more each time.
        for (int attempt = 0; attempt < 20 && first == null && !parked.isEmpty(); attempt++) {
            Thread freed = parked.pop();
            freed.interrupt();
            freed.join();
            try {
                first = map(1);
            } catch (MMapAllocationException stillFull) {
                System.out.println("RETRY " + stillFull.getMessage());
            }
        }
        System.out.println("CLEANER " + (first != null));
        if (first != null) {
            first.close();
        }
        parkUntilTheLimit(parked);
        Caught.report("prefault", () -> {
            try (MemoryMap m = map(8)) {
                System.out.println("RESIDENT " + (m.residentPages() == m.size() / m.pageSize()));
            }
        });
        Caught.report("used-close", () -> {
            MemoryMap m = MapOptions.anonymous(1 << 20).backend(Backend.NATIVE).map();
            m.asSegment().get(ValueLayout.JAVA_BYTE, 0); // a view: its close leaves a placeholder to reap
            m.close();
        });
        NEVER.countDown();
    }

    private static MemoryMap map(int threads) {
        return MapOptions.anonymous(8L << 20).backend(Backend.NATIVE).populate().prefaultThreads(threads).map();
    }

    private static void parkUntilTheLimit(Deque<Thread> parked) {
        try {
            while (true) {
                parked.push(Thread.ofPlatform().daemon().start(() -> {
                    try {
                        NEVER.await();
                    } catch (InterruptedException released) {
                        // ends the thread, making room for one
                    }
                }));
            }
        } catch (OutOfMemoryError limit) {
            System.out.println("PARKED " + parked.size());
        }
    }
}
