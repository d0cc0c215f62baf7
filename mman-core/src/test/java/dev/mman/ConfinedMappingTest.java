package dev.mman;

import static dev.mman.testing.Caught.assertAllCaught;
import static dev.mman.testing.Caught.assertCaught;
import static dev.mman.testing.Caught.assertReturned;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.testing.ChildJvm;
import dev.mman.testing.ChildResult;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Confined mappings belong to the thread that maps them: it may do everything, every other thread
 * gets {@link WrongThreadException} from every call and every view, and nothing another thread
 * does can crash the JVM (the races run in a child JVM).
 */
class ConfinedMappingTest {

    private static final int PAGE = (int) Mman.pageSize();

    @TempDir
    Path dir;

    @Test
    void theOwnerThreadDoesEverything() throws Exception {
        Path file = Files.write(dir.resolve("confined.bin"), new byte[2 * PAGE]);
        for (Backend backend : new Backend[] {Backend.NATIVE, Backend.JDK}) {
            MemoryMap m = MapOptions.file(file).access(Access.READ, Access.WRITE).backend(backend).confined().map();
            MemorySegment view = m.asSegment();
            view.set(ValueLayout.JAVA_BYTE, 1, (byte) 5);
            m.write(new byte[] {6}, 2);
            m.fill(PAGE, PAGE, (byte) 1);
            m.msync(SyncMode.SYNC);
            assertEquals(5, m.read(1, 1)[0]);
            if (backend == Backend.NATIVE) {
                m.mprotect(EnumSet.of(Access.READ));
                assertThrows(IllegalStateException.class, () -> view.get(ValueLayout.JAVA_BYTE, 0));
                assertEquals(6, m.asSegment().get(ValueLayout.JAVA_BYTE, 2));
                m = m.resize(4L * PAGE);
                assertEquals(4L * PAGE, m.size());
                MemoryMap resized = m;
                assertTrue(elsewhere(() -> resized.read(1, 0)) instanceof WrongThreadException,
                        "a resized confined mapping stays confined");
            }
            MemorySegment last = m.asSegment();
            m.close();
            assertFalse(m.isValid());
            assertThrows(IllegalStateException.class, () -> last.get(ValueLayout.JAVA_BYTE, 0));
            assertEquals(6, Files.readAllBytes(file)[2]);
        }
    }

    @Test
    void everyOtherThreadIsRefusedWithWrongThreadException() throws Exception {
        for (Backend backend : new Backend[] {Backend.NATIVE, Backend.JDK}) {
            everyOtherThreadIsRefused(MapOptions.anonymous(16 * PAGE).backend(backend).confined().map());
        }
    }

    private static void everyOtherThreadIsRefused(MemoryMap map) throws Exception {
        try (MemoryMap m = map) {
            MemorySegment view = m.asSegment();
            Runnable[] calls = {
                () -> m.read(1, 0), () -> m.write(new byte[1], 0), () -> m.fill((byte) 1), () -> m.asSegment(),
                () -> m.protection(), () -> m.mprotect(Mman.PROT_READ), () -> m.msync(), () -> m.close(),
                () -> view.get(ValueLayout.JAVA_BYTE, 0), () -> m.asByteBuffer()};
            for (Runnable call : calls) {
                Throwable refused = elsewhere(() -> {
                    call.run();
                    return null;
                });
                assertTrue(refused instanceof WrongThreadException, String.valueOf(refused));
            }
            assertTrue(m.isValid(), "another thread's close() did nothing");
            m.write(new byte[] {3}, 0);
            assertEquals(3, view.get(ValueLayout.JAVA_BYTE, 0));
        }
    }

    @Test
    void closeAndNarrowingMprotectRacesFromOtherThreadsNeverCrash() {
        ChildResult child = ChildJvm.in(dir).withDefaultBackend().run(ConfinedRaces.class, "2000").assertCleanExit();
        assertReturned(child, "owner");
        assertAllCaught(child, "intruder-", ConfinedRaces.INTRUDERS, List.of(WrongThreadException.class));
        long refusals = child.stdout().lines().filter(l -> l.startsWith("REFUSED ")).mapToLong(
                l -> Long.parseLong(l.substring("REFUSED ".length()).strip())).sum();
        assertTrue(refusals > 0, "the intruders must have been refused: " + child.stdout());
    }

    @Test
    void theGettersOfWhatWasFixedAtMapTimeAnswerOnAnyThread() throws Exception {
        try (MemoryMap m = MapOptions.anonymous(4 * PAGE).backend(Backend.NATIVE).confined().map()) {
            for (ThrowingCall getter : new ThrowingCall[] {m::size, m::pageSize, m::address, m::backend, m::isValid,
                    m::toString}) {
                assertEquals(null, elsewhere(getter), "a getter touches nothing");
            }
        }
    }

    @Test
    void aMappingWhoseOwnerEndedUnclosedCanBeClosedByAnyThreadOnNativeAndSaysWhyNotOnJdk() {
        ChildResult child = ChildJvm.in(dir).withDefaultBackend().run(ConfinedOrphanScenario.class, dir.toString())
                .assertCleanExit();
        assertReturned(child, "close-native");
        assertEquals("MAPPED-native 0", child.line("MAPPED-native "), child.stdout());
        assertCaught(child, "view-native", WrongThreadException.class);
        assertTrue(assertCaught(child, "read-native", WrongThreadException.class).contains("the mapping is closed"),
                child.stdout());
        assertReturned(child, "again-native");
        for (String call : new String[] {"close-jdk", "again-jdk"}) {
            assertTrue(assertCaught(child, call, WrongThreadException.class).contains("stays mapped until the JVM exits"),
                    child.stdout());
        }
        assertCaught(child, "view-jdk", WrongThreadException.class);
        assertEquals("MAPPED-jdk 1", child.line("MAPPED-jdk "), "the JDK cannot unmap it: " + child.stdout());
    }

    /** What {@code call} throws on another thread, or null. */
    private static Throwable elsewhere(ThrowingCall call) throws InterruptedException {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread other = Thread.ofPlatform().start(() -> {
            try {
                call.run();
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        other.join();
        return thrown.get();
    }

    @FunctionalInterface
    private interface ThrowingCall {
        Object run() throws Exception;
    }
}
