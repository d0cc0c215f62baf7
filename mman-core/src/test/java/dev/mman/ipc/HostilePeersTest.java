package dev.mman.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mman.MMapException;
import dev.mman.SharedMemory;
import dev.mman.testing.Caught;
import dev.mman.testing.ChildJvm;
import dev.mman.testing.ChildResult;
import dev.mman.testing.RunningChild;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Peers that shrink the shared object, die as consumers or producers, or die mid-wrap, each in
 * a real process: every call ends in its documented exception or outcome, within a bound, and no
 * JVM crashes.
 */
class HostilePeersTest {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    /** Far more than any outcome needs: a bound against hangs, not a measurement. */
    private static final long BOUND_SECONDS = 30;
    private static final List<String> LOCK_CALLS = List.of("lock.lock", "lock.tryLock", "lock.tryLock-timeout",
            "lock.ownerPid", "lock.attach", "held.markConsistent", "held.unlock");
    private static final List<String> RING_CALLS = List.of("spsc.tryWrite", "spsc.write", "spsc.read",
            "spsc.read-timeout", "spsc.attach", "spsc.producersAlive", "spsc.consumerAlive", "mpsc.tryWrite",
            "mpsc.slotless-tryWrite", "mpsc.read", "mpsc.read-timeout", "mpsc.attach", "mpsc.producersAlive");

    @TempDir
    Path dir;

    private final String name = "mman-hostile-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
    private final ExecutorService background = Executors.newCachedThreadPool();

    @AfterEach
    void cleanUp() {
        background.shutdownNow();
        SharedMemory.unlink(name);
    }

    // ---------------------------------------------------------------- the JDK, pinned

    /**
     * What the guard rests on: the JDK turns SIGBUS of a plain, volatile or guarded access into
     * an InternalError, in the interpreter and once compiled (synchronously, after warm-up rounds).
     */
    @ParameterizedTest
    @ValueSource(strings = {"-Xint 0", "-XX:-BackgroundCompilation 100000"})
    void theJdkGuardsPlainAccessesToAShrunkMapping(String mode) {
        String[] jit = mode.split(" ");
        List<String> accesses = List.of("get", "getVolatile", "set", "guarded-cas");
        ChildResult child = ChildJvm.in(dir).withOptions(jit[0])
                .run(HostilePeer.class, "pin", dir.toString(), String.join(",", accesses), jit[1]).assertCleanExit();
        for (String access : accesses) {
            String message = Caught.assertCaught(child, access, InternalError.class);
            assertTrue(message.contains("a fault occurred in an unsafe memory access operation"), message);
        }
    }

    /**
     * Why the guard exists: the interpreter's compare-and-set on a shrunk mapping kills the JVM.
     * When this fails, the JDK has fixed it: the "Hostile peers" sections of SharedLock and
     * RingBuffer, and StructureGuard, describe a hole that no longer exists; update them.
     */
    @Test
    void theJdkCrashesOnAnInterpretedCompareAndSetOnAShrunkMapping() throws IOException {
        // Deeper than the five levels below /tmp that CI searches for crash logs; deleted below anyway.
        Path crashes = Files.createDirectories(dir.resolve("a/b/c/d/e/f"));
        try {
            ChildResult child = ChildJvm.in(crashes).withOptions("-Xint", "-XX:-CreateCoredumpOnCrash")
                    .run(HostilePeer.class, "pin", dir.toString(), "raw-cas", "0");
            assertNotEquals(0, child.exitCode(), "the JDK now survives an interpreted compare-and-set on a "
                    + "truncated mapping: update the javadoc of SharedLock, RingBuffer and StructureGuard, "
                    + "which say it crashes\n" + child.stdout());
            assertEquals(1, child.crashLogs().size(), "a crash writes its log: " + child.stderr());
            String log = Files.readString(child.crashLogs().get(0));
            assertTrue(log.contains("SIGBUS") && log.contains("Unsafe_CompareAndSetLong"),
                    "the crash is the SIGBUS in the compare-and-set");
        } finally {
            try (var logs = Files.list(crashes)) {
                for (Path log : logs.toList()) {
                    Files.delete(log);
                }
            }
        }
    }

    // ---------------------------------------------------------------- shrinking

    @ParameterizedTest
    @ValueSource(strings = {"-Xint", "-XX:+UseSerialGC"})
    void everyCallOnAShrunkFileEndsInAnMMapException(String mode) throws IOException {
        Path file = dir.resolve("object");
        Files.write(file, new byte[(int) HostilePeer.OBJECT_BYTES]);
        assertAllShrunk(ChildJvm.in(dir).withOptions(mode).run(HostilePeer.class, "truncate", file.toString(), "0"));
    }

    @Test
    void everyCallOnAShrunkSharedMemoryObjectEndsInAnMMapException() {
        assumeTrue(Files.isDirectory(Path.of("/dev/shm")), "POSIX shared memory objects show in /dev/shm");
        try (SharedMemory shm = SharedMemory.create(name, HostilePeer.OBJECT_BYTES)) {
            assertAllShrunk(ChildJvm.in(dir).withOptions("-Xint").run(HostilePeer.class, "truncate", "shm:" + name,
                    "0"));
        }
    }

    private static void assertAllShrunk(ChildResult child) {
        child.assertCleanExit();
        for (String call : concat(LOCK_CALLS, RING_CALLS)) {
            String message = Caught.assertCaught(child, call, MMapException.class);
            assertTrue(message.contains("found the shared object shorter than the structure"), call + ": " + message);
            assertTrue(message.contains(" at offset ") && message.contains(" of MemoryMap[") || message.contains(
                    " of SharedMemory"), call + " names the structure and the mapping: " + message);
        }
        Caught.assertReturned(child, "toString");
        Caught.assertReturned(child, "mpsc.close");
    }

    @Test
    void aShrinkThatSparesTheLockLeavesItWorkingAndFailsOnlyTheRings() throws IOException {
        Path file = dir.resolve("object");
        Files.write(file, new byte[(int) HostilePeer.OBJECT_BYTES]);
        ChildResult child = ChildJvm.in(dir).withOptions("-Xint")
                .run(HostilePeer.class, "truncate", file.toString(), "4096").assertCleanExit();
        Caught.assertReturned(child, "lock.lock");
        Caught.assertReturned(child, "held.unlock");
        for (String call : RING_CALLS) {
            Caught.assertCaught(child, call, MMapException.class);
        }
    }

    @Test
    void aWaiterOnALockWhoseObjectShrinksGetsAnMMapException() throws IOException {
        Path file = dir.resolve("object");
        Files.write(file, new byte[(int) HostilePeer.OBJECT_BYTES]);
        RunningChild child = ChildJvm.in(dir).start(HostilePeer.class.getName(), "wait-truncated", file.toString());
        child.awaitLine("WAITING");
        HostilePeer.shrink(file.toString(), 0);
        ChildResult result = child.awaitExit().assertCleanExit();
        assertTrue(Caught.assertCaught(result, "waiter.lock", MMapException.class).contains("shorter than"));
    }

    // ---------------------------------------------------------------- dying peers

    @ParameterizedTest
    @ValueSource(strings = {"spsc", "mpsc"})
    void aProducerBlockedOnAFullRingLearnsThatTheConsumerDied(String kind) throws Exception {
        try (SharedMemory shm = SharedMemory.create(name, 1 << 16)) {
            RingBuffer ring = kind.equals("spsc") ? SpscRingBuffer.format(shm, 0, 4096)
                    : MpscRingBuffer.format(shm, 0, 4096, 2, Duration.ofSeconds(1));
            assertTrue(ring.tryWrite(1, new byte[8]));
            RunningChild consumer = ChildJvm.in(dir).start(HostilePeer.class.getName(), "consume", name, kind);
            long consumerPid = Long.parseLong(consumer.awaitLine("READ ").substring(5));
            while (ring.tryWrite(1, new byte[56])) {
                assertTrue(ring.consumerAlive());
            }
            Future<?> blocked = background.submit(() -> {
                ring.write(1, new byte[56]);
                return null;
            });
            consumer.killForcibly().assertNoCrash();
            ExecutionException ended = assertThrows(ExecutionException.class,
                    () -> blocked.get(BOUND_SECONDS, TimeUnit.SECONDS));
            ConsumerDiedException died = assertInstanceOf(ConsumerDiedException.class, ended.getCause());
            assertEquals(consumerPid, died.pid());
            assertTrue(died.getMessage().contains("process " + consumerPid + ", has exited"), died.getMessage());
            assertFalse(ring.consumerAlive());
            assertThrows(ConsumerDiedException.class, () -> ring.write(1, new byte[56]), "and so does a new write");
            // A new consumer takes over: it reads what was left, and writes go on.
            assertTrue(ring.read((t, b, o, l) -> { }, 1000) > 0);
            assertTrue(ring.consumerAlive());
            ring.write(1, new byte[56]);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"spsc", "mpsc"})
    void aConsumerLearnsThatItsProducerDiedAndReadsEverythingItWrote(String kind) {
        try (SharedMemory shm = SharedMemory.create(name, 1 << 16)) {
            RingBuffer ring = kind.equals("spsc") ? SpscRingBuffer.format(shm, 0, 4096)
                    : MpscRingBuffer.format(shm, 0, 4096, 2, Duration.ofSeconds(1));
            assertTrue(ring.producersAlive(), "nobody has written yet");
            RunningChild producer = ChildJvm.in(dir).start(HostilePeer.class.getName(), "produce", name, kind, "5");
            producer.awaitLine("WROTE");
            assertTrue(ring.producersAlive());
            producer.killForcibly().assertNoCrash();
            assertFalse(ring.producersAlive());
            assertEquals(5, ring.read((t, b, o, l) -> { }, 100));
            assertEquals(0, ring.read((t, b, o, l) -> { }, 100));
        }
    }

    /** Issue item 7, with a real death: the successor's first records used to land where the consumer had passed. */
    @Test
    void aProducerKilledAfterTheWrapPaddingLosesNoRecordOfItsSuccessor() throws InterruptedException {
        try (SharedMemory shm = SharedMemory.create(name, SpscRingBuffer.requiredBytes(4096))) {
            SpscRingBuffer consumer = SpscRingBuffer.format(shm, 0, 4096);
            RunningChild dying = ChildJvm.in(dir).start(HostilePeer.class.getName(), "wrap-and-die", name);
            dying.awaitLine("WRITTEN");
            int read = 0;
            while (read < 31) {
                read += consumer.read((t, b, o, l) -> { }, 100, Duration.ofSeconds(BOUND_SECONDS));
            }
            dying.awaitLine("CLAIMED");
            assertEquals(0, consumer.read((t, b, o, l) -> { }, 100), "the padding is read, the record not published");
            dying.killForcibly().assertNoCrash();
            assertFalse(consumer.producersAlive());
            SpscRingBuffer successor = SpscRingBuffer.attach(shm, 0);
            for (int type = 11; type <= 14; type++) {
                successor.write(type, new byte[16]);
            }
            assertTrue(consumer.producersAlive());
            List<Integer> types = new ArrayList<>();
            while (types.size() < 4) {
                assertTrue(consumer.read((t, b, o, l) -> types.add(t), 100, Duration.ofSeconds(BOUND_SECONDS)) > 0,
                        "records lost: " + types);
            }
            assertEquals(List.of(11, 12, 13, 14), types);
        }
    }

    private static <T> T assertInstanceOf(Class<T> type, Throwable t) {
        return org.junit.jupiter.api.Assertions.assertInstanceOf(type, t);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
