package dev.mman.bench;

import dev.mman.Mman;
import dev.mman.MemoryMap;
import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The control calls on one 4 KiB page, where the system call itself is short and mman's own
 * cost around it (argument checks, the lock, errno capture) is visible.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED",
        "--sun-misc-unsafe-memory-access=allow"})
public class ControlBench {

    private static final int PAGE = 4096;
    private static final int READ_WRITE = Mman.PROT_READ | Mman.PROT_WRITE;

    private MemoryMap anonymous;
    private Path file;
    private MemoryMap mapped;
    private FileChannel channel;
    private MappedByteBuffer buffer;

    /** Maps one anonymous page and one page of a file, both faulted in. */
    @Setup
    public void setUp() throws IOException {
        anonymous = MemoryMap.createAnonymous(PAGE);
        anonymous.fill((byte) 1);
        file = BenchFiles.create(PAGE);
        mapped = MemoryMap.createFileMapping(file, 0, PAGE, READ_WRITE, Mman.MAP_SHARED);
        channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        buffer = channel.map(FileChannel.MapMode.READ_WRITE, 0, PAGE);
    }

    /** Unmaps and deletes. */
    @TearDown
    public void tearDown() throws IOException {
        anonymous.close();
        mapped.close();
        channel.close();
        BenchFiles.delete(file);
    }

    /** mprotect to the rights the page has: the call with nothing to revoke. */
    @Benchmark
    public void mprotect_mman() {
        anonymous.mprotect(READ_WRITE);
    }

    /**
     * Read-only and back: taking write away invalidates every view first (a shared arena
     * close), which is the price of never faulting on a stale writable view.
     */
    @Benchmark
    public void mprotectToggle_mman() {
        anonymous.mprotect(Mman.PROT_READ);
        anonymous.mprotect(READ_WRITE);
    }

    /** mlock then munlock. */
    @Benchmark
    public void mlock_mman() {
        anonymous.mlock();
        anonymous.munlock();
    }

    /** msync(MS_SYNC) of a clean file page. */
    @Benchmark
    public void msync_mman() {
        mapped.msync(0, PAGE, Mman.MS_SYNC);
    }

    /** The JDK's msync: {@code MappedByteBuffer.force} of the same page. */
    @Benchmark
    public void msync_mappedByteBuffer() {
        buffer.force(0, PAGE);
    }
}
