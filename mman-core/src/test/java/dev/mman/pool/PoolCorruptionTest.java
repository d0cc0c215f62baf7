package dev.mman.pool;

import static dev.mman.Mman.MAP_SHARED;
import static dev.mman.Mman.PROT_READ;
import static dev.mman.Mman.PROT_WRITE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.MemoryMap;
import dev.mman.ipc.LockLayout;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pool's layout under corruption: every header field, bitmap word and owner word set to
 * boundary values, and a hundred thousand random headers, each written through a second mapping
 * of the same file, as another process would. Whatever the memory holds, every call ends as
 * documented (normally, or with an exception of the {@code MMapException} family) and no offset
 * outside the data area is handed out ({@link PoolTorture} checks).
 */
class PoolCorruptionTest {

    private static final long SIZE = 16 * 1024;
    private static final int RANDOM_HEADERS = 100_000;
    @TempDir
    Path dir;

    private MemoryMap poolSide;
    private MemoryMap peerSide;
    private MemorySegment pool;
    private MemorySegment peer;
    private final PoolTorture torture = new PoolTorture();

    @BeforeEach
    void mapTwice() throws IOException {
        Path file = Files.write(dir.resolve("pool"), new byte[(int) SIZE]);
        poolSide = MemoryMap.createFileMapping(file, 0, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED);
        peerSide = MemoryMap.createFileMapping(file, 0, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED);
        pool = poolSide.asSegment();
        peer = peerSide.asSegment();
    }

    @AfterEach
    void unmap() {
        poolSide.close();
        peerSide.close();
    }

    @Test
    void everyHeaderFieldAtEveryBoundaryValueIsRefusedOrSafe() {
        HeaderCorruptions.Counts counts = HeaderCorruptions.run(poolSide, peer, torture);
        assertEquals(List.of(), torture.violations(), torture.broken() + " broken promises in " + counts);
        assertTrue(counts.accepted() > 0 && counts.accepted() < counts.cases(), counts.toString());
        System.out.println("header boundaries: " + counts + ", " + torture.handedOut() + " blocks handed out, "
                + torture.refusals() + " refusals");
    }

    @Test
    void everyBitmapWordAtEveryBoundaryValueLeavesBlocksHeldAndOffsetsInside() {
        for (long blockSize : new long[] {8, 64}) {
            long capacity = MemoryPool.format(poolSide, blockSize).capacity();
            for (long word = 0; word < PoolLayout.bitmapWords(capacity); word++) {
                for (long value : HeaderCorruptions.boundaryValues(0x5555_5555_5555_5555L, SIZE)) {
                    MemoryPool attached = MemoryPool.format(poolSide, blockSize);
                    List<Long> held = takeSome(attached, 40);
                    peer.set(JAVA_LONG, PoolLayout.HEADER_BYTES + word * 8, value);
                    String what = "block size " + blockSize + ", bitmap word " + word + " = " + value;
                    // The owner words still say who holds what, so no held block is handed out again.
                    MemoryPool again = torture.attachAndUse(what, pool, 64, true);
                    assertTrue(again != null, what);
                    checkHeldAreNotHandedOut(what, attached, held);
                }
            }
        }
        assertEquals(List.of(), torture.violations(), torture.broken() + " broken promises");
    }

    @Test
    void everyOwnerWordAtEveryBoundaryValueIsSafeAndReclaimable() {
        long identity = PoolLayoutTest.thisProcess();
        long[] special = {PoolLayout.ownerWord(identity, PoolLayout.OWNER_HELD),
            PoolLayout.ownerWord(identity, PoolLayout.OWNER_RECLAIMING), identity, identity | 3,
            PoolLayout.ownerWord(LockLayout.identity(ProcessHandle.current().pid(), 7), PoolLayout.OWNER_HELD),
            PoolLayout.ownerWord(LockLayout.identity(1, 0), PoolLayout.OWNER_RECLAIMING)};
        long blockSize = 64;
        long capacity = MemoryPool.format(poolSide, blockSize).capacity();
        for (long block = 0; block < capacity; block += 7) {
            List<Long> values = new ArrayList<>();
            for (long v : HeaderCorruptions.boundaryValues(identity, SIZE)) {
                values.add(v);
            }
            for (long v : special) {
                values.add(v);
            }
            for (long value : values) {
                MemoryPool attached = MemoryPool.format(poolSide, blockSize);
                takeSome(attached, 20);
                peer.set(JAVA_LONG, PoolLayout.ownerWordOffset(capacity, block), value);
                // A scribbled owner word may let a block go to two holders (documented), but never outside.
                torture.attachAndUse("owner word " + block + " = " + value, pool, 64, false);
            }
        }
        assertEquals(List.of(), torture.violations(), torture.broken() + " broken promises");
    }

    @Test
    void aHundredThousandRandomHeadersAreRefusedOrSafe() {
        SplittableRandom random = new SplittableRandom(0x5EEDL);
        MemoryPool.format(poolSide, 64);
        long accepted = 0;
        for (int i = 0; i < RANDOM_HEADERS; i++) {
            long blockSize = randomField(random, 8);
            long count = randomField(random, 100);
            long bitmapStart = random.nextInt(8) == 0 ? randomField(random, 64) : PoolLayout.HEADER_BYTES;
            long ownersStart = random.nextInt(4) == 0 ? randomField(random, 72) : PoolLayout.ownersStart(count);
            long dataStart = random.nextInt(4) == 0 ? randomField(random, 128) : PoolLayout.dataStart(blockSize, count);
            ForgedHeader.write(peer, random.nextInt(50) == 0 ? random.nextInt() : PoolLayout.VERSION, blockSize,
                    count, bitmapStart, ownersStart, dataStart);
            if (random.nextInt(20) == 0) {
                peer.set(JAVA_LONG, PoolLayout.CHECKSUM_OFFSET, random.nextLong());
            }
            String what = String.format("random header %d: block size %d, count %d, bitmap %d, owners %d, data %d",
                    i, blockSize, count, bitmapStart, ownersStart, dataStart);
            accepted += torture.attachAndUse(what, pool, 4, true) != null ? 1 : 0;
        }
        assertEquals(List.of(), torture.violations(), torture.broken() + " broken promises");
        System.out.println("random headers: " + RANDOM_HEADERS + ", " + accepted + " accepted, "
                + torture.handedOut() + " blocks handed out");
    }

    /**
     * A random value for a header field: fully random, small, near a power of two, near the
     * memory's size, near the extremes, or near {@code typical}.
     */
    static long randomField(SplittableRandom random, long typical) {
        return switch (random.nextInt(8)) {
            case 0 -> random.nextLong();
            case 1 -> random.nextLong(0, 4096);
            case 2 -> (1L << random.nextInt(64)) + random.nextInt(-9, 10);
            case 3 -> SIZE + random.nextInt(-200, 201);
            case 4 -> Long.MAX_VALUE - random.nextInt(4096);
            case 5 -> Long.MIN_VALUE + random.nextInt(4096);
            case 6 -> random.nextLong(1, 400) * 8;
            default -> typical + random.nextInt(-16, 17);
        };
    }

    private static List<Long> takeSome(MemoryPool attached, int count) {
        List<Long> held = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            held.add(attached.allocate());
        }
        return held;
    }

    /** The blocks held before the bitmap was scribbled on: none may be handed out while they are held. */
    private void checkHeldAreNotHandedOut(String what, MemoryPool attached, List<Long> held) {
        List<Long> taken = new ArrayList<>();
        for (long block; (block = torture.call(what, "tryAllocate", attached::tryAllocate)) >= 0; ) {
            if (held.contains(block)) {
                torture.violation(what + ": held block " + block + " was handed out again");
            }
            taken.add(block);
        }
        for (long block : held) {
            torture.call(what, "free held", () -> {
                attached.free(block);
                return 0;
            });
        }
        taken.forEach(block -> torture.call(what, "free taken", () -> {
            attached.free(block);
            return 0;
        }));
    }
}
