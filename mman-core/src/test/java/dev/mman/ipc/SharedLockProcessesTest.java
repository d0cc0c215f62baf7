package dev.mman.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.SharedMemory;
import dev.mman.testing.ChildJvm;
import dev.mman.testing.ChildResult;
import dev.mman.testing.RunningChild;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The lock between real processes: exact counts under contention, and recovery from a killed owner. */
class SharedLockProcessesTest {

    /** Rounds per process: about 8 s for 2 processes and 16 s for 4 on a loaded 2-core machine. */
    private static final long ROUNDS = 1_000_000;
    private static final int DEATH_TRIALS = 20;
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    @TempDir
    Path dir;

    private final String name = "mman-lock-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();

    @AfterEach
    void removeName() {
        SharedMemory.unlink(name);
    }

    @ParameterizedTest(name = "{0} processes x 1,000,000")
    @ValueSource(ints = {2, 4})
    void processesCountExactlyUnderTheLock(int processes) {
        countUnderTheLock(processes, ROUNDS);
    }

    private void countUnderTheLock(int processes, long rounds) {
        try (SharedMemory shm = SharedMemory.create(name, LockPeer.BYTES)) {
            SharedLock.format(shm, 0);
            List<RunningChild> children = new ArrayList<>();
            for (int i = 0; i < processes; i++) {
                children.add(ChildJvm.in(dir).withTimeout(Duration.ofMinutes(5)).start(LockPeer.class.getName(),
                        "count", name, Long.toString(rounds), Integer.toString(processes)));
            }
            for (RunningChild child : children) {
                assertEquals("DONE 0", child.awaitExit().assertCleanExit().line("DONE"));
            }
            assertEquals(processes * rounds, shm.asSegment().get(ValueLayout.JAVA_LONG, LockPeer.COUNTER));
        }
    }

    @Test
    void aKilledOwnersLockIsTakenOverWithinASecond() {
        try (SharedMemory shm = SharedMemory.create(name, LockPeer.BYTES)) {
            SharedLock lock = SharedLock.format(shm, 0);
            long slowest = 0;
            for (int trial = 0; trial < DEATH_TRIALS; trial++) {
                RunningChild holder = ChildJvm.in(dir).start(LockPeer.class.getName(), "hold", name);
                assertEquals("LOCKED " + LockResult.ACQUIRED,
                        holder.awaitLine("LOCKED"));
                long killed = System.nanoTime();
                ChildResult result = holder.killForcibly();
                assertEquals(137, result.assertNoCrash().exitCode(), "trial " + trial + ": SIGKILL");
                assertEquals(LockResult.OWNER_DIED, lock.lock(), "trial " + trial);
                long elapsed = System.nanoTime() - killed;
                slowest = Math.max(slowest, elapsed);
                assertTrue(elapsed < TimeUnit.SECONDS.toNanos(1), "trial " + trial + " took "
                        + TimeUnit.NANOSECONDS.toMillis(elapsed) + " ms from SIGKILL to the lock");
                lock.markConsistent();
                lock.unlock();
            }
            System.out.println("owner death: slowest takeover " + TimeUnit.NANOSECONDS.toMillis(slowest) + " ms");
        }
    }

    @Test
    void exactlyOneOfSeveralWaitingProcessesIsToldTheOwnerDied() {
        try (SharedMemory shm = SharedMemory.create(name, LockPeer.BYTES)) {
            SharedLock.format(shm, 0);
            RunningChild holder = ChildJvm.in(dir).start(LockPeer.class.getName(), "hold", name);
            holder.awaitLine("LOCKED");
            List<RunningChild> waiters = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                RunningChild waiter = ChildJvm.in(dir).start(LockPeer.class.getName(), "wait", name);
                waiter.awaitLine("WAITING");
                waiters.add(waiter);
            }
            holder.killForcibly().assertNoCrash();
            int told = 0;
            for (RunningChild waiter : waiters) {
                String line = waiter.awaitExit().assertCleanExit().line("ACQUIRED");
                told += line.equals("ACQUIRED " + LockResult.OWNER_DIED) ? 1 : 0;
            }
            assertEquals(1, told, "one waiter wins the takeover and repairs; the others find the lock consistent");
        }
    }
}
