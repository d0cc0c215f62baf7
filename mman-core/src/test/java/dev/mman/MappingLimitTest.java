package dev.mman;

import static dev.mman.Mman.MAP_SHARED;
import static dev.mman.Mman.PROT_READ;
import static dev.mman.testing.Caught.assertCaught;
import static dev.mman.testing.Caught.assertReturned;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.internal.Platform;
import dev.mman.testing.ChildJvm;
import dev.mman.testing.ChildResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mapping budget: mappings held past the process's limit are refused with the figures, while
 * the JVM keeps its reserve; mappings dropped unclosed are reclaimed; and a view that outlives its
 * {@code MemoryMap} keeps the memory. Each runs in a child JVM whose limit is lowered to
 * {@value #LIMIT} (the kernel's own is system-wide).
 */
class MappingLimitTest {

    /** About three thousand mappings to play with, after the JVM's own and the reserve of 1024. */
    private static final int LIMIT = 4500;

    @TempDir
    Path dir;

    private ChildResult scenario(String... args) {
        return ChildJvm.in(dir).withOptions("-D" + MappingBudget.LIMIT_PROPERTY + "=" + LIMIT)
                .run(MappingLimitScenarios.class, args).assertCleanExit();
    }

    @Test
    void mappingsHeldPastTheLimitAreRefusedWithTheFiguresAndTheJvmLivesOn() {
        ChildResult child = scenario("hold");
        String message = assertCaught(child, "hold", MMapAllocationException.class);
        assertTrue(message.contains("is " + LIMIT), "the message gives the limit: " + message);
        assertTrue(message.contains("vm.max_map_count"), "the message names the sysctl: " + message);
        assertTrue(message.contains("for the JVM"), "the message says why mman stops short: " + message);
        int held = Integer.parseInt(child.line("HELD ").substring("HELD ".length()));
        assertTrue(held > 1000 && held < LIMIT, "mman stops short of the limit, not far from it: " + held);
        assertEquals("THREAD " + (32 << 20), child.line("THREAD "), "the JVM can still start a thread and allocate");
        assertEquals("LIVE 0", child.line("LIVE "), "closing gives every mapping back");
    }

    @Test
    void touchedMappingsDroppedUnclosedAreReclaimed() {
        ChildResult child = scenario("drop-touched");
        assertReturned(child, "drop");
        assertEquals("RECLAIMED true", child.line("RECLAIMED "));
    }

    @Test
    void untouchedMappingsDroppedUnclosedAreReclaimed() {
        ChildResult child = scenario("drop-untouched");
        assertReturned(child, "drop");
        assertEquals("RECLAIMED true", child.line("RECLAIMED "));
    }

    @Test
    void droppedRecordIteratorsNeverTakeTheJvmDown() {
        assertReturned(scenario("drop-iterators", dir.resolve("records.bin").toString()), "iterators");
    }

    @Test
    void aViewThatOutlivesItsMappingKeepsTheMemoryThroughCollections() {
        assertEquals("VIEW 42 43", scenario("views-outlive-map").line("VIEW "));
    }

    /** Nine threads at the line at once, closing, dropping and draining against the reaper: none may hang. */
    @Test
    void closersAtTheLimitDrainAgainstTheReaperWithoutHanging() {
        ChildResult child = scenario("close-storm");
        assertEquals("BACK true", child.line("BACK "), child.stdout());
        assertEquals("LIVE 0", child.line("LIVE "));
    }

    @Test
    void theLinuxLimitAndCountAreRead() throws IOException {
        Platform platform = Platform.current();
        long sysctl = Long.parseLong(Files.readAllLines(Path.of("/proc/sys/vm/max_map_count")).get(0).strip());
        assertEquals(sysctl, platform.mapCountLimit(), "the whole number, not its first digit");
        long count = platform.processMapCount();
        assertTrue(count > 10 && count < sysctl, "this JVM's mappings: " + count);
        try (MemoryMap extra = MemoryMap.createAnonymous(4096, PROT_READ, MAP_SHARED, Backend.NATIVE)) {
            assertEquals(count + 1, platform.processMapCount(), "one more mapping is one more line of /proc/self/maps");
        }
    }
}
