package dev.mman.bench;

import dev.mman.Mman;
import dev.mman.MemoryMap;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;

/**
 * Creating and closing a mapping without touching it. For files every contender opens the file,
 * maps it and closes both, as mman's path-taking factory does; the C baseline does the same.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED",
        "--sun-misc-unsafe-memory-access=allow"})
public class LifecycleBench extends MapCycle {

    /** mman: anonymous map and unmap. */
    @Benchmark
    public long anon_mman() {
        try (MemoryMap map = MemoryMap.createAnonymous(mapSize)) {
            return map.address();
        }
    }

    /** The JDK's off-heap allocation with a shared arena, the usual Java substitute. */
    @Benchmark
    public long anon_arena() {
        try (Arena arena = Arena.ofShared()) {
            return arena.allocate(mapSize, 4096).address();
        }
    }

    /** mman: open, map shared read-write, close the file, unmap. */
    @Benchmark
    public long file_mman() {
        try (MemoryMap map = MemoryMap.createFileMapping(file, 0, mapSize,
                Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_SHARED)) {
            return map.address();
        }
    }

    /** The JDK: {@code FileChannel.map(..., Arena.ofShared())}, then both closed. */
    @Benchmark
    public long file_fileChannel() throws IOException {
        try (Arena arena = Arena.ofShared()) {
            return mapWithChannel(arena).address();
        }
    }
}
