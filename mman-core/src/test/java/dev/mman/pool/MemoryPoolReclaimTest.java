package dev.mman.pool;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.SharedMemory;
import dev.mman.testing.ChildJvm;
import dev.mman.testing.ChildResult;
import dev.mman.testing.RunningChild;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Processes die holding blocks ({@link PoolHolder}, killed with SIGKILL), and the survivors take
 * the blocks back: on request, when the pool is full, and after a kill at any moment of an
 * allocate or free, while the survivor keeps allocating and checks that it never shares a block.
 */
class MemoryPoolReclaimTest {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final int KILL_ROUNDS = 4;
    private static final int STRESS_KILL_ROUNDS = 200;

    @TempDir
    Path dir;

    private final String name = "mman-reclaim-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();

    @AfterEach
    void removeName() {
        SharedMemory.unlink(name);
    }

    @Test
    void aKilledHoldersHundredBlocksAreReclaimedAndCanBeAllocatedAgain() {
        try (SharedMemory memory = SharedMemory.create(name, MemoryPool.requiredSize(64, 256))) {
            MemoryPool pool = MemoryPool.format(memory, 64);
            Set<Long> mine = new HashSet<>();
            for (int i = 0; i < 10; i++) {
                mine.add(pool.allocate());
            }
            RunningChild holder = ChildJvm.in(dir).start(PoolHolder.class.getName(), name, "hold", "100");
            assertEquals("HOLDING 100", holder.awaitLine("HOLDING"));
            assertEquals(137, holder.killForcibly().assertNoCrash().exitCode(), "SIGKILL");
            assertEquals(146, pool.available(), "the dead holder's blocks stay taken until reclaimed");

            assertEquals(100, pool.reclaimDead());
            assertEquals(246, pool.available());
            assertEquals(0, pool.reclaimDead(), "nothing is left to take back, and this process's blocks stay");
            Set<Long> again = new HashSet<>();
            for (int i = 0; i < 246; i++) {
                long block = pool.allocate();
                assertTrue(!mine.contains(block) && again.add(block), "offset " + block + " handed out twice");
            }
            assertEquals(MemoryPool.FULL, pool.tryAllocate());
        }
    }

    @Test
    void allocateOnAPoolFullOfADeadProcesssBlocksReclaimsThem() {
        try (SharedMemory memory = SharedMemory.create(name, MemoryPool.requiredSize(128, 500))) {
            MemoryPool pool = MemoryPool.format(memory, 128);
            RunningChild holder = ChildJvm.in(dir).start(PoolHolder.class.getName(), name, "fill");
            assertEquals("HOLDING " + pool.capacity(), holder.awaitLine("HOLDING"));
            holder.killForcibly().assertNoCrash();
            assertEquals(MemoryPool.FULL, pool.tryAllocate(), "tryAllocate never reclaims");
            long block = pool.allocate();
            pool.view(block);
            assertEquals(pool.capacity() - 1, pool.available(), "allocate reclaimed all of them, then took one");
        }
    }

    @Test
    void aHolderKilledAtAnyMomentLeavesNothingThatReclaimCannotTakeBack() throws Exception {
        killWhileChurning(KILL_ROUNDS);
    }

    @Test
    @Tag("stress")
    void hundredsOfHoldersKilledAtAnyMomentLeaveNothingBehind() throws Exception {
        killWhileChurning(STRESS_KILL_ROUNDS);
    }

    /**
     * Each round starts a child that allocates and frees on two threads, kills it after a random
     * pause, and reclaims. Throughout, a thread of this process and a child that is never killed
     * allocate, stamp and check their own blocks: a reclaim that took one of theirs would show as
     * a block that is not in use, or a stamp overwritten. At the end every block is free and
     * every owner word 0.
     */
    private void killWhileChurning(int rounds) throws InterruptedException, ExecutionException {
        long blocks = 256;
        try (SharedMemory memory = SharedMemory.create(name, MemoryPool.requiredSize(64, blocks));
                ExecutorService survivor = Executors.newSingleThreadExecutor()) {
            MemoryPool pool = MemoryPool.format(memory, 64);
            RunningChild living = ChildJvm.in(dir).withTimeout(Duration.ofMinutes(30))
                    .start(PoolHolder.class.getName(), name, "churn", "1");
            living.awaitLine("RUNNING");
            AtomicBoolean stop = new AtomicBoolean();
            Future<List<String>> survived = survivor.submit(() -> {
                List<String> failures = new ArrayList<>();
                for (long round = 1; !stop.get() && failures.isEmpty(); round++) {
                    failures.addAll(StampedCycles.run(pool, round, 20_000, 40, round).described());
                }
                return failures;
            });
            SplittableRandom random = new SplittableRandom(rounds);
            long reclaimed = 0;
            for (int round = 0; round < rounds; round++) {
                RunningChild churner = ChildJvm.in(dir).start(PoolHolder.class.getName(), name, "churn", "2");
                churner.awaitLine("RUNNING");
                TimeUnit.MILLISECONDS.sleep(random.nextInt(200));
                assertNoFailures(churner.killForcibly().assertNoCrash());
                reclaimed += pool.reclaimDead();
            }
            stop.set(true);
            assertEquals(List.of(), survived.get(), "reclaim took a block of this running process");
            assertNoFailures(living.killForcibly().assertNoCrash());
            pool.reclaimDead();
            assertEquals(0, pool.reclaimDead(), "a reclaim left something behind");
            assertEquals(blocks, pool.available(), "blocks are still taken after " + reclaimed + " reclaimed");
            for (long k = 0; k < blocks; k++) {
                assertEquals(0, memory.asSegment().get(JAVA_LONG, PoolLayout.ownerWordOffset(blocks, k)),
                        "owner word " + k);
            }
        }
    }

    private static void assertNoFailures(ChildResult result) {
        assertTrue(result.lines("FAILURE").isEmpty(), () -> String.join("\n", result.lines("FAILURE")));
    }
}
