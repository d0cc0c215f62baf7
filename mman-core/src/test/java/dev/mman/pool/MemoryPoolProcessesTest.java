package dev.mman.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.SharedMemory;
import dev.mman.testing.ChildJvm;
import dev.mman.testing.ChildResult;
import dev.mman.testing.RunningChild;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Separate JVM processes allocate from one pool in shared memory at the same time, stamping every
 * block they get; a stamp that changes while its owner holds the block is a double allocation.
 */
class MemoryPoolProcessesTest {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    /** Few blocks against large batches, so that the processes collide on bitmap words and run the pool dry. */
    private static final long BLOCKS = 128;
    private static final int MAX_HELD = 80;

    @TempDir
    Path dir;

    private final String prefix = "mman-pool-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
    private final String poolName = prefix + "-pool";
    private final String barrierName = prefix + "-barrier";

    @AfterEach
    void removeNames() {
        SharedMemory.unlink(poolName);
        SharedMemory.unlink(barrierName);
    }

    @Test
    void twoProcessesTimesAMillionCyclesNeverShareABlock() {
        contend(2, 1_000_000, ChildJvm.DEFAULT_TIMEOUT);
    }

    @Test
    @Tag("stress")
    void fourProcessesTimesFiveMillionCyclesNeverShareABlock() {
        contend(4, 5_000_000, Duration.ofMinutes(5));
    }

    private void contend(int processes, long cycles, Duration limit) {
        try (SharedMemory memory = SharedMemory.create(poolName, MemoryPool.requiredSize(64, BLOCKS));
                SharedMemory barrier = SharedMemory.create(barrierName, 4096)) {
            MemoryPool pool = MemoryPool.format(memory, 64);
            assertEquals(BLOCKS, pool.capacity());
            List<RunningChild> running = new ArrayList<>();
            for (int owner = 1; owner <= processes; owner++) {
                running.add(ChildJvm.in(dir).withTimeout(limit).start(PoolPeer.class.getName(), poolName, barrierName,
                        String.valueOf(processes), String.valueOf(owner), String.valueOf(cycles),
                        String.valueOf(MAX_HELD)));
            }
            for (RunningChild child : running) {
                ChildResult result = child.awaitExit().assertCleanExit();
                assertTrue(result.lines("FAILURE").isEmpty(), () -> String.join("\n", result.lines("FAILURE")));
                String done = result.line("DONE ");
                assertTrue(done.contains(" cycles=" + cycles + " failures=0 "), done);
                System.out.println(done);
            }
            assertEquals(BLOCKS, MemoryPool.attach(memory).available(), "blocks were left in use");
        }
    }
}
