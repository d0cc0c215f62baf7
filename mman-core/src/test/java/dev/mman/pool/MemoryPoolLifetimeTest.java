package dev.mman.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.MMapException;
import dev.mman.MemoryMap;
import dev.mman.testing.Caught;
import dev.mman.testing.ChildJvm;
import dev.mman.testing.ChildResult;
import dev.mman.testing.NativeOnly;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A pool dies safely with its mapping, and many threads of one process share it correctly. */
class MemoryPoolLifetimeTest {

    @TempDir
    Path dir;

    @Test
    @NativeOnly("mprotect")
    void everyUseAfterCloseOrMprotectThrowsInsteadOfFaulting() {
        ChildResult result = ChildJvm.in(dir).run(PoolAfterCloseScenario.class).assertCleanExit();
        for (String label : List.of("closed-view-read", "closed-view-write", "closed-tryAllocate", "closed-free",
                "closed-view", "closed-available", "closed-reclaimDead", "closed-allocate", "protected-view-write",
                "protected-tryAllocate", "protected-free", "protected-reclaimDead")) {
            String message = Caught.assertCaught(result, label, IllegalStateException.class);
            assertTrue(message.contains("closed"), label + ": " + message);
        }
        String attach = Caught.assertCaught(result, "closed-attach", MMapException.class);
        assertTrue(attach.contains("the mapping is closed"), attach);
        assertTrue(result.line("CLOSED-POOL ").contains("closed"), "toString works after close");
        result.line("SURVIVED");
    }

    @Test
    void fourThreadsStampingTheirBlocksNeverShareOne() throws InterruptedException, ExecutionException {
        try (MemoryMap map = MemoryMap.createAnonymous(MemoryPool.requiredSize(32, 100));
                ExecutorService threads = Executors.newFixedThreadPool(4)) {
            MemoryPool pool = MemoryPool.format(map, 32);
            List<Future<StampedCycles.Outcome>> outcomes = new ArrayList<>();
            for (long owner = 1; owner <= 4; owner++) {
                long id = owner;
                outcomes.add(threads.submit(() -> StampedCycles.run(pool, id, 200_000, 40, id)));
            }
            for (Future<StampedCycles.Outcome> outcome : outcomes) {
                StampedCycles.Outcome seen = outcome.get();
                assertEquals(List.of(), seen.described());
                assertEquals(0, seen.failures());
                assertEquals(200_000, seen.cycles());
            }
            assertEquals(100, pool.available());
        }
    }
}
