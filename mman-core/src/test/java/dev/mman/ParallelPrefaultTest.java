package dev.mman;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Prefault split over threads: the choice of threads, the split, and that every page is resident after it. */
class ParallelPrefaultTest {

    private static final long PAGE = Mman.pageSize();
    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    @Test
    void theAutomaticChoiceIsOneThreadUnder128MibAndBoundedByProcessorsAndEight() {
        int processors = Runtime.getRuntime().availableProcessors();
        assertEquals(1, ParallelPrefault.threads(127 * MIB, PAGE, MappingTraits.AUTOMATIC));
        assertEquals(Math.min(2, processors), ParallelPrefault.threads(128 * MIB, PAGE, MappingTraits.AUTOMATIC));
        assertEquals(Math.min(8, processors), ParallelPrefault.threads(64 * 1024 * MIB, PAGE, MappingTraits.AUTOMATIC));
        assertEquals(5, ParallelPrefault.threads(MIB, PAGE, 5), "the caller's choice wins");
        assertEquals(3, ParallelPrefault.threads(3 * PAGE, PAGE, 256), "never more threads than pages");
    }

    @Test
    void thePiecesArePageAlignedAndCoverTheRangeOnce() {
        long size = 1001 * PAGE + 17;
        List<long[]> pieces = Collections.synchronizedList(new ArrayList<>());
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        ParallelPrefault.run(size, PAGE, 4, (offset, length) -> {
            pieces.add(new long[] {offset, length});
            threads.add(Thread.currentThread());
        });
        pieces.sort(Comparator.comparingLong(p -> p[0]));
        assertEquals(4, pieces.size());
        assertEquals(4, threads.size());
        long next = 0;
        for (long[] piece : pieces) {
            assertEquals(next, piece[0]);
            assertEquals(0, piece[0] % PAGE);
            next = piece[0] + piece[1];
        }
        assertEquals(size, next);
    }

    @Test
    void aFailingPieceFailsTheWholeAfterEveryPieceEnded() {
        IllegalStateException boom = new IllegalStateException("piece failed");
        List<Long> ended = Collections.synchronizedList(new ArrayList<>());
        IllegalStateException thrown = assertThrows(IllegalStateException.class,
                () -> ParallelPrefault.run(8 * PAGE, PAGE, 4, (offset, length) -> {
                    ended.add(offset);
                    if (offset == 2 * PAGE) {
                        throw boom;
                    }
                }));
        assertSame(boom, thrown);
        assertEquals(4, ended.size());
    }

    @Test
    void populateOnSeveralThreadsLeavesEveryPageResident() {
        for (Sharing sharing : Sharing.values()) {
            try (MemoryMap m = MapOptions.anonymous(16 * MIB).sharing(sharing).populate().prefaultThreads(4)
                    .backend(Backend.NATIVE).map()) {
                assertEquals(16 * MIB / PAGE, m.residentPages(), sharing.toString());
            }
        }
    }

    @Test
    void madvisePopulateAndTheAsyncFormUseTheThreadsToo() throws Exception {
        try (MemoryMap m = MapOptions.anonymous(8 * MIB).prefaultThreads(3).backend(Backend.NATIVE).map()) {
            assertEquals(0, m.residentPages());
            m.madvise(0, 4 * MIB, Advice.POPULATE);
            assertEquals(4 * MIB / PAGE, m.residentPages());
        }
        Path file = Files.write(dir.resolve("prefault.bin"), new byte[(int) (8 * MIB)]);
        PageCache.evict(file);
        try (MemoryMap m = MapOptions.file(file).prefaultThreads(4).backend(Backend.NATIVE).mapAsync().join()) {
            assertEquals(8 * MIB / PAGE, m.residentPages());
        }
        for (Backend backend : new Backend[] {Backend.JDK, Backend.NIO}) {
            try (MemoryMap m = MapOptions.file(file).prefaultThreads(2).backend(backend).populate().map()) {
                assertTrue(m.isValid());
            }
        }
    }

    @Test
    void theDefaultAsyncExecutorRunsOnAPlatformThreadAsTheDowncallsWouldPinAVirtualThreadsCarrier() {
        // A prefault is one long downcall (madvise): on a virtual thread it held its carrier, and with
        // as many async mappings as processors, every other virtual thread of the JVM waited.
        Set<Boolean> virtual = ConcurrentHashMap.newKeySet();
        try (MemoryMap m = AsyncMapping.start(() -> {
            virtual.add(Thread.currentThread().isVirtual());
            return MapOptions.anonymous(MIB).backend(Backend.NATIVE).map();
        }, AsyncMapping.DEFAULT_EXECUTOR).join()) {
            assertEquals(MIB / PAGE, m.residentPages(), "prefaulted");
        }
        assertEquals(Set.of(false), virtual);
    }
}
