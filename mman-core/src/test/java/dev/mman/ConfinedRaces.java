package dev.mman;

import dev.mman.testing.Caught;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The child-JVM side of {@link ConfinedMappingTest}: one thread maps, touches, narrows and closes
 * confined mappings in a loop, while other threads keep trying to close, narrow, read, fill and
 * use views of whichever mapping is current. Every intrusion must be refused with
 * {@link WrongThreadException} (or {@link IllegalStateException} for a view whose arena is already
 * closed); anything else, and a crash, fails the test.
 */
public final class ConfinedRaces {

    /** How many intruding threads run. */
    static final int INTRUDERS = 3;

    private static volatile MemoryMap current;
    private static volatile MemorySegment currentView;

    private ConfinedRaces() {}

    /**
     * Runs the races.
     *
     * @param args how many mappings the owner makes
     * @throws InterruptedException never, in practice
     */
    public static void main(String[] args) throws InterruptedException {
        int rounds = Integer.parseInt(args[0]);
        AtomicBoolean done = new AtomicBoolean();
        Thread[] intruders = new Thread[INTRUDERS];
        for (int i = 0; i < INTRUDERS; i++) {
            int id = i;
            intruders[i] = Thread.ofPlatform().start(() -> intrude(id, done));
        }
        Caught.report("owner", () -> {
            for (int round = 0; round < rounds; round++) {
                MemoryMap m = MapOptions.anonymous(1 << 20).confined().map();
                MemorySegment view = m.asSegment();
                current = m;
                currentView = view;
                view.set(ValueLayout.JAVA_BYTE, round % (1 << 20), (byte) 1);
                m.mprotect(Mman.PROT_READ);
                m.asSegment().get(ValueLayout.JAVA_BYTE, 0);
                m.mprotect(Mman.PROT_READ | Mman.PROT_WRITE);
                m.fill(0, 8192, (byte) 2);
                m.close();
            }
        });
        done.set(true);
        for (Thread intruder : intruders) {
            intruder.join();
        }
    }

    private static void intrude(int id, AtomicBoolean done) {
        long refusals = 0;
        Throwable unexpected = null;
        int step = 0;
        while (!done.get() && unexpected == null) {
            MemoryMap m = current;
            MemorySegment view = currentView;
            if (m == null) {
                Thread.onSpinWait();
                continue;
            }
            try {
                switch (step++ % 5) {
                    case 0 -> m.close();
                    case 1 -> m.mprotect(Mman.PROT_NONE);
                    case 2 -> m.read(8, 0);
                    case 3 -> m.fill((byte) 9);
                    default -> view.get(ValueLayout.JAVA_BYTE, 0);
                }
                unexpected = new AssertionError("an intrusion was let through at step " + step);
            } catch (WrongThreadException | IllegalStateException refused) {
                refusals++;
            } catch (Throwable other) {
                unexpected = other;
            }
        }
        System.out.println("REFUSED " + refusals);
        Caught.report("intruder-" + id, unexpected != null ? unexpected
                : new WrongThreadException(refusals + " refusals"));
    }
}
