package dev.mman.pool;

import static dev.mman.Mman.MAP_SHARED;
import static dev.mman.Mman.PROT_READ;
import static dev.mman.Mman.PROT_WRITE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.MMapInvalidParameterException;
import dev.mman.MemoryMap;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code attach} accepts: only a header {@code format} could have written into memory of
 * that size, each refusal saying why; and what no header can make the pool do.
 */
class PoolHeaderTest {

    @TempDir
    Path dir;

    @Test
    void attachExplainsWhyAHeaderIsNotAPool() {
        try (MemoryMap map = MemoryMap.createAnonymous(8192)) {
            assertAttachRefused(map, "its first 8 bytes are zero");

            map.write("not a pool, a text".getBytes(), 0);
            assertAttachRefused(map, "something other than a pool");

            MemoryPool.format(map, 64);
            MemoryPool.attach(map);
            map.asSegment().set(JAVA_INT, 8, 3);
            assertAttachRefused(map, "layout version 3, this library reads version 2");

            MemoryPool.format(map, 64);
            map.asSegment().set(JAVA_LONG, 24, 100_000L); // block count, behind the checksum's back
            assertAttachRefused(map, "checksum does not match");

            MemoryPool.format(map, 64);
            map.asSegment().set(JAVA_LONG, 48, 0L); // the checksum itself
            assertAttachRefused(map, "checksum does not match");
        }
        try (MemoryMap tiny = MemoryMap.createAnonymous(40)) {
            assertAttachRefused(tiny, "fewer than the 64-byte pool header");
        }
    }

    @Test
    void attachRefusesAConsistentlyChecksummedHeaderWithImpossibleGeometry() {
        try (MemoryMap map = MemoryMap.createAnonymous(8192)) {
            MemorySegment memory = map.asSegment();
            ForgedHeader.write(memory, 64, 10, 64, 72, 16); // data inside the bitmap
            assertAttachRefused(map, "do not describe a pool (block 0 of 10 blocks of 64 bytes starts at 192)");
            ForgedHeader.write(memory, 60, 10); // blocks not 8-byte aligned
            assertAttachRefused(map, "do not describe a pool (the block size is not a positive multiple of 8)");
            ForgedHeader.write(memory, 64, 10, 128, 72, 192);
            assertAttachRefused(map, "do not describe a pool (the bitmap starts at 64 in every pool)");
            ForgedHeader.write(memory, 64, 10, 64, 128, 192);
            assertAttachRefused(map, "do not describe a pool (the owner table of 10 blocks starts at 72)");
            ForgedHeader.write(memory, 64, 0);
            assertAttachRefused(map, "do not describe a pool (the block count is not between 1 and ");
            ForgedHeader.write(memory, 64, 1000);
            assertAttachRefused(map, "more than the 8192-byte mapping holds");
            // Two blocks of 2^63 - 8 bytes: their product wraps to -16, which once let the header through
            // and made allocate() hand out 4096 and then -9223372036854771720.
            ForgedHeader.write(memory, Long.MAX_VALUE - 7, 2, 64, 72, 4096);
            assertAttachRefused(map, "do not describe a pool");
            ForgedHeader.write(memory, Long.MAX_VALUE - 7, 2);
            assertAttachRefused(map, "more than the 8192-byte mapping holds");
            ForgedHeader.write(memory, 8, Long.MAX_VALUE);
            assertAttachRefused(map, "do not describe a pool (the block count is not between 1 and ");
        }
    }

    @Test
    void aBlockSizeTooLargeForAnyMemoryIsRefusedNamingIt() {
        try (MemoryMap map = MemoryMap.createAnonymous(8192)) {
            for (long huge : new long[] {Long.MAX_VALUE - 7, 1L << 62, 8192}) {
                MMapInvalidParameterException refused = assertThrows(MMapInvalidParameterException.class,
                        () -> MemoryPool.format(map, huge));
                assertTrue(refused.getMessage().contains("cannot hold a pool with even one block of " + huge
                        + " bytes"), refused.getMessage());
            }
        }
    }

    /** The bits past the last block are ignored, so clearing them hands out nothing past the end. */
    @Test
    void clearedSpareBitsNeverYieldAnOffsetPastTheEnd() {
        try (MemoryMap map = MemoryMap.createAnonymous(MemoryPool.requiredSize(64, 10))) {
            MemoryPool pool = MemoryPool.format(map, 64);
            map.asSegment().set(JAVA_LONG, 64, 0L); // the bitmap's one word, spare bits and all
            Set<Long> seen = new HashSet<>();
            for (long block; (block = pool.tryAllocate()) != MemoryPool.FULL; ) {
                assertTrue(block + 64 <= map.size() && seen.add(block), "offset " + block);
            }
            assertEquals(10, seen.size());
            assertEquals(0, pool.available());
        }
    }

    @Test
    void attachToAShorterMappingOfThePoolIsRefused() throws IOException {
        Path file = Files.write(dir.resolve("pool"), new byte[64 * 1024]);
        try (MemoryMap whole = mapShared(file, 64 * 1024); MemoryMap prefix = mapShared(file, 4096)) {
            MemoryPool.format(whole, 64);
            assertAttachRefused(prefix, "more than the 4096-byte mapping holds");
        }
    }

    private static void assertAttachRefused(MemoryMap map, String why) {
        MMapInvalidParameterException refused = assertThrows(MMapInvalidParameterException.class,
                () -> MemoryPool.attach(map));
        assertTrue(refused.getMessage().startsWith("MemoryPool.attach(") && refused.getMessage().contains(why),
                refused.getMessage());
    }

    private static MemoryMap mapShared(Path file, long size) {
        return MemoryMap.createFileMapping(file, 0, size, PROT_READ | PROT_WRITE, MAP_SHARED);
    }
}
