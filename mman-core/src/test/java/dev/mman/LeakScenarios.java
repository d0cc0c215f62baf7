package dev.mman;

import static dev.mman.Mman.MAP_PRIVATE;
import static dev.mman.Mman.MAP_SHARED;
import static dev.mman.Mman.PROT_READ;
import static dev.mman.Mman.PROT_WRITE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The child-JVM side of {@link LeakTest}: runs many calls that fail, or many mappings that are
 * created, touched and closed, and prints the process's descriptors, mappings and resident memory
 * before and after, so that the test can see that nothing grew.
 */
public final class LeakScenarios {

    private LeakScenarios() {}

    /** A call that is expected to throw one of mman's exceptions. */
    @FunctionalInterface
    private interface Failing {
        void run() throws Exception;
    }

    /**
     * Runs one scenario.
     *
     * @param args the scenario ({@code failures} or {@code cycles}), the count, and a directory for files
     * @throws Exception when the scenario cannot be set up
     */
    public static void main(String[] args) throws Exception {
        int count = Integer.parseInt(args[1]);
        Path dir = Path.of(args[2]);
        Path file = dir.resolve("data.bin");
        Files.write(file, new byte[64 << 10]);
        switch (args[0]) {
            case "failures" -> failures(count, dir, file);
            case "cycles" -> cycles(count, file);
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    private static void failures(int count, Path dir, Path file) throws IOException {
        List<Failing> kinds = List.of(
                () -> MemoryMap.createAnonymous(-1),
                () -> MemoryMap.createFileMapping(dir.resolve("missing.bin"), 0, 4096, PROT_READ, MAP_SHARED),
                () -> MemoryMap.createFileMapping(file, 0, 1 << 20, PROT_READ, MAP_SHARED), // past the end
                () -> MemoryMap.createFileMapping(dir, 0, 4096, PROT_READ, MAP_SHARED), // a directory
                () -> SharedMemory.open("mman-leak-test-never-created"),
                () -> {
                    try (MemoryMap closed = MemoryMap.createAnonymous(4096)) {
                        closed.close();
                        closed.read(1, 0); // closed
                    }
                });
        // Warm up once so that class loading and the JIT's first buffers are in the "before" figures.
        runFailures(kinds, 1_000);
        report("BEFORE");
        runFailures(kinds, count);
        report("AFTER");
    }

    private static void runFailures(List<Failing> kinds, int count) {
        for (Failing kind : kinds) {
            for (int i = 0; i < count; i++) {
                try {
                    kind.run();
                    throw new AssertionError("call " + kinds.indexOf(kind) + " did not fail");
                } catch (MMapException expected) {
                    // the documented outcome
                } catch (Exception other) {
                    throw new AssertionError("call " + kinds.indexOf(kind) + " failed with " + other, other);
                }
            }
        }
    }

    private static void cycles(int count, Path file) {
        runCycles(10_000, file);
        report("BEFORE");
        runCycles(count, file);
        report("AFTER");
    }

    /** Maps, writes through a view (so that a view arena is made and retired), and closes. */
    private static void runCycles(int count, Path file) {
        for (int i = 0; i < count; i++) {
            try (MemoryMap anonymous = MemoryMap.createAnonymous(4096, PROT_READ | PROT_WRITE, MAP_PRIVATE)) {
                anonymous.asSegment().set(JAVA_LONG, 0, i);
            }
            if (i % 10 == 0) {
                try (MemoryMap mapped = MemoryMap.createFileMapping(file, 0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED)) {
                    mapped.write(new byte[] {(byte) i}, 8);
                }
            }
        }
        Placeholders.drain();
    }

    private static void report(String when) {
        System.gc();
        System.out.println(when + " fds=" + count(Path.of("/proc/self/fd")) + " maps=" + lines(Path.of("/proc/self/maps"))
                + " rssKiB=" + rssKiB() + " live=" + MappingBudget.live());
    }

    private static long count(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.count();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long lines(Path file) {
        try {
            return Files.readAllLines(file).size();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long rssKiB() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS:"))
                    .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElse(-1);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
