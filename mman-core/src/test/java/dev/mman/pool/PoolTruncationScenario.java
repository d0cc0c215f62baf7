package dev.mman.pool;

import static dev.mman.Mman.MAP_SHARED;
import static dev.mman.Mman.PROT_READ;
import static dev.mman.Mman.PROT_WRITE;

import dev.mman.MemoryMap;
import dev.mman.SharedMemory;
import dev.mman.testing.Caught;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Runs in a child JVM for {@link MemoryPoolHostilePeersTest}: attaches to a pool in a shared file
 * or a named shared-memory object, holds a block, optionally runs the pool hot until the JIT has
 * compiled it, prints {@code READY}, and waits until the test (another process) has shrunk the
 * object and created the go file. Then it uses the pool and reports what each call threw. A
 * SIGBUS that the JDK does not turn into an exception kills this JVM, which the test sees.
 *
 * <p>Arguments: {@code file <path>} or {@code shm <name>}, the go file, the warm-up cycles.
 */
public final class PoolTruncationScenario {

    private PoolTruncationScenario() {}

    /**
     * Runs the scenario.
     *
     * @param args kind, target, go file, warm-up cycles
     */
    public static void main(String[] args) throws Exception {
        Path go = Path.of(args[2]);
        long warmUp = Long.parseLong(args[3]);
        try (MemoryMap map = args[0].equals("shm") ? SharedMemory.open(args[1])
                : MemoryMap.createFileMapping(Path.of(args[1]), 0, Files.size(Path.of(args[1])),
                        PROT_READ | PROT_WRITE, MAP_SHARED)) {
            MemoryPool pool = MemoryPool.attach(map);
            long held = pool.allocate();
            long checksum = 0;
            for (long i = 0; i < warmUp; i++) {
                long block = pool.allocate();
                checksum += block + pool.view(block).byteSize();
                pool.free(block);
                if (i % 1000 == 0) { // the slower calls too, so that the JIT compiles them as well
                    checksum += pool.available() + MemoryPool.attach(map).capacity() + pool.reclaimDead();
                }
            }
            System.out.println("READY " + checksum);
            awaitFile(go);
            Caught.report("allocate", () -> viewOf(pool, pool.allocate()));
            Caught.report("tryAllocate", () -> viewOf(pool, pool.tryAllocate()));
            Caught.report("free", () -> pool.free(held));
            Caught.report("view", () -> pool.view(held));
            Caught.report("available", pool::available);
            Caught.report("reclaimDead", pool::reclaimDead);
            Caught.report("attach", () -> MemoryPool.attach(map));
            Caught.report("format", () -> MemoryPool.format(map, 64));
            System.out.println("POOL " + pool);
        }
        System.out.println("SURVIVED");
    }

    /**
     * Views a block allocate handed out: the bookkeeping of a pool may survive a shrink that
     * takes its blocks, so allocate may succeed, but the block cannot be used.
     */
    private static void viewOf(MemoryPool pool, long block) {
        System.out.println("HANDED-OUT " + block);
        pool.view(block);
    }

    private static void awaitFile(Path go) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(go)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the test did not shrink the object within 30 s");
            }
            Thread.sleep(1);
        }
    }
}
