package dev.mman.pool;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.mman.MemoryMap;
import java.lang.foreign.MemorySegment;

/**
 * Every header field of a freshly formatted pool set to each boundary value, through a second
 * mapping of the same memory, with the stale checksum and with one forged to match; then a fresh
 * {@code attach} and the pool attached before the scribble are both used ({@link PoolTorture}).
 * Shared by {@link PoolCorruptionTest} and the child process of {@link MemoryPoolHostilePeersTest}.
 */
final class HeaderCorruptions {

    static final long[] BLOCK_SIZES = {8, 24, 64, 4096};
    /** The header's fields: offset, and whether it is an int rather than a long. */
    private static final long[][] FIELDS = {
        {PoolLayout.MAGIC_OFFSET, 0}, {PoolLayout.VERSION_OFFSET, 1}, {PoolLayout.VERSION_OFFSET + 4, 1},
        {PoolLayout.BLOCK_SIZE_OFFSET, 0}, {PoolLayout.BLOCK_COUNT_OFFSET, 0}, {PoolLayout.BITMAP_START_OFFSET, 0},
        {PoolLayout.DATA_START_OFFSET, 0}, {PoolLayout.CHECKSUM_OFFSET, 0}, {PoolLayout.OWNERS_START_OFFSET, 0}
    };

    private HeaderCorruptions() {}

    /**
     * How many cases ran, and in how many {@code attach} accepted the header.
     *
     * @param cases the cases
     * @param accepted the accepted ones
     */
    record Counts(long cases, long accepted) {}

    /**
     * Runs every case.
     *
     * @param poolSide the mapping the pool is formatted and attached in
     * @param peer a second view of the same memory, written as another process would
     * @param torture what records broken promises
     * @return the counts
     */
    static Counts run(MemoryMap poolSide, MemorySegment peer, PoolTorture torture) {
        long size = poolSide.size();
        long cases = 0;
        long accepted = 0;
        for (long blockSize : BLOCK_SIZES) {
            for (long[] field : FIELDS) {
                MemoryPool.format(poolSide, blockSize);
                long valid = field[1] == 1 ? peer.get(JAVA_INT, field[0]) : peer.get(JAVA_LONG, field[0]);
                for (long value : boundaryValues(valid, size)) {
                    for (boolean reforged : new boolean[] {false, true}) {
                        MemoryPool before = MemoryPool.format(poolSide, blockSize);
                        long held = before.allocate();
                        if (field[1] == 1) {
                            peer.set(JAVA_INT, field[0], (int) value);
                        } else {
                            peer.set(JAVA_LONG, field[0], value);
                        }
                        if (reforged) {
                            reforgeChecksum(peer);
                        }
                        String what = "block size " + blockSize + ", field at " + field[0] + " = " + value
                                + (reforged ? " under a matching checksum" : "");
                        accepted += torture.attachAndUse(what, poolSide.asSegment(), 8, true) != null ? 1 : 0;
                        // A pool attached before the scribble keeps the geometry it read, and works on.
                        torture.use(what + " (attached before)", before, size, 8, true);
                        torture.call(what, "free", () -> {
                            before.free(held);
                            return 0;
                        });
                        cases++;
                    }
                }
            }
        }
        return new Counts(cases, accepted);
    }

    /** Values at and around the edges, around the memory's {@code size}, and around {@code valid}. */
    static long[] boundaryValues(long valid, long size) {
        return new long[] {0, -1, 1, Long.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE + 1, Long.MAX_VALUE - 7,
            Integer.MAX_VALUE, Integer.MIN_VALUE, size - 1, size, size + 1, size - 8, size + 8, 7, 9, 63, 65, 4095,
            4097, valid - 1, valid + 1, valid - 8, valid + 8, valid * 2, valid / 2, valid + 64, -valid, ~valid};
    }

    /** Makes the checksum match whatever the fields now hold, as a deliberate forger would. */
    private static void reforgeChecksum(MemorySegment peer) {
        peer.set(JAVA_LONG, PoolLayout.CHECKSUM_OFFSET, PoolLayout.checksum(
                peer.get(JAVA_INT, PoolLayout.VERSION_OFFSET),
                peer.get(JAVA_LONG, PoolLayout.BLOCK_SIZE_OFFSET),
                peer.get(JAVA_LONG, PoolLayout.BLOCK_COUNT_OFFSET),
                peer.get(JAVA_LONG, PoolLayout.BITMAP_START_OFFSET),
                peer.get(JAVA_LONG, PoolLayout.OWNERS_START_OFFSET),
                peer.get(JAVA_LONG, PoolLayout.DATA_START_OFFSET)));
    }
}
