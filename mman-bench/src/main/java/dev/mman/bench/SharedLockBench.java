package dev.mman.bench;

import dev.mman.SharedMemory;
import dev.mman.ipc.SharedLock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
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
 * Uncontended lock + unlock of a {@link SharedLock} in named shared memory (goal: at most 30 ns),
 * beside the JDK's in-process {@link ReentrantLock}, which a user would otherwise pick.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED",
        "--sun-misc-unsafe-memory-access=allow"})
public class SharedLockBench {

    private SharedMemory shm;
    private SharedLock lock;
    private final ReentrantLock reentrantLock = new ReentrantLock();

    /** Creates the shared memory and formats the lock; the name is removed at once. */
    @Setup
    public void setUp() {
        shm = BenchFiles.unlinkedSharedMemory("lock", 4096);
        lock = SharedLock.format(shm, 0);
    }

    /** Unmaps. */
    @TearDown
    public void tearDown() {
        shm.close();
    }

    /** One uncontended acquisition and release: one CAS and one atomic exchange, no system call. */
    @Benchmark
    public void lockUnlock_mman() {
        lock.lock();
        lock.unlock();
    }

    /** The same with {@code java.util.concurrent.locks.ReentrantLock} (one process only). */
    @Benchmark
    public void lockUnlock_reentrantLock() {
        reentrantLock.lock();
        reentrantLock.unlock();
    }
}
