package dev.mman;

import static dev.mman.Mman.MAP_PRIVATE;
import static dev.mman.Mman.MAP_SHARED;
import static dev.mman.Mman.MS_ASYNC;
import static dev.mman.Mman.MS_INVALIDATE;
import static dev.mman.Mman.MS_SYNC;
import static dev.mman.Mman.PROT_EXEC;
import static dev.mman.Mman.PROT_NONE;
import static dev.mman.Mman.PROT_READ;
import static dev.mman.Mman.PROT_WRITE;
import static dev.mman.Rejections.invalid;
import static dev.mman.Rejections.refused;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mman.Rejections.Rejection;
import dev.mman.internal.Flags;
import dev.mman.testing.NativeOnly;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad calls on live mappings: out-of-range data access, malformed control calls, and access the
 * protection does not allow. Each is refused before it touches memory.
 */
class BadAccessTest {

    private static final int PAGE = 4096;

    /** Two readable and writable pages; no case may change them. */
    private static MemoryMap twoPages;
    private static MemoryMap readOnly;
    private static MemoryMap noAccess;
    private static MemoryMap oddSized;

    @BeforeAll
    static void map() {
        twoPages = MemoryMap.createAnonymous(2 * PAGE);
        readOnly = MemoryMap.createAnonymous(PAGE, PROT_READ);
        noAccess = MemoryMap.createAnonymous(PAGE, PROT_NONE);
        oddSized = MemoryMap.createAnonymous(4100);
    }

    @AfterAll
    static void unmap() {
        Stream.of(twoPages, readOnly, noAccess, oddSized).forEach(MemoryMap::close);
    }

    static Stream<Rejection> dataAccess() {
        return Stream.of(
                invalid("read past the end", () -> twoPages.read(10, 2 * PAGE - 4), "offset 8188", "length 10"),
                invalid("read longer than the mapping", () -> twoPages.read(3 * PAGE), "length 12288"),
                invalid("read at a negative offset", () -> twoPages.read(1, -1), "offset -1"),
                invalid("read with a negative size", () -> twoPages.read(-5, 0), "length -5"),
                invalid("write past the end", () -> twoPages.write(new byte[10], 2 * PAGE - 3), "offset 8189"),
                invalid("write at a negative offset", () -> twoPages.write(new byte[1], -8), "offset -8"),
                invalid("write at Long.MAX_VALUE", () -> twoPages.write(new byte[2], Long.MAX_VALUE),
                        Long.toString(Long.MAX_VALUE)),
                invalid("fill past the end", () -> twoPages.fill(8000, 200, (byte) 1), "offset 8000", "length 200"),
                invalid("fill with a negative length", () -> twoPages.fill(0, -1, (byte) 1), "length -1"),
                invalid("fill at a negative offset", () -> twoPages.fill(-4096, 1, (byte) 1), "offset -4096"),
                refused("write on a PROT_READ mapping", () -> readOnly.write(new byte[1]), "PROT_WRITE", "PROT_READ"),
                refused("fill on a PROT_READ mapping", () -> readOnly.fill((byte) 1), "PROT_WRITE"),
                refused("read on a PROT_NONE mapping", () -> noAccess.read(1), "PROT_READ", "PROT_NONE"),
                refused("fill on a PROT_NONE mapping", () -> noAccess.fill((byte) 0), "PROT_WRITE", "PROT_NONE"));
    }

    static Stream<Rejection> controlCalls() {
        return Stream.of(
                invalid("msync at an unaligned offset", () -> twoPages.msync(100, 10, MS_SYNC), "offset 100", "4096"),
                invalid("msync of zero bytes", () -> twoPages.msync(0, 0, MS_SYNC), "length 0"),
                invalid("msync with a negative length", () -> twoPages.msync(0, -PAGE, MS_SYNC), "length -4096"),
                invalid("msync past the end", () -> twoPages.msync(PAGE, 2 * PAGE, MS_SYNC), "offset 4096", "8192"),
                invalid("msync MS_SYNC|MS_ASYNC", () -> twoPages.msync(MS_SYNC | MS_ASYNC), "MS_ASYNC|MS_SYNC"),
                invalid("msync unknown bits", () -> twoPages.msync(MS_SYNC | 0x10), "0x10"),
                invalid("msync MS_INVALIDATE alone", () -> twoPages.msync(MS_INVALIDATE), "MS_INVALIDATE"),
                invalid("madvise at an unaligned offset",
                        () -> twoPages.madvise(1, 100, Advice.NORMAL), "offset 1", "4096"),
                invalid("madvise of zero bytes", () -> twoPages.madvise(0, 0, Advice.WILLNEED), "length 0"),
                invalid("madvise past the end",
                        () -> twoPages.madvise(PAGE, 4 * PAGE, Advice.DONTNEED), "length 16384"),
                invalid("mprotect unknown bits", () -> twoPages.mprotect(PROT_READ | 0x8), "0x8"),
                invalid("mprotect PROT_EXEC without the system property",
                        () -> twoPages.mprotect(PROT_READ | PROT_EXEC), "PROT_EXEC", "dev.mman.allowExec"),
                invalid("asSegment(JAVA_DOUBLE) on 4100 bytes",
                        () -> oddSized.asSegment(ValueLayout.JAVA_DOUBLE), "4100", "element size 8"),
                invalid("asSegment(JAVA_LONG) on 4100 bytes", () -> oddSized.asSegment(ValueLayout.JAVA_LONG), "4100"),
                refused("asSegment on a PROT_NONE mapping", () -> noAccess.asSegment(), "PROT_NONE", "PROT_READ"),
                refused("asByteBuffer on a PROT_NONE mapping", () -> noAccess.asByteBuffer(), "PROT_NONE"),
                refused("madvise POPULATE on a PROT_NONE mapping",
                        () -> noAccess.madvise(Advice.POPULATE), "POPULATE", "PROT_NONE", "PROT_READ"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dataAccess")
    void refusesDataAccess(Rejection rejection) {
        rejection.verify();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("controlCalls")
    void refusesControlCall(Rejection rejection) {
        rejection.verify();
    }

    @Test
    void refusedAccessLosesNoData() {
        try (MemoryMap m = MemoryMap.createAnonymous(PAGE)) {
            byte[] pattern = new byte[PAGE];
            for (int i = 0; i < pattern.length; i++) {
                pattern[i] = (byte) (i ^ 0x5a);
            }
            m.write(pattern);
            Stream.<Consumer<MemoryMap>>of(
                            map -> map.write(new byte[10], PAGE - 5),
                            map -> map.write(new byte[PAGE + 1]),
                            map -> map.write(new byte[4], -2),
                            map -> map.fill(PAGE - 1, 2, (byte) 0),
                            map -> map.fill(-1, 2, (byte) 0))
                    .forEach(bad -> assertThrows(MMapInvalidParameterException.class, () -> bad.accept(m)));
            assertArrayEquals(pattern, m.read(PAGE), "a refused write or fill must change nothing");
        }
    }

    @Test
    @NativeOnly("mprotect")
    void kernelRefusedMprotectNamesTheErrnoAndKeepsTheMapping(@TempDir Path dir) throws IOException {
        byte[] content = "read-only file".getBytes(StandardCharsets.US_ASCII);
        Path file = Files.write(dir.resolve("read-only.bin"), content);
        try (MemoryMap m = MemoryMap.createFileMapping(file, 0, content.length, PROT_READ, MAP_SHARED)) {
            for (int prot : new int[] {PROT_READ | PROT_WRITE, PROT_WRITE}) {
                MMapException refused = Rejections.assertRejected(MMapException.class, () -> m.mprotect(prot),
                        "mprotect", Flags.protection(prot), "EACCES");
                assertEquals(13, refused.errno());
                assertEquals(PROT_READ, m.protection(), "a refused mprotect leaves the protection as it was");
                assertArrayEquals(content, m.read(content.length));
            }
        }
        assertArrayEquals(content, Files.readAllBytes(file));
    }

    @Test
    @NativeOnly("mprotect")
    void refusedWriteOnReadOnlyMappingLosesNoData() {
        try (MemoryMap m = MemoryMap.createAnonymous(PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE)) {
            m.write(new byte[] {1, 2, 3});
            m.mprotect(PROT_READ);
            assertThrows(MMapException.class, () -> m.write(new byte[] {9, 9, 9}));
            assertThrows(MMapException.class, () -> m.fill((byte) 9));
            assertArrayEquals(new byte[] {1, 2, 3}, m.read(3));
            assertEquals(PROT_READ, m.protection());
        }
    }
}
