package dev.mman;

import dev.mman.testing.Caught;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The child-JVM side of {@link PrefaultFaultTest}: prefaults of a sparse file on a full tmpfs,
 * where every read of a hole needs a page the file system cannot give, on every backend, through
 * {@code populate()} and {@code mapAsync()}; then an executor that refuses the task.
 */
public final class PrefaultFaultScenario {

    private PrefaultFaultScenario() {}

    /**
     * Runs the scenario.
     *
     * @param args the tmpfs mount point
     * @throws Exception when the file cannot be made
     */
    public static void main(String[] args) throws Exception {
        Path sparse = Path.of(args[0]).resolve("sparse.bin");
        try (RandomAccessFile raf = new RandomAccessFile(sparse.toFile(), "rw")) {
            raf.setLength(32L << 20); // sixteen times the tmpfs
        }
        for (Backend backend : Backend.values()) {
            String name = backend.name().toLowerCase(Locale.ROOT);
            MapOptions options = MapOptions.file(sparse).access(Access.READ).backend(backend).prefaultThreads(2);
            Caught.report("populate-" + name, () -> options.populate().map().close());
            Caught.report("async-" + name, () -> unwrap(() -> options.mapAsync().get().close()));
            if (backend == Backend.NATIVE) {
                Caught.report("madvise-" + name, () -> {
                    try (MemoryMap m = options.map()) {
                        m.madvise(0, m.size(), Advice.POPULATE);
                    }
                });
            }
            if (backend == Backend.JDK) {
                // NIO buffers wait for the collector; NATIVE and JDK mappings must already be gone.
                System.out.println("STILL-MAPPED " + Files.readAllLines(Path.of("/proc/self/maps")).stream()
                        .filter(line -> line.endsWith(sparse.toString())).count());
            }
        }
        ExecutorService stopped = Executors.newSingleThreadExecutor();
        stopped.shutdown();
        Caught.report("rejected", () -> unwrap(() -> MapOptions.anonymous(1 << 20).mapAsync(stopped).get().close()));
        System.out.println("PREFAULT-THREADS " + Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith("mman-prefault")).count());
    }

    /** Reports what the future failed with, not the {@link ExecutionException} around it. */
    private static void unwrap(Caught.Action action) throws Throwable {
        try {
            action.run();
        } catch (ExecutionException failed) {
            throw failed.getCause();
        }
    }
}
