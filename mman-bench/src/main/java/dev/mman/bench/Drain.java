package dev.mman.bench;

import java.util.function.IntSupplier;

/**
 * The consumer side of a ring throughput benchmark: a thread that reads as fast as it can while
 * JMH measures the producer. A producer that finds the ring full waits for this thread, so the
 * producer's time per message is the pace of the slower side.
 */
final class Drain {

    private final Thread thread;
    private volatile boolean running = true;

    private Drain(String name, IntSupplier readSome) {
        thread = Thread.ofPlatform().name(name).daemon().unstarted(() -> {
            while (running) {
                if (readSome.getAsInt() == 0) {
                    Thread.onSpinWait();
                }
            }
        });
        thread.start();
    }

    /**
     * Starts draining.
     *
     * @param name the thread's name, seen in thread dumps of a stuck benchmark
     * @param readSome reads a batch and returns how many messages it consumed
     * @return the running consumer
     */
    static Drain start(String name, IntSupplier readSome) {
        return new Drain(name, readSome);
    }

    /** Stops the thread and waits for it, so that nothing reads a ring that is about to be unmapped. */
    void stop() {
        running = false;
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping " + thread.getName(), e);
        }
    }
}
