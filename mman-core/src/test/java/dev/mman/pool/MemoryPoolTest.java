package dev.mman.pool;

import static dev.mman.Mman.MAP_SHARED;
import static dev.mman.Mman.PROT_READ;
import static dev.mman.Mman.PROT_WRITE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.MMapException;
import dev.mman.MMapInvalidParameterException;
import dev.mman.MemoryMap;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MemoryPoolTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(longs = {8, 24, 64, 96, 4096, 12288})
    void handsOutEveryBlockOnceAlignedAndInsideTheMappingThenReportsFull(long blockSize) {
        try (MemoryMap map = MemoryMap.createAnonymous(256 * 1024)) {
            MemoryPool pool = MemoryPool.format(map, blockSize);
            long capacity = pool.capacity();
            assertTrue(capacity * (blockSize + 8) > 256 * 1024 - 2 * 4096 - capacity / 8 - 64 - blockSize,
                    "the pool wastes space: " + pool);
            long alignment = Math.min(Long.lowestOneBit(blockSize), 4096);
            Set<Long> seen = new HashSet<>();
            long first = pool.allocate();
            assertEquals(0, (map.address() + first) % Math.max(64, alignment), "the first block, at " + first);
            pool.free(first);
            for (long i = 0; i < capacity; i++) {
                long offset = pool.allocate();
                assertTrue(seen.add(offset), "offset " + offset + " handed out twice");
                assertEquals(0, (map.address() + offset) % alignment, "offset " + offset);
                assertTrue(offset >= PoolLayout.ownerWordOffset(capacity, capacity) && offset + blockSize <= map.size(),
                        "offset " + offset + " overlaps the header, the bitmap, the owner table or the end");
            }
            assertEquals(0, pool.available());
            assertEquals(MemoryPool.FULL, pool.tryAllocate());
            MMapException full = assertThrows(MMapException.class, pool::allocate);
            assertTrue(full.getMessage().contains("all " + capacity + " blocks of " + blockSize + " bytes"),
                    full.getMessage());

            long given = seen.iterator().next();
            pool.free(given);
            assertEquals(1, pool.available());
            assertEquals(given, pool.allocate());
            for (long offset : seen) {
                pool.free(offset);
            }
            assertEquals(capacity, pool.available());
        }
    }

    @Test
    void allocateAndFreeCreateNoJavaObjects() throws ReflectiveOperationException {
        // Reached reflectively: the tests compile inside module dev.mman, which does not read java.management.
        Object threads = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean")
                .invoke(null);
        Method allocatedBytes = Class.forName("com.sun.management.ThreadMXBean")
                .getMethod("getCurrentThreadAllocatedBytes");
        try (MemoryMap map = MemoryMap.createAnonymous(MemoryPool.requiredSize(64, 4096))) {
            MemoryPool pool = MemoryPool.format(map, 64);
            for (int i = 0; i < 2048; i++) {
                pool.allocate(); // half full, so that the search crosses words
            }
            long checksum = 0;
            for (int i = 0; i < 200_000; i++) {
                long block = pool.tryAllocate();
                pool.free(block);
                checksum += block;
            }
            long before = (long) allocatedBytes.invoke(threads);
            for (int i = 0; i < 100_000; i++) {
                long block = pool.tryAllocate();
                pool.free(block);
                checksum += block;
            }
            long allocated = (long) allocatedBytes.invoke(threads) - before;
            // Less than a byte per cycle: nothing per call, only what the JVM itself does now and then.
            assertTrue(allocated < 100_000,
                    allocated + " bytes allocated in 100,000 cycles (checksum " + checksum + ")");
        }
    }

    @Test
    void requiredSizeIsExactlyEnoughForTheAskedBlocks() {
        for (long blockSize : new long[] {8, 40, 64, 200, 4096, 8192}) {
            for (long count : new long[] {1, 2, 63, 64, 65, 1000, 4097}) {
                long size = MemoryPool.requiredSize(blockSize, count);
                try (MemoryMap exact = MemoryMap.createAnonymous(size);
                        MemoryMap oneShort = MemoryMap.createAnonymous(size - 1)) {
                    assertEquals(count, MemoryPool.format(exact, blockSize).capacity(), blockSize + " x " + count);
                    if (count == 1) {
                        assertThrows(MMapInvalidParameterException.class, () -> MemoryPool.format(oneShort, blockSize));
                    } else {
                        assertEquals(count - 1, MemoryPool.format(oneShort, blockSize).capacity());
                    }
                }
            }
        }
    }

    @Test
    void aSecondMappingOfTheSameFileSharesThePool() throws IOException {
        Path file = Files.write(dir.resolve("pool"), new byte[64 * 1024]);
        try (MemoryMap first = mapShared(file, 64 * 1024); MemoryMap second = mapShared(file, 64 * 1024)) {
            MemoryPool formatted = MemoryPool.format(first, 128);
            long block = formatted.allocate();
            formatted.view(block).set(JAVA_LONG, 0, 0xFEEDL);

            MemoryPool attached = MemoryPool.attach(second);
            assertSame(second, attached.map());
            assertEquals(formatted.capacity(), attached.capacity());
            assertEquals(128, attached.blockSize());
            assertEquals(formatted.capacity() - 1, attached.available());
            assertEquals(0xFEEDL, attached.view(block).get(JAVA_LONG, 0));
            attached.free(block);
            assertEquals(formatted.capacity(), formatted.available());
            assertThrows(MMapException.class, () -> formatted.free(block));
        }
    }

    @Test
    void doubleFreeIsRefusedWithTheOffset() {
        try (MemoryMap map = MemoryMap.createAnonymous(8192)) {
            MemoryPool pool = MemoryPool.format(map, 64);
            long block = pool.allocate();
            long other = pool.allocate();
            pool.free(block);
            MMapException twice = assertThrows(MMapException.class, () -> pool.free(block));
            assertTrue(twice.getMessage().contains("free(" + block + ")")
                    && twice.getMessage().contains("double free"), twice.getMessage());
            assertEquals(pool.capacity() - 1, pool.available(), "the refused free changed the bitmap");
            long neverAllocated = other + 64;
            MMapException never = assertThrows(MMapException.class, () -> pool.free(neverAllocated));
            assertTrue(never.getMessage().contains("never allocated"), never.getMessage());
            pool.free(other);
        }
    }

    @Test
    void foreignAndMisalignedOffsetsAreRefusedWithTheValidForm() {
        try (MemoryMap map = MemoryMap.createAnonymous(8192)) {
            MemoryPool pool = MemoryPool.format(map, 96);
            // The search starts at a per-process position, so the first block handed out varies:
            // take them all, keep the lowest and give back the others.
            long[] all = java.util.stream.LongStream.generate(pool::tryAllocate).limit(pool.capacity()).sorted()
                    .toArray();
            long first = all[0];
            for (int i = 1; i < all.length; i++) {
                pool.free(all[i]);
            }
            long last = first + (pool.capacity() - 1) * 96;
            String validForm = "valid offsets are " + first + " + k * 96 for k from 0 to " + (pool.capacity() - 1);
            for (long bad : new long[] {-1, 0, 8, first - 8, first + 1, first + 48, last + 95, last + 96,
                    Long.MAX_VALUE, Long.MIN_VALUE}) {
                MMapInvalidParameterException refused = assertThrows(MMapInvalidParameterException.class,
                        () -> pool.free(bad));
                assertTrue(refused.getMessage().contains("free(" + bad + ")")
                        && refused.getMessage().contains(validForm), refused.getMessage());
                assertThrows(MMapInvalidParameterException.class, () -> pool.view(bad));
            }
            MMapInvalidParameterException inside = assertThrows(MMapInvalidParameterException.class,
                    () -> pool.free(first + 50));
            assertTrue(inside.getMessage().contains("inside block 0 but not at its start (50 bytes in)"),
                    inside.getMessage());
            assertEquals(pool.capacity() - 1, pool.available());
            pool.free(first);
        }
    }

    @Test
    void viewCoversExactlyOneAllocatedBlock() {
        try (MemoryMap map = MemoryMap.createAnonymous(8192)) {
            MemoryPool pool = MemoryPool.format(map, 64);
            long a = pool.allocate();
            long b = pool.allocate();
            MemorySegment view = pool.view(a);
            assertEquals(64, view.byteSize());
            view.fill((byte) 0x5A);
            assertThrows(IndexOutOfBoundsException.class, () -> view.get(JAVA_LONG, 64));
            assertThrows(IndexOutOfBoundsException.class, () -> view.get(JAVA_INT, 62));
            assertEquals(0, pool.view(b).get(JAVA_LONG, 0), "a view spilled into the next block");
            assertEquals(0x5A, map.read(1, a + 63)[0]);
            pool.free(b);
            MMapException free = assertThrows(MMapException.class, () -> pool.view(b));
            assertTrue(free.getMessage().contains("is free"), free.getMessage());
        }
    }

    @Test
    void badBlockSizesAndReadOnlyMappingsAreRefused() {
        try (MemoryMap map = MemoryMap.createAnonymous(8192)) {
            for (long bad : new long[] {0, -8, 4, 7, 12, 100}) {
                MMapInvalidParameterException refused = assertThrows(MMapInvalidParameterException.class,
                        () -> MemoryPool.format(map, bad));
                assertTrue(refused.getMessage().contains("block size " + bad + " is not a positive multiple of 8"),
                        refused.getMessage());
            }
            assertThrows(MMapInvalidParameterException.class, () -> MemoryPool.requiredSize(64, 0));
            assertThrows(MMapInvalidParameterException.class, () -> MemoryPool.requiredSize(Long.MAX_VALUE - 7, 2));
        }
        try (MemoryMap readOnlyMap = MemoryMap.createAnonymous(8192, PROT_READ)) {
            MMapInvalidParameterException readOnly = assertThrows(MMapInvalidParameterException.class,
                    () -> MemoryPool.attach(readOnlyMap));
            assertTrue(readOnly.getMessage().contains("readable and writable"), readOnly.getMessage());
        }
        try (MemoryMap tiny = MemoryMap.createAnonymous(200)) {
            MMapInvalidParameterException tooSmall = assertThrows(MMapInvalidParameterException.class,
                    () -> MemoryPool.format(tiny, 256));
            assertTrue(tooSmall.getMessage().contains("needs at least " + MemoryPool.requiredSize(256, 1)),
                    tooSmall.getMessage());
        }
    }

    @Test
    void toStringNeverThrowsNorTouchesTheMemory() {
        MemoryMap map = MemoryMap.createAnonymous(8192);
        MemoryPool pool = MemoryPool.format(map, 64);
        Arena arena = Arena.ofShared();
        MemoryPool inSegment = MemoryPool.format(arena.allocate(8192, 64), 64);
        map.close();
        arena.close();
        assertTrue(pool.toString().startsWith("MemoryPool[112 blocks of 64 bytes from offset 1024 in MemoryMap["),
                pool.toString());
        assertTrue(inSegment.toString().contains("in a 8192-byte segment"), inSegment.toString());
    }

    @Test
    void aPoolInASliceOfAMappingCountsOffsetsFromTheSliceAndIsSharedThroughAnotherMapping() throws IOException {
        Path file = Files.write(dir.resolve("pool"), new byte[64 * 1024]);
        try (MemoryMap first = mapShared(file, 64 * 1024); MemoryMap second = mapShared(file, 64 * 1024)) {
            first.asSegment().set(JAVA_LONG, 0, 0x5EED_5EEDL); // the caller's own data before the pool
            MemoryPool formatted = MemoryPool.format(first.asSegment().asSlice(4096, 16 * 1024), 256);
            assertEquals(PoolLayout.MAGIC, first.asSegment().get(JAVA_LONG, 4096), "the header starts at the slice");
            assertEquals(0x5EED_5EEDL, first.asSegment().get(JAVA_LONG, 0), "nothing before the slice is touched");
            long block = formatted.allocate();
            assertTrue(block >= PoolLayout.HEADER_BYTES && block + 256 <= 16 * 1024,
                    "an offset from the slice's first byte: " + block);
            formatted.view(block).set(JAVA_LONG, 0, 77L);
            assertEquals(77L, first.asSegment().get(JAVA_LONG, 4096 + block));

            MemoryPool attached = MemoryPool.attach(second.asSegment().asSlice(4096, 16 * 1024));
            assertEquals(formatted.capacity(), attached.capacity());
            assertEquals(77L, attached.view(block).get(JAVA_LONG, 0));
            attached.free(block);
            assertEquals(formatted.capacity(), formatted.available());
            assertTrue(attached.toString().contains("in a 16384-byte segment"), attached.toString());
            IllegalStateException noMap = assertThrows(IllegalStateException.class, attached::map);
            assertTrue(noMap.getMessage().contains("was formatted or attached in a MemorySegment, not a MemoryMap"),
                    noMap.getMessage());
        }
    }

    @Test
    void unsuitableSegmentsAreRefusedNamingTheRequirement() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment memory = arena.allocate(8192, 8);
            assertSegmentRefused(() -> MemoryPool.format(MemorySegment.ofArray(new long[1024]), 64),
                    "the segment is a heap segment; a pool needs native memory");
            assertSegmentRefused(() -> MemoryPool.format(memory.asReadOnly(), 64), "the segment is read-only");
            assertSegmentRefused(() -> MemoryPool.attach(memory.asSlice(4)), "which is not a multiple of 8");
            assertSegmentRefused(() -> MemoryPool.format(memory, 12), "block size 12 is not a positive multiple of 8");
            assertSegmentRefused(() -> MemoryPool.format(memory.asSlice(0, 100), 64), "the 100-byte segment cannot "
                    + "hold a pool with even one block of 64 bytes");
            assertSegmentRefused(() -> MemoryPool.attach(memory.asSlice(0, 40)), "the segment has 40 bytes, fewer "
                    + "than the 64-byte pool header");
            assertSegmentRefused(() -> MemoryPool.attach(memory), "the segment holds no pool");
            MemoryPool.format(memory, 64);
            assertSegmentRefused(() -> MemoryPool.attach(memory.asSlice(0, 1024)), "more than the 1024-byte segment "
                    + "holds; attach to the whole segment the pool was formatted in");
            assertThrows(NullPointerException.class, () -> MemoryPool.attach((MemorySegment) null));
        }
    }

    @Test
    void aPoolInArenaMemoryEndsWithTheArena() {
        Arena arena = Arena.ofShared();
        MemorySegment memory = arena.allocate(MemoryPool.requiredSize(64, 100), 64);
        MemoryPool pool = MemoryPool.format(memory, 64);
        assertEquals(100, pool.capacity());
        long block = pool.allocate();
        MemorySegment view = pool.view(block);
        arena.close();
        assertThrows(IllegalStateException.class, pool::tryAllocate);
        assertThrows(IllegalStateException.class, () -> pool.free(block));
        assertThrows(IllegalStateException.class, () -> pool.view(block));
        assertThrows(IllegalStateException.class, pool::available);
        assertThrows(IllegalStateException.class, pool::reclaimDead);
        assertThrows(IllegalStateException.class, () -> view.get(JAVA_LONG, 0));
        assertThrows(IllegalStateException.class, () -> MemoryPool.attach(memory));
    }

    /** A shared, readable and writable mapping of the first {@code size} bytes of {@code file}. */
    private static MemoryMap mapShared(Path file, long size) {
        return MemoryMap.createFileMapping(file, 0, size, PROT_READ | PROT_WRITE, MAP_SHARED);
    }

    private static void assertSegmentRefused(org.junit.jupiter.api.function.Executable call, String why) {
        MMapInvalidParameterException refused = assertThrows(MMapInvalidParameterException.class, call);
        assertTrue(refused.getMessage().contains(why), refused.getMessage());
    }
}
