package dev.mman.bench;

import dev.mman.Mman;
import dev.mman.MemoryMap;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
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
 * Bulk copies between a Java array and a shared file mapping, through mman and through each
 * mapping a Java program could use instead. All of them map the same file, whose pages stay in
 * the page cache, so the figures compare the copy paths and not the disk.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "--enable-native-access=ALL-UNNAMED",
        "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED",
        "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
        "--sun-misc-unsafe-memory-access=allow"})
public class FileCopyBench {

    /** Bytes per copy. */
    @Param({"1048576", "268435456"})
    public int copySize;

    private Path file;
    private MemoryMap map;
    private FileChannel channel;
    private MappedByteBuffer buffer;
    private Arena arena;
    private MemorySegment segment;
    private MappedByteBuffer agronaMapping;
    private UnsafeBuffer agrona;
    private byte[] source;
    private byte[] target;

    /** Creates the file and maps it four ways; each mapping is faulted in once. */
    @Setup
    public void setUp() throws IOException {
        file = BenchFiles.create(copySize);
        map = MemoryMap.createFileMapping(file, 0, copySize, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_SHARED);
        channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        buffer = channel.map(FileChannel.MapMode.READ_WRITE, 0, copySize);
        arena = Arena.ofShared();
        segment = channel.map(FileChannel.MapMode.READ_WRITE, 0, copySize, arena);
        agronaMapping = IoUtil.mapExistingFile(file.toFile(), "bench");
        agrona = new UnsafeBuffer(agronaMapping);
        source = BenchFiles.pattern(copySize);
        target = new byte[copySize];
        map.write(source, 0);
        buffer.put(0, source);
        MemorySegment.copy(source, 0, segment, ValueLayout.JAVA_BYTE, 0, copySize);
        agrona.putBytes(0, source);
    }

    /** Unmaps everything and deletes the file. */
    @TearDown
    public void tearDown() throws IOException {
        map.close();
        arena.close();
        IoUtil.unmap(agronaMapping);
        IoUtil.unmap(buffer);
        channel.close();
        BenchFiles.delete(file);
    }

    /** mman: copies into an existing array, the same work as every other contender's read. */
    @Benchmark
    public byte[] read_mman() {
        map.read(0, target, 0, copySize);
        return target;
    }

    /** mman: a new array per call ({@code read(size, offset)}), for context: it also allocates and zeroes. */
    @Benchmark
    public byte[] readNewArray_mman() {
        return map.read(copySize, 0);
    }

    /** mman: the array copied in. */
    @Benchmark
    public int write_mman() {
        return map.write(source, 0);
    }

    /** {@code MappedByteBuffer}: absolute bulk get. */
    @Benchmark
    public byte[] read_mappedByteBuffer() {
        buffer.get(0, target);
        return target;
    }

    /** {@code MappedByteBuffer}: absolute bulk put. */
    @Benchmark
    public java.nio.ByteBuffer write_mappedByteBuffer() {
        return buffer.put(0, source);
    }

    /** {@code FileChannel.map(..., Arena)}: {@code MemorySegment.copy} out. */
    @Benchmark
    public byte[] read_segment() {
        MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, 0, target, 0, copySize);
        return target;
    }

    /** {@code FileChannel.map(..., Arena)}: {@code MemorySegment.copy} in. */
    @Benchmark
    public MemorySegment write_segment() {
        MemorySegment.copy(source, 0, segment, ValueLayout.JAVA_BYTE, 0, copySize);
        return segment;
    }

    /** Agrona: {@code UnsafeBuffer.getBytes} over {@code IoUtil.mapExistingFile}. */
    @Benchmark
    public byte[] read_agrona() {
        agrona.getBytes(0, target);
        return target;
    }

    /** Agrona: {@code UnsafeBuffer.putBytes}. */
    @Benchmark
    public UnsafeBuffer write_agrona() {
        agrona.putBytes(0, source);
        return agrona;
    }
}
