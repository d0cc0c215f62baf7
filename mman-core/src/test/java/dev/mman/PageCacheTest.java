package dev.mman;

import static dev.mman.Mman.MAP_SHARED;
import static dev.mman.Mman.PROT_READ;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PageCacheTest {

    private static final int PAGES = 64;

    @TempDir
    Path dir;

    @Test
    void evictDropsEveryPageOfAFileThatWasJustWrittenAndRead() throws IOException {
        Path file = cachedFile("all.bin");
        assertEquals(PAGES, residency(file).cardinality(), "reading a file leaves it cached");

        PageCache.evict(file);

        assertEquals(0, residency(file).cardinality());
    }

    @Test
    void evictOfARangeKeepsThePagesOutsideIt() throws IOException {
        Path file = cachedFile("half.bin");
        long page = Mman.pageSize();

        PageCache.evict(file, page * (PAGES / 2), 0);

        BitSet resident = residency(file);
        assertEquals(PAGES / 2, resident.cardinality());
        assertEquals(PAGES / 2, resident.nextClearBit(0), "the first half stays, the second half goes");
    }

    @Test
    void evictRefusesWhatIsNotARegularFileOrABadRange() throws IOException {
        Path file = cachedFile("x.bin");
        assertThrows(MMapInvalidParameterException.class, () -> PageCache.evict(dir.resolve("missing")));
        assertThrows(MMapInvalidParameterException.class, () -> PageCache.evict(dir));
        assertThrows(MMapInvalidParameterException.class, () -> PageCache.evict(file, -1, 0));
        assertThrows(MMapInvalidParameterException.class, () -> PageCache.evict(file, 0, -1));
    }

    private Path cachedFile(String name) throws IOException {
        byte[] data = new byte[(int) Mman.pageSize() * PAGES];
        new Random(7).nextBytes(data);
        Path file = Files.write(dir.resolve(name), data);
        assertEquals(data.length, Files.readAllBytes(file).length);
        return file;
    }

    private static BitSet residency(Path file) throws IOException {
        // Residency is measured with mincore whatever the run's backend: the page cache is under test.
        try (MemoryMap m = MemoryMap.createFileMapping(file, 0, Files.size(file), PROT_READ, MAP_SHARED,
                Backend.NATIVE)) {
            BitSet resident = m.residency();
            assertTrue(resident.length() <= PAGES);
            return resident;
        }
    }
}
