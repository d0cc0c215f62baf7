package dev.mman;

import static dev.mman.Mman.MAP_PRIVATE;
import static dev.mman.Mman.PROT_READ;
import static dev.mman.Mman.PROT_WRITE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.testing.TestBackend;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The placeholders that NATIVE's close leaves behind are all gone once {@link Placeholders#drain()}
 * returns, even when the reaper took a full batch a moment before: the mapping budget and the leak
 * checks count on that.
 */
class PlaceholdersTest {

    @Test
    void aDrainWaitsForTheBatchTheReaperIsUnmapping() {
        Assumptions.assumeTrue(TestBackend.current() == Backend.NATIVE, "placeholders are NATIVE's");
        long before = MappingBudget.live();
        for (int round = 0; round < 200; round++) {
            // A full batch wakes the reaper at once, so it and this drain race for the ranges.
            for (int i = 0; i < 64; i++) {
                try (MemoryMap map = MemoryMap.createAnonymous(4096, PROT_READ | PROT_WRITE, MAP_PRIVATE)) {
                    map.asSegment().set(JAVA_LONG, 0, i);
                }
            }
            Placeholders.drain();
            long live = MappingBudget.live(); // another test's dropped mapping may be reclaimed meanwhile: never more
            assertTrue(live <= before, "round " + round + ": " + live + " live after the drain, " + before + " before");
        }
    }
}
