package dev.mman;

import static dev.mman.Mman.MAP_SHARED;
import static dev.mman.Mman.PROT_READ;
import static dev.mman.Mman.PROT_WRITE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.mman.MappedRecords.RecordIterator;
import dev.mman.testing.Caught;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The child-JVM side of {@link MappingLimitTest}, run with a lowered {@link MappingBudget#LIMIT_PROPERTY}.
 * Every mapping is {@code MAP_SHARED} anonymous memory: each is a shmem object of its own, so the
 * kernel cannot merge neighbours into one region and every mapping counts.
 */
public final class MappingLimitScenarios {

    /** More mappings than any lowered limit the test sets; a scenario that gets this far has failed. */
    private static final int MOST = 100_000;

    private MappingLimitScenarios() {}

    /**
     * Runs one scenario.
     *
     * @param args the scenario's name, then a file for the records scenario
     * @throws Exception when the scenario cannot be set up
     */
    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "hold" -> hold();
            case "drop-touched" -> drop(true);
            case "drop-untouched" -> drop(false);
            case "drop-iterators" -> dropIterators(Path.of(args[1]));
            case "views-outlive-map" -> viewsOutliveMap();
            case "close-storm" -> closeStorm();
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    private static MemoryMap map() {
        return MemoryMap.createAnonymous(4096, PROT_READ | PROT_WRITE, MAP_SHARED, Backend.NATIVE);
    }

    /** Keeps every mapping until mman refuses one; then the JVM must still work. */
    private static void hold() throws Exception {
        List<MemoryMap> held = new ArrayList<>();
        Caught.report("hold", () -> {
            while (held.size() < MOST) {
                held.add(map());
            }
        });
        System.out.println("HELD " + held.size());
        // The reserve is the JVM's: it must still be able to start threads and grow its heap.
        Thread worker = Thread.ofPlatform().start(() -> System.out.println("THREAD " + new byte[32 << 20].length));
        worker.join();
        held.forEach(MemoryMap::close);
        System.out.println("LIVE " + MappingBudget.live());
    }

    /** Drops far more mappings than the limit without closing them: the budget must reclaim them. */
    private static void drop(boolean touched) {
        Caught.report("drop", () -> {
            for (int i = 0; i < 4 * Integer.getInteger(MappingBudget.LIMIT_PROPERTY); i++) {
                MemoryMap dropped = map();
                if (touched) {
                    dropped.asSegment().set(JAVA_LONG, 0, i); // makes a view arena, which keeps the lease
                }
            }
        });
        System.out.println("RECLAIMED " + (MappingBudget.reclaimedSoFar() > 0));
    }

    /**
     * Close to the limit, many threads map, touch and close at once while another drops touched
     * mappings unclosed: every close leaves a placeholder, so the closers drain at
     * {@link Placeholders#MOST_WAITING}, the budget drains under its lock before refusing, the
     * cleaner queues and drains, and the reaper drains its batches, all against each other.
     */
    private static void closeStorm() throws Exception {
        List<MemoryMap> held = new ArrayList<>();
        try {
            while (held.size() < MOST) {
                held.add(map());
            }
        } catch (MMapAllocationException atTheLine) {
            // the room left is what the storm fights over
        }
        for (int i = 0; i < 2 * Placeholders.MOST_WAITING; i++) {
            held.remove(held.size() - 1).close();
        }
        long base = MappingBudget.live();
        AtomicLong refused = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 9; t++) {
            boolean drops = t == 0;
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 400; i++) {
                    try {
                        MemoryMap m = map();
                        m.asSegment().set(JAVA_LONG, 0, i); // a view arena: closing it leaves a placeholder
                        if (!drops) {
                            m.close();
                        }
                    } catch (MMapAllocationException full) {
                        refused.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        System.out.println("REFUSED " + refused.get());
        Placeholders.drain();
        for (int round = 0; round < 250 && MappingBudget.live() > base; round++) {
            System.gc(); // the dropped ones go through their cleaners
            Thread.sleep(20);
            Placeholders.drain();
        }
        System.out.println("BACK " + (MappingBudget.live() <= base));
        held.forEach(MemoryMap::close);
        Placeholders.drain();
        System.out.println("LIVE " + MappingBudget.live());
    }

    /** Drops record iterators after their first record, each holding a mapped window. */
    private static void dropIterators(Path file) throws Exception {
        Files.write(file, new byte[64 << 10]);
        Caught.report("iterators", () -> {
            for (int i = 0; i < 4 * Integer.getInteger(MappingBudget.LIMIT_PROPERTY); i++) {
                RecordIterator records = MappedRecords.of(file, 8).iterator();
                records.next();
            }
        });
    }

    /** A view kept after its mapping was dropped must keep the memory mapped through any number of collections. */
    private static void viewsOutliveMap() throws Exception {
        MemorySegment view = map().asSegment();
        ByteBuffer buffer = map().asByteBuffer();
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(20);
        }
        view.set(JAVA_LONG, 8, 42);
        buffer.putLong(16, 43);
        System.out.println("VIEW " + view.get(JAVA_LONG, 8) + " " + buffer.getLong(16));
    }
}
