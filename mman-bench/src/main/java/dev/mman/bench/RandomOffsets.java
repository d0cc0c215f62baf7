package dev.mman.bench;

/**
 * The random sequence of the random-access workloads: xorshift64, the same in the C baseline
 * (baseline_usage.c), so that every contender visits the same offsets.
 */
final class RandomOffsets {

    /** The first state. */
    static final long SEED = 0x9E3779B97F4A7C15L;

    private RandomOffsets() {}

    /** The next state of xorshift64 (shifts 13, 7, 17). */
    static long next(long state) {
        state ^= state << 13;
        state ^= state >>> 7;
        state ^= state << 17;
        return state;
    }
}
