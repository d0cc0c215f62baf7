package dev.mman.ipc;

import dev.mman.SharedMemory;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * The other processes of {@link SharedLockProcessesTest}. The lock sits at offset 0 of the shared
 * memory, the counter it guards at {@link #COUNTER}, and a start barrier at {@link #READY}.
 *
 * <ul>
 * <li>{@code count <name> <rounds> <processes>}: waits until all processes are ready, then adds 1
 *     to the counter {@code rounds} times under the lock;</li>
 * <li>{@code hold <name>}: takes the lock, prints {@code LOCKED}, and sleeps until killed;</li>
 * <li>{@code wait <name>}: prints {@code WAITING}, takes the lock, prints {@code ACQUIRED <result>},
 *     repairs (marks consistent) and unlocks.</li>
 * </ul>
 */
public final class LockPeer {

    static final long COUNTER = SharedLock.BYTES;
    static final long READY = COUNTER + 8;
    static final long BYTES = 4096;

    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    private LockPeer() {}

    /**
     * Runs one mode.
     *
     * @param args the mode and its arguments
     * @throws InterruptedException never in practice: nothing interrupts the child
     */
    public static void main(String[] args) throws InterruptedException {
        try (SharedMemory shm = SharedMemory.open(args[1])) {
            SharedLock lock = SharedLock.attach(shm, 0);
            switch (args[0]) {
                case "count" -> count(shm.asSegment(), lock, Long.parseLong(args[2]), Integer.parseInt(args[3]));
                case "hold" -> {
                    System.out.println("LOCKED " + lock.lock());
                    while (true) {
                        Thread.sleep(100);
                    }
                }
                case "wait" -> {
                    System.out.println("WAITING");
                    LockResult result = lock.lock();
                    System.out.println("ACQUIRED " + result);
                    if (result == LockResult.OWNER_DIED) {
                        lock.markConsistent();
                    }
                    lock.unlock();
                }
                default -> throw new IllegalArgumentException("unknown mode " + args[0]);
            }
        }
    }

    private static void count(MemorySegment memory, SharedLock lock, long rounds, int processes) {
        LONG.getAndAdd(memory, READY, 1L);
        while ((long) LONG.getVolatile(memory, READY) < processes) {
            Thread.onSpinWait();
        }
        long ownerDied = 0;
        for (long i = 0; i < rounds; i++) {
            if (lock.lock() != LockResult.ACQUIRED) {
                ownerDied++;
            }
            memory.set(ValueLayout.JAVA_LONG, COUNTER, memory.get(ValueLayout.JAVA_LONG, COUNTER) + 1);
            lock.unlock();
        }
        System.out.println("DONE " + ownerDied);
    }
}
