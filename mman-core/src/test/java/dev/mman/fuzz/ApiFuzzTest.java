package dev.mman.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.testing.ChildJvm;
import dev.mman.testing.ChildResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@link ApiFuzz} in a child JVM on this run's backend: every public method of the API with
 * extreme values, closed objects and special files ends in a return or a documented exception, and
 * the JVM neither crashes nor hangs.
 */
class ApiFuzzTest {

    @Test
    void everyPublicCallEndsInAReturnOrADocumentedException(@TempDir Path dir) throws Exception {
        Path work = Files.createDirectory(dir.resolve("work"));
        ChildResult result = ChildJvm.in(dir).withTimeout(Duration.ofSeconds(120)).run(ApiFuzz.class, work.toString())
                .assertCleanExit();
        List<String> violations = result.lines("VIOLATION");
        List<String> unknown = result.lines("NO-VALUES");
        assertEquals(List.of(), unknown, "every parameter type needs fuzz values");
        assertEquals(List.of(), violations, violations.size() + " calls threw outside the documented types");
        String[] summary = result.line("CALLS").trim().split(" ");
        long calls = Long.parseLong(summary[1]);
        int methods = Integer.parseInt(summary[3]);
        assertTrue(methods >= ApiFuzz.methods().size() && methods > 80, "fuzzed " + methods + " methods");
        assertTrue(calls > 2000, "made only " + calls + " calls");
    }
}
