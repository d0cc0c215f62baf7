package dev.mman.pool;

import static dev.mman.Mman.MAP_SHARED;
import static dev.mman.Mman.PROT_READ;
import static dev.mman.Mman.PROT_WRITE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.Backend;
import dev.mman.MMapException;
import dev.mman.MemoryMap;
import dev.mman.testing.TestBackend;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Threads use a pool while another thread scribbles random and boundary values over its header,
 * bitmap and owner table through a second mapping, for a set time. Whatever they meet, every
 * call ends as documented and every offset handed out lies in the data area ({@link PoolTorture}).
 * The default run soaks for about 20 s on the default backend and 5 s on each of the others (the
 * pool code is the same on all three; only the mapping under it differs); the {@code stress} tag
 * soaks for ten minutes.
 */
class PoolCorruptionSoakTest {

    private static final long SIZE = 64 * 1024;
    private static final long[] BLOCK_SIZES = {8, 24, 64, 256, 4096};
    private static final int WORKERS = 2;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES) // a hang, not slowness: the soak ends itself after its time
    void randomScribblingForSecondsBreaksNoPromise() throws Exception {
        soak(TestBackend.current() == Backend.NATIVE ? Duration.ofSeconds(20) : Duration.ofSeconds(5));
    }

    @Test
    @Tag("stress")
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void randomScribblingForTenMinutesBreaksNoPromise() throws Exception {
        soak(Duration.ofMinutes(10));
    }

    private void soak(Duration duration) throws IOException, InterruptedException, Exception {
        Path file = Files.write(dir.resolve("pool"), new byte[(int) SIZE]);
        long deadline = System.nanoTime() + duration.toNanos();
        try (MemoryMap poolSide = MemoryMap.createFileMapping(file, 0, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED);
                MemoryMap peerSide = MemoryMap.createFileMapping(file, 0, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED);
                ExecutorService threads = Executors.newFixedThreadPool(WORKERS + 1)) {
            MemoryPool.format(poolSide, 64);
            List<Future<PoolTorture>> workers = new ArrayList<>();
            for (int w = 0; w < WORKERS; w++) {
                long seed = w;
                workers.add(threads.submit(() -> work(poolSide, deadline, new SplittableRandom(seed))));
            }
            Future<Long> scribbles = threads.submit(() -> scribble(peerSide.asSegment(), deadline,
                    new SplittableRandom(99)));
            long handedOut = 0;
            long refusals = 0;
            for (Future<PoolTorture> worker : workers) {
                PoolTorture torture = worker.get();
                assertEquals(List.of(), torture.violations(), torture.broken() + " broken promises");
                handedOut += torture.handedOut();
                refusals += torture.refusals();
            }
            long written = scribbles.get();
            assertTrue(handedOut > 0 && written > 0, handedOut + " blocks handed out, " + written + " scribbles");
            System.out.println("soak " + duration + ": " + written + " scribbles, " + handedOut
                    + " blocks handed out, " + refusals + " refusals");
        }
    }

    /** Uses the pool until the deadline, attaching anew now and then and formatting anew when it is refused. */
    private static PoolTorture work(MemoryMap poolSide, long deadline, SplittableRandom random) {
        PoolTorture torture = new PoolTorture();
        MemoryPool pool = null;
        for (long round = 0; System.nanoTime() < deadline; round++) {
            if (pool == null || random.nextInt(16) == 0) {
                pool = torture.attachAndUse("attach in round " + round, poolSide.asSegment(), 4, false);
                if (pool == null) {
                    pool = formatQuietly(poolSide, BLOCK_SIZES[random.nextInt(BLOCK_SIZES.length)]);
                    continue;
                }
            }
            torture.use("round " + round + " of " + pool, pool, SIZE, 1 + random.nextInt(40), false);
        }
        return torture;
    }

    /** Formats, as a process that finds no pool would; a scribble racing the format may break it again. */
    private static MemoryPool formatQuietly(MemoryMap map, long blockSize) {
        try {
            return MemoryPool.format(map, blockSize);
        } catch (MMapException raced) {
            return null;
        }
    }

    /**
     * Writes until the deadline, mostly into the bitmap and owner table, sometimes into the
     * header: boundary values, values near the right ones, and random ones.
     *
     * @return how many words were written
     */
    private static long scribble(MemorySegment peer, long deadline, SplittableRandom random) {
        long written = 0;
        while (System.nanoTime() < deadline) {
            long dataStart = Math.clamp(peer.get(JAVA_LONG, PoolLayout.DATA_START_OFFSET), 72, SIZE);
            long at = random.nextInt(10) == 0 ? random.nextLong(0, PoolLayout.HEADER_BYTES / 8) * 8
                    : random.nextLong(PoolLayout.HEADER_BYTES / 8, dataStart / 8) * 8;
            long old = peer.get(JAVA_LONG, at);
            long value = switch (random.nextInt(6)) {
                case 0 -> 0;
                case 1 -> -1;
                case 2 -> old ^ (1L << random.nextInt(64));
                case 3 -> PoolCorruptionTest.randomField(random, old);
                case 4 -> old + random.nextInt(-8, 9);
                default -> random.nextLong();
            };
            peer.set(JAVA_LONG, at, value);
            written++;
            if (written % 64 == 0) {
                Thread.yield(); // bursts, so the workers also see stretches of a quiet (if damaged) pool
            }
        }
        return written;
    }
}
