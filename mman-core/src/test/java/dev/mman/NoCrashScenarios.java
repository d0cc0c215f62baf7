package dev.mman;

import static dev.mman.Mman.MAP_SHARED;
import static dev.mman.Mman.PROT_NONE;
import static dev.mman.Mman.PROT_READ;
import static dev.mman.Mman.PROT_WRITE;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.mman.testing.Caught;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The child-JVM side of {@link NoCrashTest}: each scenario misuses a mapping in a way that would
 * crash a naive FFM wrapper, and reports what it caught through {@link Caught}. The scenario is
 * chosen by the first argument.
 */
public final class NoCrashScenarios {

    /** Accesses every worker makes before the mapping is closed or protected under it. */
    private static final int WARM_UP = 500;
    private static final long SIZE = 64 * 1024;
    /** A fill this long, like one of the whole mapping, goes through memset. */
    private static final long NATIVE_FILL_SLICE = 3 * NativeFill.THRESHOLD;

    private NoCrashScenarios() {}

    /**
     * Runs one scenario.
     *
     * @param args the scenario name, then its arguments: the number of rounds (fresh mappings) for a
     *     race, the file for the truncation
     * @throws Exception when the scenario cannot be set up; the test then sees exit code 1
     */
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 1 && args[0].contains("races") ? Integer.parseInt(args[1]) : 0;
        switch (args[0]) {
            case "views-after-close" -> viewsAfterClose();
            case "view-write-after-mprotect-read" -> viewWriteAfterProtectRead();
            case "read-after-mprotect-none" -> readAfterProtectNone();
            case "close-races-native-fills" -> race(rounds, MemoryMap::close, List.of(
                    m -> i -> m.fill((byte) i), NoCrashScenarios::nativeSliceFiller));
            case "mprotect-read-races-native-fills" -> race(rounds, m -> m.mprotect(PROT_READ),
                    List.of(m -> i -> m.fill((byte) i), NoCrashScenarios::nativeSliceFiller));
            case "close-races-view-readers" -> race(rounds, MemoryMap::close, List.of(
                    m -> segmentReader(m.asSegment()), m -> bufferReader(m.asByteBuffer())));
            case "close-races-read-write" -> race(rounds, MemoryMap::close, List.of(
                    m -> i -> m.read(64, offset(i)), m -> i -> m.write(new byte[64], offset(i))));
            case "mprotect-read-races-writers" -> race(rounds, m -> m.mprotect(PROT_READ), List.of(
                    m -> i -> m.write(new byte[64], offset(i)), m -> i -> m.fill(offset(i), 64, (byte) i)));
            case "mprotect-read-races-view-writers" -> race(rounds, m -> m.mprotect(PROT_READ), List.of(
                    m -> segmentWriter(m.asSegment()), NoCrashScenarios::freshViewWriter));
            case "mprotect-none-races-readers" -> race(rounds, m -> m.mprotect(PROT_NONE), List.of(
                    m -> i -> m.read(64, offset(i)), m -> segmentReader(m.asSegment())));
            case "truncated-file" -> truncatedFile(Path.of(args[1]));
            default -> throw new IllegalArgumentException("no scenario " + args[0]);
        }
    }

    private static void viewsAfterClose() {
        MemoryMap m = MemoryMap.createAnonymous(SIZE);
        MemorySegment segment = m.asSegment();
        ByteBuffer buffer = m.asByteBuffer();
        m.close();
        Caught.report("segment-get", () -> segment.get(JAVA_BYTE, 0));
        Caught.report("segment-set", () -> segment.set(JAVA_BYTE, 0, (byte) 1));
        Caught.report("buffer-get", () -> buffer.get(0));
        Caught.report("buffer-put", () -> buffer.put(0, (byte) 1));
    }

    private static void viewWriteAfterProtectRead() {
        try (MemoryMap m = MemoryMap.createAnonymous(SIZE)) {
            MemorySegment segment = m.asSegment();
            ByteBuffer buffer = m.asByteBuffer();
            m.mprotect(PROT_READ);
            Caught.report("segment-set", () -> segment.set(JAVA_LONG, 8, 42L));
            Caught.report("buffer-put", () -> buffer.putLong(8, 42L));
            Caught.report("fresh-segment-set", () -> m.asSegment().set(JAVA_LONG, 8, 42L));
        }
    }

    private static void readAfterProtectNone() {
        try (MemoryMap m = MemoryMap.createAnonymous(SIZE)) {
            MemorySegment segment = m.asSegment();
            m.mprotect(PROT_NONE);
            Caught.report("read", () -> m.read(16, 0));
            Caught.report("old-segment-get", () -> segment.get(JAVA_BYTE, 0));
            Caught.report("as-segment", m::asSegment);
        }
    }

    private static void truncatedFile(Path file) throws IOException {
        Files.write(file, new byte[(int) SIZE]);
        try (MemoryMap m = MemoryMap.createFileMapping(file, 0, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED)) {
            MemorySegment segment = m.asSegment();
            m.fill((byte) 7);
            try (RandomAccessFile raw = new RandomAccessFile(file.toFile(), "rw")) {
                raw.setLength(100);
            }
            // The page that holds the new end of file is still backed: reads there must keep working.
            byte[] head = m.read(100, 0);
            System.out.println("HEAD " + head[0] + " " + head[99]);
            Caught.report("read", () -> m.read(4096, 8192));
            Caught.report("read-into", () -> m.read(8192, new byte[4096], 0, 4096));
            Caught.report("fill-range", () -> m.fill(8192, 4096, (byte) 1));
            Caught.report("fill-all", () -> m.fill((byte) 1));
            Caught.report("write", () -> m.write(new byte[16], 16384));
            Caught.report("segment-get", () -> segment.get(JAVA_BYTE, 8192));
            Caught.report("segment-set", () -> segment.set(JAVA_LONG, 16384, 1L));
        }
    }

    // ---------------------------------------------------------------- races

    /** One access in a worker's loop; {@code i} counts the iterations. */
    @FunctionalInterface
    private interface Step {
        void run(long i) throws Throwable;
    }

    /** Sets a worker up on a fresh mapping, on the main thread, and gives its loop body. */
    @FunctionalInterface
    private interface Worker {
        Step prepare(MemoryMap m);
    }

    /**
     * For {@code rounds} fresh mappings: starts the workers, lets each make {@link #WARM_UP}
     * accesses, runs {@code interruption} on this thread while they keep going, and reports how
     * each worker's loop ended as {@code worker-W-round-R}.
     */
    private static void race(int rounds, Consumer<MemoryMap> interruption, List<Worker> workers)
            throws InterruptedException {
        for (int round = 0; round < rounds; round++) {
            try (MemoryMap m = MemoryMap.createAnonymous(SIZE)) {
                CountDownLatch warm = new CountDownLatch(workers.size());
                Throwable[] endings = new Throwable[workers.size()];
                Thread[] threads = new Thread[workers.size()];
                for (int w = 0; w < workers.size(); w++) {
                    Step step = workers.get(w).prepare(m);
                    int worker = w;
                    threads[w] = Thread.ofPlatform().daemon().start(() -> endings[worker] = loop(step, warm));
                }
                if (!warm.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the workers did not start in round " + round);
                }
                interruption.accept(m);
                for (int w = 0; w < threads.length; w++) {
                    threads[w].join(TimeUnit.SECONDS.toMillis(30));
                    if (threads[w].isAlive()) {
                        throw new IllegalStateException("worker " + w + " still runs in round " + round
                                + ": the interruption did not stop it");
                    }
                    Caught.report("worker-" + w + "-round-" + round, endings[w]);
                }
            }
        }
    }

    /** Runs {@code step} until it throws, and returns what it threw. */
    private static Throwable loop(Step step, CountDownLatch warm) {
        for (long i = 0; ; i++) {
            try {
                step.run(i);
            } catch (Throwable ending) {
                warm.countDown();
                return ending;
            }
            if (i == WARM_UP) {
                warm.countDown();
            }
        }
    }

    private static long offset(long i) {
        return (i * 64) % SIZE;
    }

    /** Fills a memset-sized slice that moves through the mapping. */
    private static Step nativeSliceFiller(MemoryMap m) {
        long slots = m.size() / NATIVE_FILL_SLICE;
        return i -> m.fill((i % slots) * NATIVE_FILL_SLICE, NATIVE_FILL_SLICE, (byte) i);
    }

    private static Step segmentReader(MemorySegment view) {
        return i -> view.get(JAVA_LONG, offset(i));
    }

    private static Step bufferReader(ByteBuffer view) {
        return i -> view.getLong((int) offset(i));
    }

    private static Step segmentWriter(MemorySegment view) {
        return i -> view.set(JAVA_LONG, offset(i), i);
    }

    /**
     * Asks for a new view every 64 writes and keeps writing through it, like code that caches a
     * view for a while. A view handed out while {@code mprotect} is in progress must not stay
     * writable once the protection is in force.
     */
    private static Step freshViewWriter(MemoryMap m) {
        MemorySegment[] view = {m.asSegment()};
        return i -> {
            if (i % 64 == 0) {
                view[0] = m.asSegment();
            }
            view[0].set(JAVA_LONG, offset(i), i);
        };
    }
}
