package dev.mman.internal.windows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The polling futex wait of the Windows backend, run for real here: it is plain Java. */
class PollingWaitTest {

    @Test
    void returnsAtOnceWhenTheWordAlreadyChanged() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment word = arena.allocate(ValueLayout.JAVA_INT);
            word.set(ValueLayout.JAVA_INT, 0, 7);
            assertTrue(PollingWait.await(word, 6, Long.MAX_VALUE / 2));
        }
    }

    @Test
    void timesOutWhenNothingChanges() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment word = arena.allocate(ValueLayout.JAVA_INT);
            assertFalse(PollingWait.await(word, 0, 2_000_000));
            assertEquals(0, word.get(ValueLayout.JAVA_INT, 0));
        }
    }

    @Test
    void seesAStoreFromAnotherThread() throws InterruptedException {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment word = arena.allocate(ValueLayout.JAVA_INT);
            CountDownLatch waiting = new CountDownLatch(1);
            Thread waker = Thread.ofPlatform().start(() -> {
                try {
                    waiting.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                ValueLayout.JAVA_INT.varHandle().setVolatile(word, 0L, 1);
            });
            waiting.countDown();
            // A minute is far longer than the store can take: returning true means the store was seen.
            assertTrue(PollingWait.await(word, 0, 60_000_000_000L));
            waker.join();
        }
    }
}
