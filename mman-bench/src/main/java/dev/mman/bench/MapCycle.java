package dev.mman.bench;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What {@link LifecycleBench} and {@link MapTouchBench} share: one mapping of {@code mapSize}
 * bytes per operation, anonymous or of a file made for the trial, and the JDK's way of mapping
 * that file. The two differ only in whether the operation touches the memory.
 */
@State(Scope.Benchmark)
public abstract class MapCycle {

    /** Bytes per mapping. */
    @Param({"4096", "1048576"})
    public int mapSize;

    /** The file that the file workloads map, {@code mapSize} bytes. */
    protected Path file;

    /** Creates the file. */
    @Setup
    public void setUp() {
        file = BenchFiles.create(mapSize);
    }

    /** Deletes it. */
    @TearDown
    public void tearDown() {
        BenchFiles.delete(file);
    }

    /**
     * The JDK's file mapping: {@code FileChannel.map(READ_WRITE, ..., arena)}, the channel closed
     * at once as mman closes its descriptor; the mapping lives until {@code arena} closes.
     */
    protected MemorySegment mapWithChannel(Arena arena) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            return channel.map(FileChannel.MapMode.READ_WRITE, 0, mapSize, arena);
        }
    }
}
