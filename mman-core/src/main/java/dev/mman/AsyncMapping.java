package dev.mman;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * Creates and prefaults a mapping off the caller's thread. Whatever happens to the future,
 * exactly one party owns the mapping: the future's consumer when it completes normally, and this
 * class otherwise, which unmaps it.
 */
final class AsyncMapping {

    /**
     * One platform daemon thread per mapping. Mapping and faulting in block in the kernel, inside a
     * downcall, which pins a virtual thread to its carrier: on virtual threads, as many concurrent
     * async mappings as there are processors stopped every other virtual thread of the JVM until
     * they were done (one 1 GiB prefault held a one-carrier scheduler for 5 to 9 s here).
     */
    static final Executor DEFAULT_EXECUTOR =
            command -> Thread.ofPlatform().daemon().name("mman-async-map").start(command);

    private AsyncMapping() {}

    static CompletableFuture<MemoryMap> start(Supplier<MemoryMap> create, Executor executor) {
        Objects.requireNonNull(executor, "executor");
        CompletableFuture<MemoryMap> future = new CompletableFuture<>();
        try {
            executor.execute(() -> run(create, future));
        } catch (RejectedExecutionException refused) {
            // Nothing was mapped; the caller learns it where it learns every other failure.
            future.completeExceptionally(new MMapException("mapAsync: the executor " + executor + " refused the task ("
                    + refused.getMessage() + "), so nothing was mapped; map on an executor that is running, or call "
                    + "map()", refused));
        }
        return future;
    }

    private static void run(Supplier<MemoryMap> create, CompletableFuture<MemoryMap> future) {
        if (future.isDone()) {
            return; // cancelled before it started: nothing to map
        }
        MemoryMap map = null;
        try {
            map = create.get();
            if (!future.isDone()) {
                map.prefault();
            }
        } catch (Throwable failure) {
            if (map != null) {
                map.close();
            }
            future.completeExceptionally(failure);
            return;
        }
        if (!future.complete(map)) {
            map.close(); // cancelled while mapping: nobody else will ever see it
        }
    }
}
