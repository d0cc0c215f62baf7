package dev.mman;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.testing.ChildJvm;
import dev.mman.testing.ChildResult;
import dev.mman.testing.TestBackend;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Close races counted in the thousands by default (a round costs about half a millisecond) and in the millions under the {@code stress}
 * tag: a touched mapping is closed under threads that read and write it (one per processor beside
 * the closing thread), through views or through mman's own calls, and every access loop must end in the one exception its kind
 * documents ({@link IllegalStateException} for a view, {@link MMapException} for a call), with no
 * crash. This is the evidence that {@code close()}'s placeholder leaves no window for a late access
 * (JDK-8364167) to touch unmapped memory.
 */
class CountedCloseRaceTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({"views, 5000, -Xshare:auto", "calls, 5000, -Xshare:auto", "calls, 300, -Xint"})
    void everyRacedAccessEndsInItsDocumentedException(String kind, int rounds, String jit) {
        assertRaces(kind, rounds, jit);
    }

    @Tag("stress")
    @ParameterizedTest
    @CsvSource({"views, 1000000", "calls, 1000000"})
    void aMillionRoundsOfEachKindNeverCrash(String kind, int rounds) {
        assertRaces(kind, rounds, "-Xshare:auto");
    }

    /**
     * The JDK hole that {@link CloseInterrupts} undoes for mman's own calls: closing a shared arena
     * under a thread inside an access leaves that thread interrupted. When this fails, the JDK no
     * longer does it: remove {@code CloseInterrupts} and the README's words on it.
     */
    @Test
    void theJdksSharedArenaCloseInterruptsTheThreadsItCatchesInsideAnAccess() {
        Assumptions.assumeTrue(TestBackend.current() == Backend.NATIVE, "a JDK fact: checked once");
        // Interpreted, about one loop in ten is caught inside its access (compiled, about one in a thousand
        // under load and hardly any on a quiet machine); the run stops at the first.
        assertTrue(interruptedLoops(race("jdk", 5_000, "-Xint")) > 0, "the JDK's shared-arena close no longer interrupts the threads it catches "
                + "inside an access: CloseInterrupts and the README's words on it can go");
    }

    /** {@code jit} is a JVM option: {@code -Xint} makes the JDK's close catch far more threads inside an access. */
    private void assertRaces(String kind, int rounds, String jit) {
        // NIO's views never die on close, so a view loop would never end there.
        Assumptions.assumeTrue(!kind.equals("views") || TestBackend.viewsDieOnClose(), "views die on close");
        ChildResult child = race(kind, rounds, jit);
        Map<String, Long> endings = new TreeMap<>();
        for (String line : child.lines("ENDED ")) {
            String[] parts = line.substring("ENDED ".length()).split(" ");
            endings.put(parts[0], Long.parseLong(parts[1]));
        }
        String expected = (kind.equals("views") ? IllegalStateException.class : MMapException.class).getName();
        System.out.println("counted close races (" + kind + ", " + TestBackend.current() + ", " + jit + "): " + rounds
                + " rounds, endings " + endings + ", loops left interrupted by the JDK " + interruptedLoops(child));
        long loops = Long.parseLong(child.line("LOOPS ").substring("LOOPS ".length()).strip());
        assertTrue(loops >= rounds, "every round ran at least one loop: " + loops);
        assertEquals(Map.of(expected, loops), endings, "every loop of every round ends in " + expected);
        if (kind.equals("calls")) {
            assertEquals(0, interruptedLoops(child), "mman's calls undo the interrupt that the JDK's close sets");
        }
    }

    private ChildResult race(String kind, int rounds, String jit) {
        return ChildJvm.in(dir).withOptions(jit).withTimeout(Duration.ofSeconds(60 + rounds / 10))
                .run(CountedCloseRaces.class, Integer.toString(rounds), kind).assertCleanExit();
    }

    private static long interruptedLoops(ChildResult child) {
        return Long.parseLong(child.line("INTERRUPTED ").substring("INTERRUPTED ".length()).strip());
    }
}
