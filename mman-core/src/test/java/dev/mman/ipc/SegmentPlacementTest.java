package dev.mman.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.MMapInvalidParameterException;
import dev.mman.MemoryMap;
import dev.mman.Mman;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Rings and locks in any native segment: what is refused and why, that a structure in a slice of
 * a mapping is the same structure as through the mapping, and that the segment's scope governs.
 */
class SegmentPlacementTest {

    private static final int CAPACITY = 4096;

    @Test
    void structuresWorkInArenaMemoryAcrossThreads() throws InterruptedException {
        try (Arena arena = Arena.ofShared()) {
            long ringBytes = MpscRingBuffer.requiredBytes(CAPACITY, 2);
            MemorySegment memory = arena.allocate(SharedLock.BYTES + ringBytes, 8);
            SharedLock lock = SharedLock.format(memory, 0);
            MpscRingBuffer consumer = MpscRingBuffer.format(memory, SharedLock.BYTES, CAPACITY, 2,
                    Duration.ofSeconds(1));
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread producer = Thread.ofPlatform().start(() -> {
                try (MpscRingBuffer ring = MpscRingBuffer.attach(memory, SharedLock.BYTES)) {
                    SharedLock mine = SharedLock.attach(memory, 0);
                    for (int i = 1; i <= 100; i++) {
                        mine.lock();
                        mine.unlock();
                        ring.write(i, new byte[i]);
                    }
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            List<Integer> types = new ArrayList<>();
            while (types.size() < 100) {
                int read = consumer.read((type, buffer, offset, length) -> {
                    assertEquals(type, length);
                    types.add(type);
                }, 100, Duration.ofSeconds(30));
                assertTrue(read > 0, "stalled after " + types.size() + ": " + failure.get());
            }
            producer.join();
            assertEquals(null, failure.get());
            assertEquals(100, types.getLast());
            assertEquals(LockResult.ACQUIRED, lock.tryLock());
            lock.unlock();
        }
    }

    @Test
    void aStructureInASliceOfAMappingIsTheOneInTheMapping() throws InterruptedException {
        try (MemoryMap map = MemoryMap.createAnonymous(1 << 16, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_SHARED)) {
            SpscRingBuffer producer = SpscRingBuffer.format(map, 8192, CAPACITY);
            SharedLock.format(map, 4096);
            MemorySegment slice = map.asSegment().asSlice(4096);
            SpscRingBuffer consumer = SpscRingBuffer.attach(slice, 4096);
            producer.write(3, new byte[] {1, 2});
            List<Integer> types = new ArrayList<>();
            assertEquals(1, consumer.read((type, buffer, offset, length) -> types.add(type), 10));
            assertEquals(List.of(3), types);
            SharedLock viaSlice = SharedLock.attach(slice, 0);
            assertEquals(LockResult.ACQUIRED, viaSlice.lock());
            assertEquals(LockResult.NOT_ACQUIRED, SharedLock.attach(map, 4096).tryLock(), "one lock, two views");
            viaSlice.unlock();
        }
    }

    @Test
    void unsuitableSegmentsAreRefusedNamingTheRequirement() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment memory = arena.allocate(16384, 8);
            MemorySegment heap = MemorySegment.ofArray(new long[2048]);
            assertRefused(() -> SharedLock.format(heap, 0),
                    "is a heap segment; a shared structure needs native memory");
            assertRefused(() -> SpscRingBuffer.attach(heap, 0), "is a heap segment");
            assertRefused(() -> MpscRingBuffer.format(heap, 0, CAPACITY), "is a heap segment");
            assertRefused(() -> SharedLock.attach(memory.asReadOnly(), 0), "the segment is read-only; pass a writable");
            assertRefused(() -> SpscRingBuffer.format(memory.asReadOnly(), 0, CAPACITY), "is read-only");
            MemorySegment odd = memory.asSlice(4);
            assertRefused(() -> SharedLock.format(odd, 0), String.format("the structure would start at address 0x%x "
                    + "(the segment's address 0x%x + offset 0), which is not a multiple of 8", odd.address(),
                    odd.address()));
            assertRefused(() -> MpscRingBuffer.attach(odd, 8), "which is not a multiple of 8");
            assertEquals(0, SharedLock.format(odd, 4).ownerPid(), "address + offset is what must be aligned");
            assertRefused(() -> SharedLock.format(memory, 12), "offset 12 is not a multiple of 8; use 8 or 16");
            assertRefused(() -> SharedLock.format(memory, -8), "offset -8 is negative");
            assertRefused(() -> SpscRingBuffer.format(memory, 0, 16384), "offset 0 + 16896 bytes ends past the end "
                    + "of the 16384-byte segment; pass a segment of at least 16896 bytes");
            assertRefused(() -> SharedLock.attach(memory.asSlice(0, 32), 0), "offset 0 + 64 bytes ends past the end "
                    + "of the 32-byte segment");
            assertRefused(() -> SpscRingBuffer.attach(memory, 512), "no ring buffer was formatted there");

            SpscRingBuffer.format(memory, 0, 8192);
            assertRefused(() -> SpscRingBuffer.attach(memory.asSlice(0, 4096), 0), "offset 0 + 8704 bytes ends past "
                    + "the end of the 4096-byte segment");
            assertThrows(NullPointerException.class, () -> SharedLock.format((MemorySegment) null, 0));
        }
    }

    @Test
    void closingTheArenaEndsTheStructuresWithoutAFault() {
        Arena arena = Arena.ofShared();
        long spscAt = SharedLock.BYTES + MpscRingBuffer.requiredBytes(CAPACITY, 4);
        MemorySegment memory = arena.allocate(spscAt + SpscRingBuffer.requiredBytes(CAPACITY), 8);
        SharedLock lock = SharedLock.format(memory, 0);
        MpscRingBuffer ring = MpscRingBuffer.format(memory, SharedLock.BYTES, CAPACITY, 4, Duration.ofSeconds(1));
        SpscRingBuffer spsc = SpscRingBuffer.format(memory, spscAt, CAPACITY);
        assertTrue(ring.tryWrite(1, new byte[8]));
        arena.close();
        assertThrows(IllegalStateException.class, lock::lock);
        assertThrows(IllegalStateException.class, lock::tryLock);
        assertThrows(IllegalStateException.class, () -> ring.tryWrite(1, new byte[8]));
        assertThrows(IllegalStateException.class, () -> spsc.read((t, b, o, l) -> { }, 1));
        assertThrows(IllegalStateException.class, () -> spsc.read((t, b, o, l) -> { }, 1, Duration.ofMillis(10)));
        ring.close(); // the slot cannot be freed any more, and closing says nothing about it
        assertThrows(IllegalStateException.class, () -> SharedLock.attach(memory, 0));
        assertThrows(IllegalStateException.class, () -> SpscRingBuffer.format(memory, spscAt, CAPACITY));
    }

    @Test
    void aConfinedSegmentBelongsToItsThread() throws InterruptedException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment memory = arena.allocate(SpscRingBuffer.requiredBytes(CAPACITY), 8);
            SpscRingBuffer ring = SpscRingBuffer.format(memory, 0, CAPACITY);
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread other = Thread.ofPlatform().start(() -> {
                try {
                    ring.tryWrite(1, new byte[1]);
                } catch (Throwable e) {
                    thrown.set(e);
                }
            });
            other.join();
            assertTrue(thrown.get() instanceof WrongThreadException, String.valueOf(thrown.get()));
            assertTrue(ring.tryWrite(1, new byte[1]), "the owner thread still can");
        }
    }

    private static void assertRefused(Executable call, String expected) {
        MMapInvalidParameterException e = assertThrows(MMapInvalidParameterException.class, call);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
