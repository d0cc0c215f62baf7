package dev.mman;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.testing.ChildJvm;
import dev.mman.testing.ChildResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failed calls and create/touch/close cycles leave nothing behind: the child's open descriptors,
 * its mappings and mman's own count are the same before and after, and its resident memory grows
 * by no more than noise. The default run does 5,000 of each failing call and 50,000 cycles; the
 * {@code stress} run does 100,000 and 1,000,000.
 */
class LeakTest {

    private static final Pattern FIGURES = Pattern.compile("fds=(\\d+) maps=(\\d+) rssKiB=(\\d+) live=(\\d+)");
    /** Resident memory may move with the JIT's code and metaspace; a leak of a page per call would be gigabytes. */
    private static final long RSS_NOISE_KIB = 32 << 10;
    /** The JVM maps a few regions of its own as it runs (code cache, GC); mman's count must not move. */
    private static final long MAPS_NOISE = 16;

    @TempDir
    Path dir;

    @Test
    void failedCallsLeakNothing() {
        assertNothingGrew(run("failures", 5_000));
    }

    @Test
    void createTouchCloseCyclesLeakNothing() {
        assertNothingGrew(run("cycles", 50_000));
    }

    @Tag("stress")
    @Test
    void aHundredThousandFailuresOfEachKindLeakNothing() {
        assertNothingGrew(run("failures", 100_000));
    }

    @Tag("stress")
    @Test
    void aMillionCreateTouchCloseCyclesLeakNothing() {
        assertNothingGrew(run("cycles", 1_000_000));
    }

    private ChildResult run(String scenario, int count) {
        // A heap that is all resident from the start, so that resident memory can only grow natively.
        // NATIVE whichever backend this run tests: NIO's buffers are unmapped by the collector, by design.
        return ChildJvm.in(dir).withDefaultBackend().withTimeout(Duration.ofMinutes(20))
                .withOptions("-Xms128m", "-Xmx128m", "-XX:+AlwaysPreTouch")
                .run(LeakScenarios.class, scenario, Integer.toString(count), dir.toString()).assertCleanExit();
    }

    private static void assertNothingGrew(ChildResult child) {
        Map<String, Long> before = figures(child, "BEFORE ");
        Map<String, Long> after = figures(child, "AFTER ");
        String both = child.line("BEFORE ") + " / " + child.line("AFTER ");
        System.out.println("leak check: " + both);
        assertEquals(before.get("fds"), after.get("fds"), "open descriptors: " + both);
        assertEquals(before.get("live"), after.get("live"), "mman's live mappings: " + both);
        assertTrue(after.get("maps") - before.get("maps") <= MAPS_NOISE, "mappings: " + both);
        assertTrue(after.get("rssKiB") - before.get("rssKiB") <= RSS_NOISE_KIB, "resident memory: " + both);
    }

    private static Map<String, Long> figures(ChildResult child, String prefix) {
        Matcher m = FIGURES.matcher(child.line(prefix));
        if (!m.find()) {
            throw child.failure("no figures after " + prefix);
        }
        return Map.of("fds", Long.parseLong(m.group(1)), "maps", Long.parseLong(m.group(2)),
                "rssKiB", Long.parseLong(m.group(3)), "live", Long.parseLong(m.group(4)));
    }
}
