package dev.mman;

import static dev.mman.testing.Caught.assertCaught;
import static dev.mman.testing.Caught.assertReturned;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.probe.TruncatedDataProbe;
import dev.mman.testing.ChildJvm;
import dev.mman.testing.ChildResult;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PageCache#dataRanges} on real sparse files, whose holes and data lie at offsets that every
 * file system with holes tracks exactly (multiples of 1 MiB). The test directory is on ext4 or
 * tmpfs here, both of which report holes.
 */
class DataRangesTest {

    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    /** A file of {@code size} bytes, all hole except the given {@code [offset, length]} pairs. */
    private Path sparse(long size, long... data) throws IOException {
        Path file = Files.createTempFile(dir, "sparse", ".bin");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(size);
            for (int i = 0; i < data.length; i += 2) {
                raf.seek(data[i]);
                byte[] bytes = new byte[(int) data[i + 1]];
                java.util.Arrays.fill(bytes, (byte) 7);
                raf.write(bytes);
            }
        }
        return file;
    }

    @Test
    void holesAreLeftOutAndDataRangesComeInOrder() throws IOException {
        Path file = sparse(8 * MIB, MIB, MIB, 5 * MIB, 4096);
        assertEquals(List.of(new PageCache.Range(MIB, MIB), new PageCache.Range(5 * MIB, 4096)),
                PageCache.dataRanges(file));
    }

    @Test
    void aPartIsClippedToItsBounds() throws IOException {
        Path file = sparse(8 * MIB, MIB, MIB, 5 * MIB, 4096);
        assertEquals(List.of(new PageCache.Range(MIB + MIB / 2, MIB / 2), new PageCache.Range(5 * MIB, 4096)),
                PageCache.dataRanges(file, MIB + MIB / 2, 4 * MIB));
        assertEquals(List.of(new PageCache.Range(MIB, 4096)), PageCache.dataRanges(file, 0, MIB + 4096));
        assertEquals(List.of(), PageCache.dataRanges(file, 2 * MIB, 3 * MIB), "only hole in [2, 5) MiB");
        assertEquals(List.of(), PageCache.dataRanges(file, 9 * MIB, 0), "past the end");
        assertEquals(5 * MIB + 4096, PageCache.dataRanges(file).get(1).end());
    }

    @Test
    void aFileThatIsAllHoleHasNoDataAndAFullOneIsOneRange() throws IOException {
        assertEquals(List.of(), PageCache.dataRanges(sparse(4 * MIB)));
        assertEquals(List.of(), PageCache.dataRanges(sparse(0)));
        Path full = Files.createTempFile(dir, "full", ".bin");
        Files.write(full, new byte[(int) MIB + 100]);
        assertEquals(List.of(new PageCache.Range(0, MIB + 100)), PageCache.dataRanges(full));
    }

    @Test
    void badArgumentsAndPathsAreRefusedWithMmapInvalidParameter() throws IOException {
        Path file = sparse(MIB, 0, 4096);
        assertTrue(assertThrows(MMapInvalidParameterException.class, () -> PageCache.dataRanges(file, -1, 0))
                .getMessage().contains("0 or more"));
        assertThrows(MMapInvalidParameterException.class, () -> PageCache.dataRanges(file, 0, -4096));
        assertThrows(MMapInvalidParameterException.class, () -> PageCache.dataRanges(dir.resolve("missing")));
        assertThrows(MMapInvalidParameterException.class, () -> PageCache.dataRanges(dir));
    }

    @Test
    void staleRangesOfATruncatedFileFailCleanlyInAChildJvm() {
        ChildResult child = ChildJvm.in(dir).run(TruncatedDataProbe.class, dir.toString()).assertCleanExit();
        assertEquals("RANGES [Range[offset=1048576, length=1048576]]", child.line("RANGES "));
        assertReturned(child, "again");
        assertEquals("AGAIN []", child.line("AGAIN "));
        assertCaught(child, "mapStale", MMapInvalidParameterException.class);
        // The kernel's EFAULT on NATIVE; the other backends have no madvise, and say so.
        assertCaught(child, "populateStale", child.line("BACKEND ").equals("BACKEND NATIVE")
                ? MMapException.class : UnsupportedOperationException.class);
        assertEquals("DONE", child.line("DONE"));
    }
}
