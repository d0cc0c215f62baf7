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

    /** One virtual thread per mapping: mapping and faulting in block in the kernel. */
    static final Executor DEFAULT_EXECUTOR = command -> Thread.ofVirtual().name("mman-async-map").start(command);

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
