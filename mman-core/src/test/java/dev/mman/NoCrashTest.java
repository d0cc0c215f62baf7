package dev.mman;

import static dev.mman.testing.Caught.assertAllCaught;
import static dev.mman.testing.Caught.assertCaught;
import static dev.mman.testing.Caught.assertReturned;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.testing.ChildJvm;
import dev.mman.testing.ChildResult;
import dev.mman.testing.NativeOnly;
import dev.mman.testing.TestBackend;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Misuse that would crash a JVM through a naive FFM wrapper: each case runs in its own child JVM
 * ({@link NoCrashScenarios}) and must end with an exception, exit code 0 and no crash log.
 */
class NoCrashTest {

    /** What the views-after-close scenario does through views kept from before close(). */
    private static final List<String> VIEW_ACCESSES = List.of("segment-get", "segment-set", "buffer-get", "buffer-put");

    /**
     * Fresh mappings per race. The dangerous window of an mprotect is a few microseconds wide; a
     * few hundred rounds make a regression there show up in nearly every run.
     */
    private static final int ROUNDS = 400;
    private static final int STRESS_ROUNDS = 5_000;
    private static final Duration ROUND_TIME_LIMIT = Duration.ofMillis(50);

    @TempDir
    Path dir;

    private ChildResult scenario(String name, String... args) {
        return scenario(ChildJvm.DEFAULT_TIMEOUT, name, args);
    }

    private ChildResult scenario(Duration timeout, String name, String... args) {
        String[] all = new String[args.length + 1];
        all[0] = name;
        System.arraycopy(args, 0, all, 1, args.length);
        return ChildJvm.in(dir).withTimeout(timeout).run(NoCrashScenarios.class, all).assertCleanExit();
    }

    @Test
    void viewsAccessedAfterCloseThrowIllegalState() {
        ChildResult child = scenario("views-after-close");
        for (String access : VIEW_ACCESSES) {
            if (TestBackend.viewsDieOnClose()) {
                assertCaught(child, access, IllegalStateException.class);
            } else {
                assertReturned(child, access); // NIO: the buffer stays mapped until it is collected
            }
        }
    }

    @Test
    @NativeOnly("mprotect")
    void writeThroughViewKeptFromBeforeProtectReadThrowsIllegalState() {
        ChildResult child = scenario("view-write-after-mprotect-read");
        assertCaught(child, "segment-set", IllegalStateException.class);
        assertCaught(child, "buffer-put", IllegalStateException.class);
        // A view taken after the change is read-only, and the JDK says so before touching memory.
        assertCaught(child, "fresh-segment-set", IllegalArgumentException.class);
    }

    @Test
    @NativeOnly("mprotect")
    void readAfterProtectNoneThrowsMMapException() {
        ChildResult child = scenario("read-after-mprotect-none");
        String message = assertCaught(child, "read", MMapException.class);
        assertTrue(message.contains("PROT_READ"), message);
        assertCaught(child, "old-segment-get", IllegalStateException.class);
        assertCaught(child, "as-segment", MMapException.class);
    }

    /**
     * One thread pulls the mapping away (close or mprotect) while two others keep using it; each
     * worker's loop must end with one of the listed exceptions.
     */
    enum Race {
        CLOSE_WHILE_READING_THROUGH_SEGMENT_AND_BUFFER("close-races-view-readers",
                List.of(IllegalStateException.class), List.of(IllegalStateException.class)),
        CLOSE_WHILE_CALLING_READ_AND_WRITE("close-races-read-write",
                List.of(MMapException.class), List.of(MMapException.class)),
        PROTECT_READ_WHILE_CALLING_WRITE_AND_FILL("mprotect-read-races-writers",
                List.of(MMapException.class), List.of(MMapException.class)),
        // A kept view dies; a view fetched after the change is read-only, which the JDK refuses
        // up front. A write that reaches the protected page would crash instead.
        PROTECT_READ_WHILE_WRITING_THROUGH_KEPT_AND_FRESH_VIEWS("mprotect-read-races-view-writers",
                List.of(IllegalStateException.class),
                List.of(IllegalStateException.class, IllegalArgumentException.class)),
        PROTECT_NONE_WHILE_CALLING_READ_AND_READING_A_VIEW("mprotect-none-races-readers",
                List.of(MMapException.class), List.of(IllegalStateException.class)),
        // Fills of anonymous memory this large run in memset, outside the JDK's protection: close and
        // mprotect must wait for them, and each fill must see the new state once it may run.
        CLOSE_WHILE_FILLING_NATIVELY("close-races-native-fills",
                List.of(MMapException.class, IllegalStateException.class),
                List.of(MMapException.class, IllegalStateException.class)),
        PROTECT_READ_WHILE_FILLING_NATIVELY("mprotect-read-races-native-fills",
                List.of(MMapException.class, IllegalStateException.class),
                List.of(MMapException.class, IllegalStateException.class));

        final String scenario;
        final List<Class<? extends Throwable>> firstWorkerEnds;
        final List<Class<? extends Throwable>> secondWorkerEnds;

        Race(String scenario, List<Class<? extends Throwable>> firstWorkerEnds,
                List<Class<? extends Throwable>> secondWorkerEnds) {
            this.scenario = scenario;
            this.firstWorkerEnds = firstWorkerEnds;
            this.secondWorkerEnds = secondWorkerEnds;
        }

        boolean readsThroughViews() {
            return this == CLOSE_WHILE_READING_THROUGH_SEGMENT_AND_BUFFER;
        }
    }

    @ParameterizedTest
    @EnumSource(value = Race.class, names = "CLOSE_.*", mode = EnumSource.Mode.MATCH_ANY)
    void closeRaceEndsEveryWorkerWithAnExceptionAndNeverCrashes(Race race) {
        assertCloseRace(race, ROUNDS);
    }

    private void assertCloseRace(Race race, int rounds) {
        if (race.readsThroughViews() && !TestBackend.viewsDieOnClose()) {
            // On NIO a view never dies, so its readers would never stop: show instead that every
            // access after close still reaches the old memory.
            ChildResult child = scenario("views-after-close");
            VIEW_ACCESSES.forEach(access -> assertReturned(child, access));
            return;
        }
        assertRace(race, rounds);
    }

    @NativeOnly("mprotect")
    @ParameterizedTest
    @EnumSource(value = Race.class, names = "PROTECT_.*", mode = EnumSource.Mode.MATCH_ANY)
    void protectRaceEndsEveryWorkerWithAnExceptionAndNeverCrashes(Race race) {
        assertRace(race, ROUNDS);
    }

    @Tag("stress")
    @ParameterizedTest
    @EnumSource(value = Race.class, names = "CLOSE_.*", mode = EnumSource.Mode.MATCH_ANY)
    void closeRaceSoak(Race race) {
        assertCloseRace(race, STRESS_ROUNDS);
    }

    @Tag("stress")
    @NativeOnly("mprotect")
    @ParameterizedTest
    @EnumSource(value = Race.class, names = "PROTECT_.*", mode = EnumSource.Mode.MATCH_ANY)
    void protectRaceSoak(Race race) {
        assertRace(race, STRESS_ROUNDS);
    }

    private void assertRace(Race race, int rounds) {
        // A round takes milliseconds; the margin is for a machine busy with other builds.
        Duration timeout = ChildJvm.DEFAULT_TIMEOUT.plus(ROUND_TIME_LIMIT.multipliedBy(rounds));
        ChildResult child = scenario(timeout, race.scenario, Integer.toString(rounds));
        assertAllCaught(child, "worker-0-", rounds, race.firstWorkerEnds);
        assertAllCaught(child, "worker-1-", rounds, race.secondWorkerEnds);
    }

    @Test
    void fileTruncatedUnderLiveMappingGivesExceptionsNamingTheFile() {
        Path file = dir.resolve("shrinking.bin");
        ChildResult child = scenario("truncated-file", file.toString());
        for (String call : new String[] {"read", "read-into", "fill-range", "fill-all", "write"}) {
            String message = assertCaught(child, call, MMapException.class);
            assertTrue(message.contains(file.toString()), call + " must name the file: " + message);
            assertTrue(message.contains("truncated"), call + " must say what happened: " + message);
        }
        assertCaught(child, "segment-get", InternalError.class);
        assertCaught(child, "segment-set", InternalError.class);
        assertEquals("HEAD 7 7", child.line("HEAD "));
    }
}
