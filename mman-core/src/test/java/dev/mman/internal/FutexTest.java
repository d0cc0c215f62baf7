package dev.mman.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.MMapException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The futex and process-identity calls that dev.mman.ipc builds on. */
class FutexTest {

    private final Platform platform = Platform.current();

    @Test
    void waitReturnsAtOnceWhenTheWordAlreadyChanged() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment word = arena.allocate(ValueLayout.JAVA_INT);
            word.set(ValueLayout.JAVA_INT, 0, 5);
            assertTrue(platform.futexWait(word, 4, 10_000_000_000L), "EAGAIN counts as a wake-up");
        }
    }

    @Test
    void waitTimesOutAndWakeWithoutSleepersWakesNobody() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment word = arena.allocate(ValueLayout.JAVA_INT);
            assertFalse(platform.futexWait(word, 0, 20_000_000L));
            assertEquals(0, platform.futexWake(word, 1));
        }
    }

    @Test
    void wakeReachesASleeper() throws Exception {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment word = arena.allocate(ValueLayout.JAVA_INT);
            CountDownLatch started = new CountDownLatch(1);
            // Stays true if the sleeper never had to sleep; a missed wake-up would end in a 30 s timeout.
            AtomicBoolean woken = new AtomicBoolean(true);
            Thread sleeper = Thread.ofPlatform().start(() -> {
                started.countDown();
                while ((int) word.get(ValueLayout.JAVA_INT, 0) == 0) {
                    woken.set(platform.futexWait(word, 0, 30_000_000_000L));
                }
            });
            started.await();
            word.set(ValueLayout.JAVA_INT, 0, 1);
            platform.futexWake(word, 1);
            sleeper.join();
            assertTrue(woken.get(), "the sleeper was woken, not timed out");
        }
    }

    @Test
    void startTimeTellsLiveProcessesFromAbsentOnes() {
        assertTrue(platform.processStartTime(ProcessHandle.current().pid()) > 0);
        assertEquals(-1, platform.processStartTime(0x3fff_ffffL));
    }

    @Test
    void theProcessWideBarrierWorksWhereRegistrationDoes() {
        boolean registered = platform.registerForProcessBarriers();
        assertEquals(registered, platform.barrierOnRegisteredProcesses());
    }

    @Test
    void unsupportedPlatformsRefuseTheIpcCalls() {
        Platform unsupported = Platforms.load("Windows 11", "amd64");
        MemorySegment word = MemorySegment.ofArray(new int[1]);
        assertThrows(MMapException.class, () -> unsupported.futexWait(word, 0, 1));
        assertThrows(MMapException.class, () -> unsupported.futexWake(word, 1));
        assertThrows(MMapException.class, () -> unsupported.processStartTime(1));
        assertThrows(MMapException.class, unsupported::registerForProcessBarriers);
        assertThrows(MMapException.class, unsupported::barrierOnRegisteredProcesses);
    }
}
