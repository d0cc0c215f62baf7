package dev.mman;

import static dev.mman.Mman.MAP_PRIVATE;
import static dev.mman.Mman.MAP_SHARED;
import static dev.mman.Mman.PROT_NONE;
import static dev.mman.Mman.PROT_READ;
import static dev.mman.Mman.PROT_WRITE;
import static dev.mman.Rejections.invalid;
import static dev.mman.Rejections.refused;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrowsExactly;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.Rejections.Rejection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link MemoryMap#read(long, byte[], int, int)}: the bytes land exactly where asked, and every
 * refused call leaves the caller's array as it was.
 */
class ReadIntoArrayTest {

    private static final int PAGE = 4096;
    /** What the target array holds before each call; no refused call may change it. */
    private static final byte UNTOUCHED = (byte) 0x5a;

    private static MemoryMap twoPages;
    private static MemoryMap noAccess;
    private static MemoryMap closed;

    @BeforeAll
    static void map() {
        twoPages = MemoryMap.createAnonymous(2 * PAGE);
        twoPages.write(pattern(2 * PAGE), 0);
        noAccess = MemoryMap.createAnonymous(PAGE, PROT_NONE);
        closed = MemoryMap.createAnonymous(PAGE);
        closed.close();
    }

    @AfterAll
    static void unmap() {
        twoPages.close();
        noAccess.close();
    }

    private static byte[] pattern(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 7 + 1);
        }
        return bytes;
    }

    private static byte[] untouched(int length) {
        byte[] array = new byte[length];
        Arrays.fill(array, UNTOUCHED);
        return array;
    }

    @Test
    void copiesTheRangeIntoTheSliceAndLeavesTheRestOfTheArrayAlone() {
        byte[] into = untouched(100);
        assertEquals(50, twoPages.read(PAGE - 10, into, 20, 50));
        byte[] expected = untouched(100);
        System.arraycopy(pattern(2 * PAGE), PAGE - 10, expected, 20, 50);
        assertArrayEquals(expected, into);
    }

    @Test
    void readsTheSameBytesAsTheAllocatingRead() {
        byte[] into = new byte[PAGE];
        twoPages.read(PAGE, into, 0, PAGE);
        assertArrayEquals(twoPages.read(PAGE, PAGE), into);
    }

    @Test
    void readsTheLastByteAndNothingAtTheEnd() {
        byte[] into = untouched(3);
        assertEquals(1, twoPages.read(2 * PAGE - 1, into, 2, 1));
        assertEquals(pattern(2 * PAGE)[2 * PAGE - 1], into[2]);
        assertEquals(0, twoPages.read(2 * PAGE, into, 3, 0));
        assertArrayEquals(new byte[] {UNTOUCHED, UNTOUCHED, pattern(2 * PAGE)[2 * PAGE - 1]}, into);
    }

    @Test
    void readsASharedFileMapping(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("data.bin");
        Files.write(file, pattern(2 * PAGE));
        try (MemoryMap m = MemoryMap.createFileMapping(file, 0, 2 * PAGE, PROT_READ, MAP_SHARED)) {
            byte[] into = new byte[16];
            m.read(PAGE + 3, into, 0, 16);
            assertArrayEquals(Arrays.copyOfRange(pattern(2 * PAGE), PAGE + 3, PAGE + 19), into);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void everyBackendReadsIntoTheArray(Backend backend) {
        try (MemoryMap m = MemoryMap.createAnonymous(PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, backend)) {
            m.write(new byte[] {1, 2, 3}, 10);
            byte[] into = untouched(5);
            m.read(10, into, 1, 3);
            assertArrayEquals(new byte[] {UNTOUCHED, 1, 2, 3, UNTOUCHED}, into);
        }
    }

    /** Each case gets a fresh target of 16 bytes that it must leave untouched. */
    static Stream<Rejection> refusals() {
        return Stream.of(
                invalid("negative array index", () -> twoPages.read(0, target(), -1, 4), "array index -1"),
                invalid("negative length", () -> twoPages.read(0, target(), 0, -3), "length -3"),
                invalid("slice past the end of the array", () -> twoPages.read(0, target(), 10, 7),
                        "array index 10", "length 7", "16-byte array"),
                invalid("array index Integer.MAX_VALUE", () -> twoPages.read(0, target(), Integer.MAX_VALUE, 1),
                        Integer.toString(Integer.MAX_VALUE)),
                invalid("length longer than the array", () -> twoPages.read(0, target(), 0, Integer.MAX_VALUE),
                        Integer.toString(Integer.MAX_VALUE)),
                invalid("range past the end of the mapping", () -> twoPages.read(2 * PAGE - 4, target(), 0, 8),
                        "offset 8188", "length 8"),
                invalid("negative mapping offset", () -> twoPages.read(-1, target(), 0, 1), "offset -1"),
                invalid("mapping offset Long.MAX_VALUE", () -> twoPages.read(Long.MAX_VALUE, target(), 0, 1),
                        Long.toString(Long.MAX_VALUE)),
                refused("mapping without PROT_READ", () -> noAccess.read(0, target(), 0, 1), "PROT_READ",
                        "PROT_NONE"),
                refused("closed mapping", () -> closed.read(0, target(), 0, 1), "read", "closed"));
    }

    private static byte[] current;

    private static byte[] target() {
        current = untouched(16);
        return current;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void refusedCallLeavesTheArrayUnchanged(Rejection rejection) {
        current = null;
        rejection.verify();
        assertArrayEquals(untouched(16), current, "a refused read must not write into the array");
    }

    @Test
    void nullArrayIsRefusedByName() {
        NullPointerException thrown = assertThrowsExactly(NullPointerException.class,
                () -> twoPages.read(0, null, 0, 1));
        assertTrue(thrown.getMessage().contains("into"), thrown.getMessage());
    }
}
