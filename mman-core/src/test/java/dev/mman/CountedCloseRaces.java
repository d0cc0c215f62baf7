package dev.mman;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The child-JVM side of {@link CountedCloseRaceTest}: closes a touched mapping under threads
 * that keep reading and writing it, round after round, on the same threads, and prints how every
 * access loop ended, counted by exception type. Counting, rather than a line per round as
 * {@link NoCrashScenarios} prints, lets a run go to millions of rounds; reusing the threads makes
 * each round cost about what the close costs, so that the close window is hit as often as a run
 * of this length can hit it.
 */
public final class CountedCloseRaces {

    private static final long SIZE = 16 * 1024;
    /** Accesses each worker makes in a round before the close, so that both are inside their loops. */
    private static final long WARM_UP = 32;
    private static final long ROUND_LIMIT_SECONDS = 30;
    /**
     * One worker per processor beside the closing thread. A worker that has no processor of its own
     * makes the close's handshake wait for its next time slice: on two processors, two workers made
     * a round cost about 4 ms instead of a fraction of one, without widening the window a close can
     * be caught in.
     */
    private static final int WORKERS = Math.max(1, Runtime.getRuntime().availableProcessors() - 1);

    /** One access of round {@code i}; it throws once the mapping is closed. */
    private interface Access {
        void run(long i);
    }

    private CountedCloseRaces() {}

    /**
     * Runs the races.
     *
     * @param args the number of rounds, then {@code views} (a segment reader and a buffer writer
     *     against the views' close), {@code calls} (mman's own {@code read} and {@code write}) or
     *     {@code jdk} (a segment reader and writer of a plain {@code Arena.ofShared()}, no mman,
     *     which stops at the first loop the close leaves interrupted)
     * @throws Exception when a round cannot be run; the test then sees exit code 1
     */
    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        String kind = args[1];
        if (!List.of("views", "calls", "jdk").contains(kind)) {
            throw new IllegalArgumentException("no race " + kind);
        }
        Worker[] workers = new Worker[WORKERS];
        for (int w = 0; w < WORKERS; w++) {
            workers[w] = new Worker();
        }
        Map<String, Long> endings = new TreeMap<>();
        for (int round = 0; round < rounds; round++) {
            if (kind.equals("jdk")) {
                Arena arena = Arena.ofShared();
                MemorySegment segment = arena.allocate(SIZE);
                begin(workers, round, i -> segment.get(JAVA_LONG, offset(i)), i -> segment.set(JAVA_LONG, offset(i), i));
                race(workers, round, arena::close, endings);
                if (interruptedLoops(workers) > 0) {
                    rounds = round + 1; // the JDK fact is shown: no need to go on
                }
                continue;
            }
            MemoryMap m = MemoryMap.createAnonymous(SIZE);
            m.asSegment().set(JAVA_LONG, 0, round); // touched: a view arena exists, and close must retire it
            if (kind.equals("views")) {
                MemorySegment segment = m.asSegment();
                ByteBuffer buffer = m.asByteBuffer();
                begin(workers, round, i -> segment.get(JAVA_LONG, offset(i)), i -> buffer.putLong((int) offset(i), i));
            } else {
                byte[] record = new byte[64];
                begin(workers, round, i -> m.read(64, offset(i)), i -> m.write(record, offset(i)));
            }
            race(workers, round, m::close, endings);
        }
        endings.forEach((type, count) -> System.out.println("ENDED " + type + " " + count));
        System.out.println("INTERRUPTED " + interruptedLoops(workers));
        System.out.println("LOOPS " + WORKERS * (long) rounds);
        System.out.println("ROUNDS " + rounds);
        System.exit(0); // the workers are daemons waiting for a next round
    }

    /**
     * Gives every worker its loop of this round: a reader or a writer, alternating by worker and by
     * round, so that with a single worker the rounds still alternate reads and writes.
     */
    private static void begin(Worker[] workers, int round, Access reader, Access writer) throws InterruptedException {
        for (int w = 0; w < workers.length; w++) {
            workers[w].begin((w + round) % 2 == 0 ? reader : writer);
        }
    }

    private static long interruptedLoops(Worker[] workers) {
        long loops = 0;
        for (Worker worker : workers) {
            loops += worker.interruptedLoops.get();
        }
        return loops;
    }

    /** Closes once all workers are inside their loops, and counts how each loop ended. */
    private static void race(Worker[] workers, int round, Runnable close, Map<String, Long> endings)
            throws InterruptedException {
        for (Worker worker : workers) {
            worker.awaitWarm(round);
        }
        close.run();
        for (Worker worker : workers) {
            endings.merge(worker.awaitEnd(round).getClass().getName(), 1L, Long::sum);
        }
    }

    private static long offset(long i) {
        return (i * 64) % SIZE;
    }

    /** A thread that runs one access loop per round until the loop throws, and hands back what it threw. */
    private static final class Worker {
        private final BlockingQueue<Access> jobs = new SynchronousQueue<>();
        private final BlockingQueue<Throwable> ends = new SynchronousQueue<>();
        private final AtomicLong progress = new AtomicLong();
        private final AtomicLong interruptedLoops = new AtomicLong();

        Worker() {
            Thread.ofPlatform().daemon().start(this::serve);
        }

        void begin(Access access) throws InterruptedException {
            progress.set(0);
            jobs.put(access);
        }

        void awaitWarm(int round) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(ROUND_LIMIT_SECONDS);
            while (progress.get() < WARM_UP) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("a worker did not start round " + round);
                }
                Thread.onSpinWait();
            }
        }

        Throwable awaitEnd(int round) throws InterruptedException {
            Throwable end = ends.poll(ROUND_LIMIT_SECONDS, TimeUnit.SECONDS);
            if (end == null) {
                throw new IllegalStateException("a worker still runs after the close of round " + round);
            }
            return end;
        }

        private void serve() {
            try {
                while (true) {
                    Access access = jobs.take();
                    Throwable end = loop(access);
                    // The JDK's close may leave an interrupt behind (see CloseInterrupts); count and clear it.
                    if (Thread.interrupted()) {
                        interruptedLoops.incrementAndGet();
                    }
                    ends.put(end);
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException("a worker was interrupted between rounds", e);
            }
        }

        private Throwable loop(Access access) {
            for (long i = 0; ; i++) {
                try {
                    access.run(i);
                } catch (Throwable end) {
                    progress.set(WARM_UP); // a loop that ends before warming up must not stall the round
                    return end;
                }
                progress.lazySet(i + 1);
            }
        }
    }
}
