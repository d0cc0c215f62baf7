package dev.mman.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.MMapInvalidParameterException;
import dev.mman.MemoryMap;
import dev.mman.Mman;
import dev.mman.internal.ProcessIdentity;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The lock inside one process: argument checks, misuse, state transitions and owner death. */
class SharedLockTest {

    /** A pid far above any pid_max, so no process has it. */
    private static final long NO_SUCH_PID = 0x3fff_ffffL;

    private final MemoryMap map = MemoryMap.createAnonymous(4096, Mman.PROT_READ | Mman.PROT_WRITE,
            Mman.MAP_SHARED);

    @AfterEach
    void unmap() {
        map.close();
    }

    @Test
    void rejectsBadPlacementNamingTheValue() {
        assertMessage(() -> SharedLock.format(map, -8), "offset -8 is negative");
        assertMessage(() -> SharedLock.format(map, 12), "offset 12 is not a multiple of 8; use 8 or 16");
        assertMessage(() -> SharedLock.format(map, 4040), "offset 4040 + 64 bytes ends past the end of the "
                + "4096-byte mapping");
        assertMessage(() -> SharedLock.attach(map, 128), "no lock was formatted there (found 0x00000000");
        try (MemoryMap readOnly = MemoryMap.createAnonymous(4096, Mman.PROT_READ, Mman.MAP_SHARED)) {
            assertMessage(() -> SharedLock.format(readOnly, 0), "is not writable");
        }
    }

    @Test
    void uncontendedLockAndUnlock() {
        SharedLock lock = SharedLock.format(map, 64);
        assertEquals(0, lock.ownerPid());
        assertEquals(LockResult.ACQUIRED, lock.lock());
        assertTrue(lock.isHeldByCurrentThread());
        assertEquals(ProcessHandle.current().pid(), lock.ownerPid());
        lock.unlock();
        assertFalse(lock.isHeldByCurrentThread());
        assertEquals(LockResult.ACQUIRED, SharedLock.attach(map, 64).tryLock());
    }

    @Test
    void misuseIsRefused() {
        SharedLock lock = SharedLock.format(map, 0);
        IllegalMonitorStateException notHeld = assertThrows(IllegalMonitorStateException.class, lock::unlock);
        assertTrue(notHeld.getMessage().contains("does not hold the SharedLock at offset 0 (it is free)"),
                notHeld.getMessage());
        assertThrows(IllegalMonitorStateException.class, lock::markConsistent);
        lock.lock();
        IllegalStateException again = assertThrows(IllegalStateException.class, lock::lock);
        assertTrue(again.getMessage().contains("not reentrant"), again.getMessage());
        SharedLock other = SharedLock.attach(map, 0);
        IllegalMonitorStateException foreign = assertThrows(IllegalMonitorStateException.class, other::unlock);
        assertTrue(foreign.getMessage().contains("process " + ProcessHandle.current().pid() + " holds it"),
                foreign.getMessage());
        lock.unlock();
    }

    @Test
    void tryLockFailsWhileAnotherThreadHoldsIt() throws Exception {
        SharedLock lock = SharedLock.format(map, 0);
        CountDownLatch release = new CountDownLatch(1);
        Thread owner = holdInAnotherThread(lock, release);
        assertEquals(LockResult.NOT_ACQUIRED, lock.tryLock());
        assertEquals(LockResult.NOT_ACQUIRED, lock.tryLock(Duration.ofMillis(150)));
        release.countDown();
        assertEquals(LockResult.ACQUIRED, lock.tryLock(Duration.ofSeconds(30)));
        lock.unlock();
        owner.join();
    }

    @Test
    void threadsSerializeThroughTheLock() throws Exception {
        SharedLock lock = SharedLock.format(map, 0);
        MemorySegment counter = map.asSegment();
        int threads = 4;
        int rounds = 50_000;
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            workers[t] = Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < rounds; i++) {
                        lock.lock();
                        counter.set(ValueLayout.JAVA_LONG, 64, counter.get(ValueLayout.JAVA_LONG, 64) + 1);
                        lock.unlock();
                    }
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
        }
        for (Thread worker : workers) {
            worker.join();
        }
        assertEquals(null, failure.get());
        assertEquals((long) threads * rounds, counter.get(ValueLayout.JAVA_LONG, 64));
    }

    @Test
    void deadOwnerIsReportedUntilMarkedConsistent() throws Exception {
        SharedLock lock = SharedLock.format(map, 0);
        plantOwner(ProcessIdentity.of(NO_SUCH_PID, 12345));
        assertEquals(NO_SUCH_PID, lock.ownerPid());
        assertEquals(LockResult.OWNER_DIED, lock.lock());
        lock.unlock();
        assertEquals(LockResult.OWNER_DIED, lock.tryLock(), "a repair that was not confirmed is reported again");
        lock.markConsistent();
        lock.unlock();
        assertEquals(LockResult.ACQUIRED, lock.lock());
        lock.unlock();
    }

    @Test
    void aReusedPidDoesNotLookAlive() {
        SharedLock lock = SharedLock.format(map, 0);
        long parent = ProcessHandle.current().parent().orElseThrow().pid();
        // The parent runs, but the planted start time is not its own: a later process got its pid.
        plantOwner(ProcessIdentity.of(parent, 7));
        assertEquals(LockResult.OWNER_DIED, lock.tryLock());
        lock.markConsistent();
        lock.unlock();
        plantOwner(ProcessIdentity.current());
        assertEquals(LockResult.NOT_ACQUIRED, lock.tryLock(), "a live owner keeps its lock");
    }

    @Test
    void tryLockHonoursInterrupts() {
        SharedLock lock = SharedLock.format(map, 0);
        plantOwner(ProcessIdentity.current());
        Thread.currentThread().interrupt();
        InterruptedException interrupted = assertThrows(InterruptedException.class,
                () -> lock.tryLock(Duration.ofSeconds(30)));
        assertTrue(interrupted.getMessage().contains("offset 0"), interrupted.getMessage());
    }

    @Test
    void lockIgnoresInterruptsAndStillAcquires() throws Exception {
        SharedLock lock = SharedLock.format(map, 0);
        CountDownLatch release = new CountDownLatch(1);
        Thread owner = holdInAnotherThread(lock, release);
        AtomicReference<LockResult> result = new AtomicReference<>();
        Thread waiter = Thread.ofPlatform().start(() -> {
            Thread.currentThread().interrupt();
            result.set(lock.lock());
            lock.unlock();
        });
        release.countDown();
        waiter.join();
        owner.join();
        assertEquals(LockResult.ACQUIRED, result.get());
    }

    /** Writes a lock word as a process that holds the lock would, without going through the API. */
    private void plantOwner(long identity) {
        map.asSegment().set(ValueLayout.JAVA_LONG, 0, identity | 1);
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable call, String expected) {
        MMapInvalidParameterException e = assertThrows(MMapInvalidParameterException.class, call);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    /** Takes the lock in a new thread, returns once it holds it, and unlocks when {@code release} opens. */
    private static Thread holdInAnotherThread(SharedLock lock, CountDownLatch release) throws InterruptedException {
        CountDownLatch held = new CountDownLatch(1);
        Thread owner = Thread.ofPlatform().start(() -> {
            lock.lock();
            held.countDown();
            awaitQuietly(release);
            lock.unlock();
        });
        held.await();
        return owner;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
