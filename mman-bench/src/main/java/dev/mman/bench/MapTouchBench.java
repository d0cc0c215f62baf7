package dev.mman.bench;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import dev.mman.Access;
import dev.mman.Mman;
import dev.mman.MapOptions;
import dev.mman.MemoryMap;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;

/**
 * A mapping that is used once: map, write one byte through a view, close. Unlike
 * {@link LifecycleBench}, the view makes mman's close retire a shared arena. Confined mappings
 * add {@code anonConfined_mman} and {@code fileConfined_mman}; the report shows them beside the
 * baselines of {@code anon} and {@code file}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED",
        "--sun-misc-unsafe-memory-access=allow"})
public class MapTouchBench extends MapCycle {

    private byte value;

    /** mman: anonymous map, one store through the view, close. */
    @Benchmark
    public long anon_mman() {
        try (MemoryMap map = MemoryMap.createAnonymous(mapSize)) {
            return touch(map.asSegment());
        }
    }

    /** mman, confined to this thread ({@code MapOptions.confined()}): map, one store, close with no handshake. */
    @Benchmark
    public long anonConfined_mman() {
        try (MemoryMap map = MapOptions.anonymous(mapSize).confined().map()) {
            return touch(map.asSegment());
        }
    }

    /** {@code Arena.ofShared()}: allocate, one store, close. */
    @Benchmark
    public long anon_arenaShared() {
        try (Arena arena = Arena.ofShared()) {
            return touch(arena.allocate(mapSize, 4096));
        }
    }

    /** {@code Arena.ofConfined()}: allocate, one store, close. */
    @Benchmark
    public long anon_arenaConfined() {
        try (Arena arena = Arena.ofConfined()) {
            return touch(arena.allocate(mapSize, 4096));
        }
    }

    /** mman: open, map shared read-write, close the file, one store, unmap. */
    @Benchmark
    public long file_mman() {
        try (MemoryMap map = MemoryMap.createFileMapping(file, 0, mapSize,
                Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_SHARED)) {
            return touch(map.asSegment());
        }
    }

    /** mman, confined: the file mapped shared read-write for this thread only, one store, unmapped. */
    @Benchmark
    public long fileConfined_mman() {
        try (MemoryMap map = MapOptions.file(file).length(mapSize).access(Access.READ, Access.WRITE).confined().map()) {
            return touch(map.asSegment());
        }
    }

    /** {@code FileChannel.map(..., Arena.ofShared())}, one store, both closed. */
    @Benchmark
    public long file_fileChannelShared() throws IOException {
        try (Arena arena = Arena.ofShared()) {
            return touch(mapWithChannel(arena));
        }
    }

    /** {@code FileChannel.map(..., Arena.ofConfined())}, one store, both closed. */
    @Benchmark
    public long file_fileChannelConfined() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            return touch(mapWithChannel(arena));
        }
    }

    private long touch(MemorySegment memory) {
        memory.set(JAVA_BYTE, 0, value++);
        return memory.address();
    }
}
