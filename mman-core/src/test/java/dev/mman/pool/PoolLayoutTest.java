package dev.mman.pool;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.MMapInvalidParameterException;
import dev.mman.internal.Platform;
import dev.mman.ipc.LockLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * The pool's published layout: every constant at its documented value, the checksum as the
 * javadoc spells it, the bytes {@code format} and {@code allocate} leave, a pool made by hand from
 * the diagram, and the version check.
 */
class PoolLayoutTest {

    /** The checksum of a pool of 100 blocks of 64 bytes. */
    private static final long CHECKSUM_64_X_100 = 0xd2e7ca2c642abfaL;

    @AutoClose
    private final Arena arena = Arena.ofShared();
    private final MemorySegment memory = arena.allocate(64 * 1024, 4096);

    /** Changing one of these changes a documented format: bump {@link PoolLayout#VERSION} and the javadoc. */
    @Test
    void everyConstantHasItsDocumentedValue() {
        assertEquals(2, PoolLayout.VERSION);
        assertEquals(0x4C4F4F504E414D4DL, PoolLayout.MAGIC);
        assertEquals(64, PoolLayout.HEADER_BYTES);
        assertEquals(0, PoolLayout.MAGIC_OFFSET);
        assertEquals(8, PoolLayout.VERSION_OFFSET);
        assertEquals(16, PoolLayout.BLOCK_SIZE_OFFSET);
        assertEquals(24, PoolLayout.BLOCK_COUNT_OFFSET);
        assertEquals(32, PoolLayout.BITMAP_START_OFFSET);
        assertEquals(40, PoolLayout.DATA_START_OFFSET);
        assertEquals(48, PoolLayout.CHECKSUM_OFFSET);
        assertEquals(56, PoolLayout.OWNERS_START_OFFSET);
        assertEquals(3, PoolLayout.OWNER_STATE_MASK);
        assertEquals(0, PoolLayout.OWNER_NONE);
        assertEquals(1, PoolLayout.OWNER_HELD);
        assertEquals(2, PoolLayout.OWNER_RECLAIMING);
        assertEquals(8, PoolLayout.MIN_BLOCK_SIZE);
        assertEquals(64, PoolLayout.MIN_DATA_ALIGNMENT);
        assertEquals(4096, PoolLayout.MAX_DATA_ALIGNMENT);
    }

    @Test
    void helpersComputeWhatTheDiagramSays() {
        assertEquals(0, PoolLayout.bitmapWords(0));
        assertEquals(1, PoolLayout.bitmapWords(1));
        assertEquals(1, PoolLayout.bitmapWords(64));
        assertEquals(2, PoolLayout.bitmapWords(65));
        assertEquals(64, PoolLayout.bitmapWordOffset(0));
        assertEquals(64, PoolLayout.bitmapWordOffset(63));
        assertEquals(72, PoolLayout.bitmapWordOffset(64));
        assertEquals(64 + 8 * 15, PoolLayout.bitmapWordOffset(1000));
        assertEquals(72, PoolLayout.ownersStart(1));
        assertEquals(72, PoolLayout.ownersStart(64));
        assertEquals(80, PoolLayout.ownersStart(65));
        assertEquals(80, PoolLayout.ownerWordOffset(100, 0));
        assertEquals(80 + 8 * 99, PoolLayout.ownerWordOffset(100, 99));
        assertEquals(0x0000_1234_0000_0015L, PoolLayout.ownerWord(0x0000_1234_0000_0014L, PoolLayout.OWNER_HELD));
        assertEquals(0x0000_1234_0000_0016L, PoolLayout.ownerWord(0x0000_1234_0000_0015L,
                PoolLayout.OWNER_RECLAIMING), "the identity's state bits are replaced, not or-ed");
        assertEquals(64, PoolLayout.dataAlignment(8));
        assertEquals(64, PoolLayout.dataAlignment(24));
        assertEquals(64, PoolLayout.dataAlignment(64));
        assertEquals(128, PoolLayout.dataAlignment(384));
        assertEquals(4096, PoolLayout.dataAlignment(4096));
        assertEquals(4096, PoolLayout.dataAlignment(12288));
        assertEquals(4096, PoolLayout.dataAlignment(1 << 20));
        assertEquals(896, PoolLayout.dataStart(64, 100), "2 bitmap words end at 80, 100 owner words at 880");
        assertEquals(4096, PoolLayout.dataStart(4096, 10));
        assertEquals(128, PoolLayout.dataStart(8, 1), "one bitmap word and one owner word end at 80");
    }

    /** A fixed value, so that the checksum cannot change unnoticed, and the javadoc's recipe, step by step. */
    @Test
    void theChecksumIsTheDocumentedMix() {
        assertEquals(CHECKSUM_64_X_100, PoolLayout.checksum(2, 64, 100, 64, 80, 896));
        long[][] cases = {
            {2, 64, 100, 64, 80, 896}, {2, 8, 1, 64, 72, 128}, {7, 4096, 1 << 20, 64, 1 << 17, 1 << 24},
            {-1, -8, 0, 0, -1, Long.MIN_VALUE}
        };
        for (long[] values : cases) {
            long h = 0x6d6d616e706f6f6cL;
            for (long value : values) {
                h = (h ^ value) * 0x100000001b3L;
                h ^= h >>> 29;
            }
            assertEquals(h, PoolLayout.checksum((int) values[0], values[1], values[2], values[3], values[4],
                    values[5]));
        }
    }

    @Test
    void formatAndAllocateLeaveTheDocumentedBytes() {
        MemorySegment slice = memory.asSlice(0, MemoryPool.requiredSize(64, 100));
        assertEquals(896 + 64 * 100, slice.byteSize());
        memory.fill((byte) 0x55); // format must zero the bitmap and the owner table
        MemoryPool pool = MemoryPool.format(slice, 64);
        assertEquals(100, pool.capacity());
        if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
            assertEquals("MMANPOOL", new String(memory.asSlice(0, 8).toArray(JAVA_BYTE), StandardCharsets.US_ASCII));
        }
        assertEquals(0x4C4F4F504E414D4DL, memory.get(JAVA_LONG, 0));
        assertEquals(2, memory.get(JAVA_INT, 8));
        assertEquals(0, memory.get(JAVA_INT, 12));
        assertEquals(64, memory.get(JAVA_LONG, 16));
        assertEquals(100, memory.get(JAVA_LONG, 24));
        assertEquals(64, memory.get(JAVA_LONG, 32));
        assertEquals(896, memory.get(JAVA_LONG, 40));
        assertEquals(CHECKSUM_64_X_100, memory.get(JAVA_LONG, 48));
        assertEquals(80, memory.get(JAVA_LONG, 56));
        assertEquals(0, memory.get(JAVA_LONG, 64), "blocks 0 to 63 free");
        assertEquals(-1L << 36, memory.get(JAVA_LONG, 72), "blocks 64 to 99 free, bits 36 to 63 past the end set");
        for (int k = 0; k < 100; k++) {
            assertEquals(0, memory.get(JAVA_LONG, 80 + 8 * k), "owner word " + k);
        }

        Set<Long> taken = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            taken.add(pool.allocate());
        }
        assertEquals(100, taken.size());
        assertEquals(-1L, memory.get(JAVA_LONG, 64));
        assertEquals(-1L, memory.get(JAVA_LONG, 72));
        long held = PoolLayout.ownerWord(thisProcess(), PoolLayout.OWNER_HELD);
        for (int k = 0; k < 100; k++) {
            assertEquals(held, memory.get(JAVA_LONG, 80 + 8 * k), "owner word " + k + " names this process");
        }
        pool.free(896 + 70 * 64);
        assertEquals(~(1L << 6), memory.get(JAVA_LONG, 72), "block 70 is bit 6 of word 1");
        assertEquals(0, memory.get(JAVA_LONG, 80 + 8 * 70), "its owner word is 0 again");
        pool.free(896 + 3 * 64);
        assertEquals(~(1L << 3), memory.get(JAVA_LONG, 64), "block 3 is bit 3 of word 0");
        assertEquals(0, memory.get(JAVA_LONG, 80 + 8 * 3));
    }

    /**
     * What a program in another language does, from the javadoc alone: it formats by hand, holds
     * block 5 in a process that runs (this one) and block 9 in one that died, and leaves block 12
     * claimed by a process that died before it set the bit.
     */
    @Test
    void aPoolMadeByHandFromTheDiagramWorksWithTheJavaSide() {
        long blockSize = 48;
        long blockCount = 70;
        long ownersStart = 80; // 64 + 8 * bitmapWords(70)
        long dataStart = 640; // the owner table ends at 80 + 8 * 70 = 640, a multiple of dataAlignment(48) = 64
        long alive = PoolLayout.ownerWord(thisProcess(), PoolLayout.OWNER_HELD);
        long dead = PoolLayout.ownerWord(LockLayout.identity(ProcessHandle.current().pid(), 12345), 1);
        memory.set(JAVA_INT, 8, 2);
        memory.set(JAVA_LONG, 16, blockSize);
        memory.set(JAVA_LONG, 24, blockCount);
        memory.set(JAVA_LONG, 32, 64);
        memory.set(JAVA_LONG, 40, dataStart);
        memory.set(JAVA_LONG, 48, PoolLayout.checksum(2, blockSize, blockCount, 64, ownersStart, dataStart));
        memory.set(JAVA_LONG, 56, ownersStart);
        memory.set(JAVA_LONG, 64, 1L << 5 | 1L << 9); // blocks 5 and 9 are in use
        memory.set(JAVA_LONG, 72, -1L << 6); // blocks 64 to 69 free, the bits past them set
        memory.set(JAVA_LONG, ownersStart + 8 * 5, alive);
        memory.set(JAVA_LONG, ownersStart + 8 * 9, dead);
        memory.set(JAVA_LONG, ownersStart + 8 * 12, dead);
        memory.set(JAVA_LONG, 0, 0x4C4F4F504E414D4DL);

        MemoryPool pool = MemoryPool.attach(memory.asSlice(0, 8192));
        assertEquals(blockCount, pool.capacity());
        assertEquals(blockSize, pool.blockSize());
        assertEquals(blockCount - 2, pool.available());
        Set<Long> offsets = new HashSet<>();
        for (long block; (block = pool.tryAllocate()) != MemoryPool.FULL; ) {
            assertEquals(0, (block - dataStart) % blockSize, "offset " + block);
            assertTrue(offsets.add(block));
        }
        assertEquals(blockCount - 3, offsets.size(), "all but 5, 9 and 12");
        assertFalse(offsets.contains(dataStart + 5 * blockSize), "the block in use was not handed out");
        assertFalse(offsets.contains(dataStart + 12 * blockSize), "the claimed block was not handed out");
        pool.view(dataStart + 5 * blockSize).set(JAVA_LONG, 0, 99L);
        assertEquals(99L, memory.get(JAVA_LONG, dataStart + 5 * blockSize));

        assertEquals(2, pool.reclaimDead(), "block 9 (held) and block 12 (claimed) of the dead process");
        assertEquals(0, memory.get(JAVA_LONG, ownersStart + 8 * 9));
        assertEquals(0, memory.get(JAVA_LONG, ownersStart + 8 * 12));
        assertEquals(alive, memory.get(JAVA_LONG, ownersStart + 8 * 5), "the running holder keeps its block");
        assertEquals(~(1L << 9 | 1L << 12), memory.get(JAVA_LONG, 64), "bits 9 and 12 clear, all others set");
        assertEquals(2, pool.available());
        pool.free(dataStart + 5 * blockSize); // Java frees what the other program held
        assertEquals(0, memory.get(JAVA_LONG, ownersStart + 8 * 5));
        assertEquals(3, pool.available());
    }

    @Test
    void aPoolOfAnotherLayoutVersionIsRefusedAtAttach() {
        MemoryPool.format(memory, 64);
        // The version is checked before the checksum, so a header of another version is named as such.
        for (int other : new int[] {1, 3}) {
            memory.set(JAVA_INT, 8, other);
            MMapInvalidParameterException refused = assertThrows(MMapInvalidParameterException.class,
                    () -> MemoryPool.attach(memory));
            assertTrue(refused.getMessage().contains("the pool has layout version " + other + ", this library reads "
                    + "version 2 (PoolLayout.VERSION); attach with the mman release that formatted it, or format the "
                    + "segment again while no process uses it"), refused.getMessage());
        }
        memory.set(JAVA_INT, 8, 2);
        assertEquals(MemoryPool.attach(memory).capacity(), MemoryPool.format(memory, 64).capacity());
    }

    /** The identity this process's owner words carry. */
    static long thisProcess() {
        long pid = ProcessHandle.current().pid();
        return LockLayout.identity(pid, Platform.current().processStartTime(pid));
    }
}
