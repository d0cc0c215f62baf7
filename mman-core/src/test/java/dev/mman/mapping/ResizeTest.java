package dev.mman.mapping;

import static dev.mman.Mman.MAP_PRIVATE;
import static dev.mman.Mman.MAP_SHARED;
import static dev.mman.Mman.PROT_READ;
import static dev.mman.Mman.PROT_WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.MMapException;
import dev.mman.MMapInvalidParameterException;
import dev.mman.MemoryMap;
import dev.mman.testing.TestBackend;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResizeTest {

    @TempDir
    Path dir;

    @Test
    void growingExtendsTheFileKeepsTheDataAndKillsOldViews() throws IOException {
        Path file = Files.write(dir.resolve("grow.bin"), new byte[4096]);
        MemoryMap small = MemoryMap.createFileMapping(file, 0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED);
        small.write(new byte[] {1, 2, 3});
        MemorySegment oldView = small.asSegment();
        try (MemoryMap big = small.resize(3 * 4096)) {
            assertFalse(small.isValid());
            TestBackend.assertClosedViewAccess(() -> oldView.get(ValueLayout.JAVA_BYTE, 0));
            assertThrows(MMapException.class, () -> small.read(1));
            assertEquals(3 * 4096, Files.size(file));
            assertArrayEquals(new byte[] {1, 2, 3}, big.read(3));
            big.write(new byte[] {9}, 3 * 4096 - 1);
            big.msync();
            try (MemoryMap shrunk = big.resize(4096)) {
                assertEquals(4096, shrunk.size());
                assertEquals(3 * 4096, Files.size(file), "shrinking the mapping leaves the file alone");
            }
        }
        assertEquals(9, Files.readAllBytes(file)[3 * 4096 - 1]);
        small.close();
    }

    @Test
    void aPrivateMappingKeepsItsOwnChangesAndTheFileNeverSeesThem() throws IOException {
        Path file = Files.write(dir.resolve("private.bin"), new byte[4096]);
        MemoryMap small = MemoryMap.createFileMapping(file, 0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE);
        small.write(new byte[] {7, 8, 9}, 100);
        try (MemoryMap big = small.resize(2 * 4096)) {
            assertEquals(2 * 4096, big.size());
            assertArrayEquals(new byte[] {7, 8, 9}, big.read(3, 100), "the private changes moved with the mapping");
            assertArrayEquals(new byte[3], big.read(3, 4096), "the new part shows the file's zeros");
            assertEquals(2 * 4096, Files.size(file));
            assertArrayEquals(new byte[3], Arrays.copyOfRange(Files.readAllBytes(file), 100, 103),
                    "a private mapping never writes its file");
        }
        assertFalse(small.isValid());
    }

    @Test
    void onlyPathMappingsGrowAndSizesMustBePositive() throws IOException {
        try (MemoryMap anon = MemoryMap.createAnonymous(4096)) {
            MMapException e = assertThrows(MMapException.class, () -> anon.resize(8192));
            assertTrue(e.getMessage().contains("created from a Path"), e.getMessage());
            assertTrue(anon.isValid(), "a refused resize leaves the mapping open");
            MMapInvalidParameterException zero = assertThrows(MMapInvalidParameterException.class,
                    () -> anon.resize(0));
            assertTrue(zero.getMessage().contains("size 0"));
        }
    }

    @Test
    void aReadOnlyFileCannotBeExtendedAndTheMappingSurvives() throws IOException {
        Path file = Files.write(dir.resolve("ro.bin"), new byte[4096]);
        try (MemoryMap map = MemoryMap.createFileMapping(file, 0, 4096, PROT_READ, MAP_SHARED)) {
            assertTrue(file.toFile().setWritable(false));
            if (file.toFile().canWrite()) {
                return; // root ignores file permissions; nothing to refuse here
            }
            assertThrows(MMapException.class, () -> map.resize(8192));
            assertTrue(map.isValid());
        }
    }
}
