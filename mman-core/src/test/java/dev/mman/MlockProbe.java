package dev.mman;

import java.io.IOException;

/**
 * Runs in a child JVM that lacks {@code CAP_IPC_LOCK}, so that {@code RLIMIT_MEMLOCK} applies
 * even when the tests run as root. It prints {@code key=value} lines for {@link MlockTest}.
 */
public final class MlockProbe {

    private static final long MIB = 1 << 20;

    private MlockProbe() {}

    /**
     * Locks 1 MiB, then tries to lock far more than the limit.
     *
     * @param args unused
     * @throws IOException when {@code /proc/self} cannot be read
     */
    public static void main(String[] args) throws IOException {
        System.out.println("limitLifted=" + LockedMemory.limitIsLifted());
        System.out.println("limit=" + LockedMemory.limitBytes());
        try (MemoryMap small = MemoryMap.createAnonymous(MIB)) {
            System.out.println("withinBefore=" + LockedMemory.lockedKilobytes());
            small.mlock();
            System.out.println("withinLocked=" + LockedMemory.lockedKilobytes());
            small.munlock();
            System.out.println("withinAfter=" + LockedMemory.lockedKilobytes());
        }
        long size = Math.max(64 * MIB, 2 * LockedMemory.limitBytes());
        try (MemoryMap big = MemoryMap.createAnonymous(size)) {
            big.mlock();
            System.out.println("beyondType=none");
        } catch (MMapException refused) {
            System.out.println("beyondType=" + refused.getClass().getName());
            System.out.println("beyondErrno=" + refused.errno());
            System.out.println("beyondMessage=" + refused.getMessage().replace('\n', ' '));
            System.out.println("beyondLockedAfter=" + LockedMemory.lockedKilobytes());
        }
    }
}
