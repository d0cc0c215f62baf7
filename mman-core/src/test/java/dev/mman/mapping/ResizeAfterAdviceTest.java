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
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.mman.Advice;
import dev.mman.MMapException;
import dev.mman.MemoryMap;
import dev.mman.testing.NativeOnly;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Resizing after advice of part of a mapping, which splits the kernel's mapping in two or three
 * (mremap grows only one and answered EFAULT), and a refused resize, which must leave the mapping
 * and the file's length as they were.
 */
class ResizeAfterAdviceTest {

    private static final int PAGE = 4096;

    @TempDir
    Path dir;

    @NativeOnly("madvise")
    @ParameterizedTest
    @EnumSource(value = Advice.class, names = {"RANDOM", "SEQUENTIAL", "HUGEPAGE"})
    void aSharedMappingGrowsAndShrinksAfterAdviceOfPartOfIt(Advice advice) throws IOException {
        Path file = Files.write(dir.resolve("shared.bin"), new byte[16 * PAGE]);
        MemoryMap map = MemoryMap.createFileMapping(file, 0, 16 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED);
        map.write(new byte[] {1, 2, 3}, 5 * PAGE);
        advise(map, advice);
        try (MemoryMap grown = map.resize(64 * PAGE)) {
            assertFalse(map.isValid());
            assertEquals(64 * PAGE, grown.size());
            assertEquals(64 * PAGE, Files.size(file));
            assertArrayEquals(new byte[] {1, 2, 3}, grown.read(3, 5 * PAGE));
            grown.write(new byte[] {9}, 64 * PAGE - 1);
            advise(grown, advice);
            try (MemoryMap shrunk = grown.resize(6 * PAGE)) {
                assertArrayEquals(new byte[] {1, 2, 3}, shrunk.read(3, 5 * PAGE));
            }
        }
        assertEquals(9, Files.readAllBytes(file)[64 * PAGE - 1], "the shared mapping wrote its file");
    }

    @NativeOnly("madvise")
    @Test
    void aPrivateMappingKeepsItsOwnChangesWhenItGrowsAfterAdvice() throws IOException {
        Path file = Files.write(dir.resolve("private.bin"), new byte[8 * PAGE]);
        MemoryMap map = MemoryMap.createFileMapping(file, 0, 8 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
        map.write(new byte[] {7, 8}, 3 * PAGE);
        map.madvise(2 * PAGE, PAGE, Advice.RANDOM);
        try (MemoryMap grown = map.resize(32 * PAGE)) {
            assertArrayEquals(new byte[] {7, 8}, grown.read(2, 3 * PAGE), "the private changes were carried");
            assertEquals(PROT_READ | PROT_WRITE, grown.protection());
        }
        assertArrayEquals(new byte[2], java.util.Arrays.copyOfRange(Files.readAllBytes(file), 3 * PAGE, 3 * PAGE + 2));
    }

    /**
     * A private writable mapping of 1 TiB is more than the kernel's commit limit grants on any
     * machine this runs on (mremap or mmap answers ENOMEM, FileChannel.map "Map failed", NIO refuses
     * the size): the file was extended to 1 TiB first and must be as long as before afterwards.
     */
    @Test
    void aRefusedResizeLeavesTheMappingOpenAndTheFileItsLength() throws IOException {
        assumeFalse(Files.readString(Path.of("/proc/sys/vm/overcommit_memory")).trim().equals("1"),
                "with vm.overcommit_memory=1 the kernel grants any private mapping");
        Path file = Files.write(dir.resolve("refused.bin"), new byte[4 * PAGE]);
        try (MemoryMap map = MemoryMap.createFileMapping(file, 0, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE)) {
            map.write(new byte[] {4, 2}, PAGE);
            MMapException refused = assertThrows(MMapException.class, () -> map.resize(1L << 40));
            assertEquals(0, refused.getSuppressed().length, "the length was restored: " + refused);
            assertTrue(map.isValid(), "a refused resize leaves the mapping open");
            assertEquals(4 * PAGE, Files.size(file), "and the file as long as it was");
            assertArrayEquals(new byte[] {4, 2}, map.read(2, PAGE));
            map.write(new byte[] {1}, 0);
            try (MemoryMap grown = map.resize(8 * PAGE)) {
                assertArrayEquals(new byte[] {4, 2}, grown.read(2, PAGE), "the mapping still resizes");
            }
        }
    }

    @Test
    void anEndPastTheLargestFilePositionIsRefusedBeforeTheFileIsTouched() throws IOException {
        Path file = Files.write(dir.resolve("offset.bin"), new byte[2 * PAGE]);
        try (MemoryMap map = MemoryMap.createFileMapping(file, PAGE, PAGE, PROT_READ, MAP_SHARED)) {
            MMapException e = assertThrows(MMapException.class, () -> map.resize(Long.MAX_VALUE));
            assertTrue(e.getMessage().contains("overflows"), e.getMessage());
            assertTrue(map.isValid());
            assertEquals(2 * PAGE, Files.size(file));
        }
    }

    private static void advise(MemoryMap map, Advice advice) {
        try {
            map.madvise(2 * PAGE, 2 * PAGE, advice);
        } catch (MMapException noTransparentHugePages) {
            assumeFalse(advice == Advice.HUGEPAGE, "this kernel has no transparent huge pages");
            throw noTransparentHugePages;
        }
    }
}
