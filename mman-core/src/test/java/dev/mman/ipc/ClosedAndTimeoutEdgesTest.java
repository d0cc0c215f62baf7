package dev.mman.ipc;

import static dev.mman.Mman.MAP_SHARED;
import static dev.mman.Mman.PROT_READ;
import static dev.mman.Mman.PROT_WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.MMapInvalidParameterException;
import dev.mman.MemoryMap;
import dev.mman.testing.TestBackend;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** toString() after close, and timeouts at the ends of Duration's range. */
class ClosedAndTimeoutEdgesTest {

    private static final MessageHandler IGNORE = (type, buffer, offset, length) -> { };

    @Test
    void toStringSaysClosedOnceTheMappingIsClosed() {
        MemoryMap map = MemoryMap.createAnonymous(1 << 20, PROT_READ | PROT_WRITE, MAP_SHARED);
        SharedLock lock = SharedLock.format(map, 0);
        SpscRingBuffer spsc = SpscRingBuffer.format(map, 4096, 4096);
        MpscRingBuffer mpsc = MpscRingBuffer.format(map, 65536, 4096);
        assertEquals("SharedLock[offset 0, free]", lock.toString());
        map.close();
        if (!TestBackend.viewsDieOnClose()) {
            // NIO's buffers outlive close() until the GC unmaps them: the structures still read them.
            assertEquals("SharedLock[offset 0, free]", lock.toString());
            return;
        }
        assertEquals("SharedLock[offset 0, closed]", lock.toString());
        assertEquals("SpscRingBuffer[offset 4096, capacity 4096, closed]", spsc.toString());
        assertEquals("MpscRingBuffer[offset 65536, capacity 4096, closed]", mpsc.toString());
    }

    @Test
    void timeoutsAtTheEndsOfDurationNeitherOverflowNorWait() throws InterruptedException {
        try (MemoryMap map = MemoryMap.createAnonymous(1 << 20, PROT_READ | PROT_WRITE, MAP_SHARED)) {
            SpscRingBuffer ring = SpscRingBuffer.format(map, 0, 4096);
            Duration most = Duration.ofSeconds(Long.MAX_VALUE, 999_999_999);
            Duration least = Duration.ofSeconds(Long.MIN_VALUE);
            assertEquals(0, ring.read(IGNORE, 1, least), "a negative timeout reads what waits, and returns");
            assertTrue(ring.tryWrite(1, new byte[] {1}));
            assertEquals(1, ring.read(IGNORE, 1, most), "a record waits: no wait at all");
            SharedLock lock = SharedLock.format(map, 65536);
            assertTrue(lock.tryLock(least).acquired());
            lock.unlock();
            assertTrue(lock.tryLock(most).acquired());
            lock.unlock();
            MMapInvalidParameterException tooLong = assertThrows(MMapInvalidParameterException.class,
                    () -> MpscRingBuffer.format(map, 131072, 4096, 4, most));
            assertTrue(tooLong.getMessage().contains("longer than the ring can hold"), tooLong.getMessage());
            assertThrows(MMapInvalidParameterException.class,
                    () -> MpscRingBuffer.format(map, 131072, 4096, 4, least));
        }
    }
}
