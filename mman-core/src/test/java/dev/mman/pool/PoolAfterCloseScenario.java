package dev.mman.pool;

import static dev.mman.Mman.PROT_READ;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.mman.MemoryMap;
import dev.mman.testing.Caught;
import java.lang.foreign.MemorySegment;

/**
 * Runs in a child JVM for {@link MemoryPoolLifetimeTest}: uses a pool and its views after the
 * mapping was closed, and after {@code mprotect} took write access away, and reports what each
 * use threw. Touching unmapped memory would crash the JVM, which is why this is a separate process.
 */
public final class PoolAfterCloseScenario {

    private PoolAfterCloseScenario() {}

    /**
     * Runs the misuses.
     *
     * @param args unused
     */
    public static void main(String[] args) {
        MemoryMap closed = MemoryMap.createAnonymous(8192);
        MemoryPool pool = MemoryPool.format(closed, 64);
        long block = pool.allocate();
        MemorySegment view = pool.view(block);
        view.set(JAVA_LONG, 0, 7L);
        closed.close();
        Caught.report("closed-view-read", () -> view.get(JAVA_LONG, 0));
        Caught.report("closed-view-write", () -> view.set(JAVA_LONG, 0, 8L));
        Caught.report("closed-tryAllocate", pool::tryAllocate);
        Caught.report("closed-free", () -> pool.free(block));
        Caught.report("closed-view", () -> pool.view(block));
        Caught.report("closed-available", pool::available);
        Caught.report("closed-reclaimDead", pool::reclaimDead);
        Caught.report("closed-allocate", pool::allocate);
        System.out.println("CLOSED-POOL " + pool);
        Caught.report("closed-attach", () -> MemoryPool.attach(closed));

        try (MemoryMap readOnly = MemoryMap.createAnonymous(8192)) {
            MemoryPool before = MemoryPool.format(readOnly, 64);
            long held = before.allocate();
            MemorySegment writable = before.view(held);
            readOnly.mprotect(PROT_READ);
            Caught.report("protected-view-write", () -> writable.set(JAVA_LONG, 0, 1L));
            Caught.report("protected-tryAllocate", before::tryAllocate);
            Caught.report("protected-free", () -> before.free(held));
            Caught.report("protected-reclaimDead", before::reclaimDead);
        }
        System.out.println("SURVIVED");
    }
}
