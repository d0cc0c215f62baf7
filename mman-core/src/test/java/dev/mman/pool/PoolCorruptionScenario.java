package dev.mman.pool;

import dev.mman.SharedMemory;

/**
 * Runs in a child JVM for {@link MemoryPoolHostilePeersTest}: maps a named shared-memory object
 * twice, as a pool user and as a hostile peer, and runs every header corruption of
 * {@link HeaderCorruptions} against it. Prints {@code BROKEN <what>} for each broken promise and
 * {@code CASES <counts>} at the end; a crash prints neither.
 */
public final class PoolCorruptionScenario {

    private PoolCorruptionScenario() {}

    /**
     * Runs the corruptions.
     *
     * @param args the shared-memory name
     */
    public static void main(String[] args) {
        try (SharedMemory poolSide = SharedMemory.open(args[0]); SharedMemory peerSide = SharedMemory.open(args[0])) {
            PoolTorture torture = new PoolTorture();
            HeaderCorruptions.Counts counts = HeaderCorruptions.run(poolSide, peerSide.asSegment(), torture);
            torture.violations().forEach(violation -> System.out.println("BROKEN " + violation));
            System.out.println("CASES " + counts.cases() + " accepted " + counts.accepted() + " broken "
                    + torture.broken() + " handed out " + torture.handedOut());
        }
    }
}
