package dev.mman.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The harness itself: it must notice a crash and a hang, and must not pass the test JVM's agents on. */
class ChildJvmTest {

    @TempDir
    Path dir;

    @Test
    void aCrashIsReportedWithItsCrashLog() {
        ChildResult crashed = ChildJvm.in(dir).run(ChildJvmProbe.class, "crash");
        assertEquals(ChildResult.CRASHED, crashed.exitCode(), crashed.stderr());
        assertEquals(1, crashed.crashLogs().size(), crashed.stdout());
        AssertionError failure = assertThrows(AssertionError.class, crashed::assertCleanExit);
        assertTrue(failure.getMessage().contains("SIGSEGV"), failure.getMessage());
        assertTrue(failure.getMessage().contains("ChildJvmProbe.main"), "the summary shows the crashing stack");
    }

    @Test
    void aHangingChildIsKilledAndFailsTheTest() {
        ChildJvm hanging = ChildJvm.in(dir).withTimeout(Duration.ofMillis(1500));
        AssertionError failure = assertThrows(AssertionError.class, () -> hanging.run(ChildJvmProbe.class, "hang"));
        assertTrue(failure.getMessage().contains("was killed"), failure.getMessage());
    }

    @Test
    void theChildGetsItsOwnOptionsAndOnlyTheCoverageAgent() {
        List<String> options = ChildJvm.in(dir).run(ChildJvmProbe.class, "options").assertCleanExit()
                .lines("OPTION ").stream().map(line -> line.substring("OPTION ".length())).toList();
        assertTrue(options.contains("--enable-native-access=ALL-UNNAMED"), options.toString());
        assertTrue(options.contains("-Xshare:auto"), options.toString());
        assertTrue(options.contains("-XX:ErrorFile=" + dir.toAbsolutePath().resolve("hs_err_pid%p.log")),
                options.toString());
        // The build's coverage agent follows the child, so that what children exercise counts; no other agent does.
        assertFalse(options.stream().anyMatch(option -> option.startsWith("-javaagent") && !option.contains("jacoco")),
                options.toString());
    }
}
