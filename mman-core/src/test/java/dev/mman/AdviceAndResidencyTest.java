package dev.mman;

import static dev.mman.Mman.MAP_POPULATE;
import static dev.mman.Mman.MAP_PRIVATE;
import static dev.mman.Mman.MAP_SHARED;
import static dev.mman.Mman.PROT_READ;
import static dev.mman.Mman.PROT_WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mman.testing.NativeOnly;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** madvise with each portable advice, and residency through mincore, including prefaulting. */
class AdviceAndResidencyTest {

    private static final int RW = PROT_READ | PROT_WRITE;
    private static final int PAGES = 16;

    private final int page = (int) Mman.pageSize();

    @ParameterizedTest
    @EnumSource(Advice.class)
    @NativeOnly("madvise")
    void everyAdviceIsAcceptedOnAnonymousMemory(Advice advice) {
        try (MemoryMap m = MemoryMap.createAnonymous((long) PAGES * page)) {
            m.write(new byte[] {1, 2, 3});
            m.madvise(advice);
            m.madvise(page, page, advice);
            byte[] expected = advice == Advice.DONTNEED ? new byte[3] : new byte[] {1, 2, 3};
            assertArrayEquals(expected, m.read(3), "data after madvise(" + advice + ")");
        }
    }

    @Test
    @NativeOnly("residency (mincore)")
    void freshAnonymousMemoryHasNoResidentPages() {
        try (MemoryMap m = MemoryMap.createAnonymous((long) PAGES * page)) {
            assertEquals(0, m.residentPages());
            assertEquals(new BitSet(), m.residency());
        }
    }

    @Test
    @NativeOnly("residency (mincore)")
    void writtenPagesBecomeResident() {
        try (MemoryMap m = MemoryMap.createAnonymous((long) PAGES * page)) {
            BitSet written = new BitSet();
            for (int k : new int[] {0, 3, 7, PAGES - 1}) {
                m.write(new byte[] {1}, (long) k * page + 17);
                written.set(k);
            }
            assertEquals(written, m.residency());
            assertEquals(4, m.residentPages());
        }
    }

    @Test
    @NativeOnly("madvise")
    void populateAdviceFaultsEveryPageIn() {
        try (MemoryMap m = MemoryMap.createAnonymous((long) PAGES * page)) {
            m.madvise(Advice.POPULATE);
            assertEquals(PAGES, m.residentPages());
        }
    }

    @Test
    @NativeOnly("madvise")
    void populateAdviceOnARangeFaultsOnlyThatRange() {
        try (MemoryMap m = MemoryMap.createAnonymous((long) PAGES * page)) {
            m.madvise(2L * page, 3L * page, Advice.POPULATE);
            BitSet expected = new BitSet();
            expected.set(2, 5);
            assertEquals(expected, m.residency());
        }
    }

    @Test
    @NativeOnly("madvise")
    void populateAdviceWorksOnAReadOnlyFileMapping(@TempDir Path dir) throws IOException {
        Path file = Files.write(dir.resolve("populate.bin"), new byte[PAGES * page]);
        try (MemoryMap m = MemoryMap.createFileMapping(file, 0, (long) PAGES * page, PROT_READ, MAP_SHARED)) {
            m.madvise(Advice.POPULATE);
            assertEquals(PAGES, m.residentPages());
        }
    }

    @Test
    @NativeOnly("residency (mincore)")
    void dontNeedZeroesPrivateAnonymousMemory() {
        try (MemoryMap m = MemoryMap.createAnonymous((long) PAGES * page)) {
            m.fill((byte) 0x55);
            assertEquals(PAGES, m.residentPages());
            m.madvise(Advice.DONTNEED);
            assertEquals(0, m.residentPages());
            assertArrayEquals(new byte[PAGES * page], m.read(PAGES * page));
        }
    }

    @Test
    @NativeOnly("residency (mincore)")
    void mapPopulateMakesEveryPageResidentAtCreation() {
        try (MemoryMap m = MemoryMap.createAnonymous((long) PAGES * page, RW, MAP_PRIVATE | MAP_POPULATE)) {
            assertEquals(PAGES, m.residentPages());
            BitSet all = new BitSet();
            all.set(0, PAGES);
            assertEquals(all, m.residency());
        }
    }

    @Test
    @NativeOnly("residency (mincore)")
    void residencyCountsAPartialLastPage() {
        try (MemoryMap m = MemoryMap.createAnonymous(2L * page + 1)) {
            m.write(new byte[] {1}, 2L * page);
            BitSet expected = new BitSet();
            expected.set(2);
            assertEquals(expected, m.residency());
        }
    }
}
