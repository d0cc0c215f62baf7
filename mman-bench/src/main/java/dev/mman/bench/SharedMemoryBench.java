package dev.mman.bench;

import dev.mman.SharedMemory;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Named shared memory: creating (and removing) an object, and opening an existing one, each
 * mapped and unmapped without touching it. The JDK contender goes through {@code /dev/shm}, which
 * is where Linux keeps POSIX shared memory, so both name the same kind of object.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED",
        "--sun-misc-unsafe-memory-access=allow"})
public class SharedMemoryBench {

    private static final Path SHM_DIRECTORY = Path.of("/dev/shm");

    /** Bytes per object. */
    @Param({"4096", "1048576"})
    public int mapSize;

    /** Created and removed by every create operation. */
    private String freshName;
    /** Exists for the whole trial, for the open operations; without a slash, as in /dev/shm. */
    private String existingName;
    private SharedMemory existing;

    /** Creates the object that the open workloads open. */
    @Setup
    public void setUp() {
        long pid = ProcessHandle.current().pid();
        freshName = "mman-bench-fresh-" + pid;
        existingName = "mman-bench-existing-" + pid;
        existing = SharedMemory.create(existingName, mapSize);
    }

    /** Removes it, and a fresh object that a failed operation may have left. */
    @TearDown
    public void tearDown() {
        existing.unlink();
        existing.close();
        SharedMemory.unlink(freshName);
    }

    /** mman: shm_open(O_CREAT|O_EXCL), ftruncate, mmap; then shm_unlink and munmap. */
    @Benchmark
    public long create_mman() {
        try (SharedMemory shm = SharedMemory.create(freshName, mapSize)) {
            shm.unlink();
            return shm.address();
        }
    }

    /** The JDK: a new file in /dev/shm, grown by mapping it read-write, then deleted. */
    @Benchmark
    public long create_fileChannel() throws IOException {
        Path file = SHM_DIRECTORY.resolve(freshName);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment segment;
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                segment = channel.map(FileChannel.MapMode.READ_WRITE, 0, mapSize, arena);
            }
            Files.delete(file);
            return segment.address();
        }
    }

    /** mman: shm_open of an existing name, fstat for its size, mmap; then munmap. */
    @Benchmark
    public long open_mman() {
        try (SharedMemory shm = SharedMemory.open(existingName)) {
            return shm.address();
        }
    }

    /** The JDK: open the file in /dev/shm, ask its size, map it; then both closed. */
    @Benchmark
    public long open_fileChannel() throws IOException {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment segment;
            try (FileChannel channel = FileChannel.open(SHM_DIRECTORY.resolve(existingName),
                    StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                segment = channel.map(FileChannel.MapMode.READ_WRITE, 0, channel.size(), arena);
            }
            return segment.address();
        }
    }
}
