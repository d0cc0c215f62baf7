package dev.mman.mapping;

import static dev.mman.Mman.MAP_PRIVATE;
import static dev.mman.Mman.MAP_SHARED;
import static dev.mman.Mman.PROT_READ;
import static dev.mman.Mman.PROT_WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.MMapInvalidParameterException;
import dev.mman.MemoryMap;
import dev.mman.testing.NativeOnly;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AsyncCreationTest {

    @TempDir
    Path dir;

    @Test
    @NativeOnly("residency (mincore)")
    void mapsAndPrefaultsOffTheCallersThread() throws Exception {
        AtomicReference<Thread> runner = new AtomicReference<>();
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            CompletableFuture<MemoryMap> future = MemoryMap.createAnonymousAsync(8 << 20, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE, command -> executor.execute(() -> {
                        runner.set(Thread.currentThread());
                        command.run();
                    }));
            try (MemoryMap map = future.get()) {
                assertEquals(map.size() / map.pageSize(), map.residentPages(), "every page is faulted in");
            }
            assertNotEquals(Thread.currentThread(), runner.get());
        } finally {
            executor.shutdown();
        }
    }

    @Test
    @NativeOnly("residency (mincore)")
    void theDefaultExecutorIsAVirtualThread() throws Exception {
        Path file = Files.write(dir.resolve("f.bin"), new byte[1 << 20]);
        try (MemoryMap map = MemoryMap.createFileMappingAsync(file, 0, 1 << 20, PROT_READ, MAP_SHARED).get()) {
            assertEquals(256, map.residentPages());
        }
        try (MemoryMap map = MemoryMap.createAnonymousAsync(4096, PROT_READ | PROT_WRITE, MAP_PRIVATE).get()) {
            assertEquals(1, map.residentPages());
        }
    }

    @Test
    void aFailureCompletesTheFutureExceptionally() {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> MemoryMap.createAnonymousAsync(0, PROT_READ, MAP_PRIVATE).get());
        assertInstanceOf(MMapInvalidParameterException.class, e.getCause());
        ExecutionException missing = assertThrows(ExecutionException.class, () -> MemoryMap.createFileMappingAsync(
                dir.resolve("missing"), 0, 4096, PROT_READ, MAP_SHARED).get());
        assertTrue(missing.getCause().getMessage().contains("does not exist"));
    }

    @Test
    void cancelledFuturesLeakNoMapping() throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(2);
        try {
            executor.submit(() -> { }).get(); // start the pool's threads before counting
            executor.submit(() -> { }).get();
            long before = mappingCount();
            List<CompletableFuture<MemoryMap>> futures = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                CompletableFuture<MemoryMap> future = MemoryMap.createAnonymousAsync(256 << 10,
                        PROT_READ | PROT_WRITE, MAP_PRIVATE, executor);
                future.cancel(true);
                futures.add(future);
            }
            executor.shutdown();
            assertTrue(executor.awaitTermination(2, TimeUnit.MINUTES));
            // A future that completed before its cancel arrived owns a live mapping: its caller closes it.
            long cancelled = futures.stream().filter(CompletableFuture::isCancelled).count();
            futures.stream().filter(f -> !f.isCancelled()).forEach(f -> f.join().close());
            System.out.println(cancelled + " of 1,000 futures were cancelled before completing");
            assertTrue(cancelled > 0);
            long after = mappingCount();
            System.out.println("/proc/self/maps lines: " + before + " before, " + after + " after 1,000 cancels");
            // The JVM itself maps and unmaps now and then; a leak would add up to 1,000 lines.
            assertTrue(after - before < 10, "mappings leaked: " + before + " lines before, " + after + " after");
        } finally {
            executor.shutdownNow();
        }
    }

    private static long mappingCount() throws IOException {
        try (var lines = Files.lines(Path.of("/proc/self/maps"))) {
            return lines.count();
        }
    }
}
