package dev.mman.pool;

import static dev.mman.Mman.MAP_SHARED;
import static dev.mman.Mman.PROT_READ;
import static dev.mman.Mman.PROT_WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.MMapException;
import dev.mman.MemoryMap;
import dev.mman.SharedMemory;
import dev.mman.testing.Caught;
import dev.mman.testing.ChildJvm;
import dev.mman.testing.ChildResult;
import dev.mman.testing.RunningChild;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Other processes that do what the pool cannot prevent: shrink the object under it, scribble on
 * its header, bitmap and owner table, or die holding blocks. Each pool user runs in a child JVM,
 * which must end cleanly (exit 0, no crash log) with the documented exception or outcome.
 */
class MemoryPoolHostilePeersTest {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    /** A child may not use more heap than this, so a header that talks the pool into a giant allocation fails. */
    private static final String SMALL_HEAP = "-Xmx64m";
    /** Every call the shrink scenario makes: it views what allocate hands out, so each must throw. */
    private static final List<String> TRUNCATED_CALLS = List.of("allocate", "tryAllocate", "free", "view",
            "available", "reclaimDead", "attach", "format");

    @TempDir
    Path dir;

    private final String shmName = "mman-hostile-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();

    /**
     * A peer shrinks the object to {@code newSize} while a child holds a block; warm-up 0 runs the
     * pool interpreted, 300,000 cycles run it compiled. Every call then throws MMapException.
     */
    @ParameterizedTest
    @CsvSource({"file, 0, 0", "file, 300000, 0", "file, 0, 4096", "shm, 0, 0", "shm, 300000, 0"})
    void aPeerThatShrinksTheObjectGetsExceptionsNotACrash(String kind, long warmUp, long newSize) throws IOException {
        long size = MemoryPool.requiredSize(64, 2000);
        Path object;
        if (kind.equals("shm")) {
            object = Path.of("/dev/shm", shmName);
            Assumptions.assumeTrue(Files.isDirectory(object.getParent()), "shared memory shows in /dev/shm on Linux");
        } else {
            object = Files.write(dir.resolve("pool"), new byte[(int) size]);
        }
        try (MemoryMap map = kind.equals("shm") ? SharedMemory.create(shmName, size)
                : MemoryMap.createFileMapping(object, 0, size, PROT_READ | PROT_WRITE, MAP_SHARED)) {
            MemoryPool.format(map, 64);
            Path go = dir.resolve("go");
            RunningChild child = ChildJvm.in(dir).withOptions(SMALL_HEAP).start(PoolTruncationScenario.class.getName(),
                    kind, kind.equals("shm") ? shmName : object.toString(), go.toString(), String.valueOf(warmUp));
            child.awaitLine("READY");
            try (FileChannel channel = FileChannel.open(object, StandardOpenOption.WRITE)) {
                channel.truncate(newSize);
            }
            Files.createFile(go);
            ChildResult result = child.awaitExit().assertCleanExit();
            String named = kind.equals("shm") ? "shared memory /" + shmName : "file " + object;
            for (String call : TRUNCATED_CALLS) {
                if (newSize > 0 && (call.equals("free") || call.equals("view"))) {
                    // The held block's bookkeeping may lie in the page that survived: free only touches
                    // that (and succeeds), after which view finds the block free.
                    assertReturnedOrRefused(result, call);
                    continue;
                }
                String message = Caught.assertCaught(result, call, MMapException.class);
                assertTrue(message.contains(named + ",") && message.contains("no longer covers the pool's"),
                        call + ": " + message);
                if (!call.equals("attach") && !call.equals("format")) {
                    assertTrue(message.contains("on MemoryPool[2000 blocks of 64 bytes"), call + ": " + message);
                }
            }
            result.line("SURVIVED");
        } finally {
            SharedMemory.unlink(shmName);
        }
    }

    /**
     * A peer writes every header field at every boundary value, under the stale checksum and a
     * forged one, and a child attaches and uses the pool after each: every case ends refused or
     * working, the child exits cleanly, and it never needs more than its small heap.
     */
    @Test
    void aPeerThatScribblesOnTheHeaderGetsRefusalsOrAWorkingPool() {
        try (SharedMemory memory = SharedMemory.create(shmName, 32 * 1024)) {
            ChildResult result = ChildJvm.in(dir).withOptions(SMALL_HEAP).run(PoolCorruptionScenario.class, shmName)
                    .assertCleanExit();
            assertEquals(List.of(), result.lines("BROKEN"));
            String cases = result.line("CASES ");
            assertTrue(cases.matches("CASES \\d+ accepted \\d+ broken 0 handed out \\d+"), cases);
            System.out.println(cases);
        } finally {
            SharedMemory.unlink(shmName);
        }
    }

    /** Asserts that the labelled call either returned or threw an {@link MMapException}. */
    private static void assertReturnedOrRefused(ChildResult result, String label) {
        List<String> outcomes = result.lines("RETURNED [" + label + "]");
        if (outcomes.isEmpty()) {
            Caught.assertCaught(result, label, MMapException.class);
        }
    }
}
