package dev.mman;

import static dev.mman.Mman.MAP_SHARED;
import static dev.mman.Mman.MS_ASYNC;
import static dev.mman.Mman.MS_SYNC;
import static dev.mman.Mman.PROT_READ;
import static dev.mman.Mman.PROT_WRITE;
import static dev.mman.Rejections.refused;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.Rejections.Rejection;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every operation on a closed mapping is refused with an {@link MMapException}; only {@code close()} is allowed again. */
class ClosedMappingTest {

    private static final int PAGE = 4096;

    private static MemoryMap closed;

    @BeforeAll
    static void mapAndClose() {
        closed = MemoryMap.createAnonymous(2 * PAGE);
        closed.close();
    }

    static Stream<Rejection> operations() {
        return Stream.of(
                refused("read(size)", () -> closed.read(1), "read", "closed"),
                refused("read(size, offset)", () -> closed.read(8, PAGE), "read", "closed"),
                refused("write(data)", () -> closed.write(new byte[1]), "write", "closed"),
                refused("write(data, offset)", () -> closed.write(new byte[1], PAGE), "write", "closed"),
                refused("fill(value)", () -> closed.fill((byte) 1), "fill", "closed"),
                refused("fill(offset, length, value)", () -> closed.fill(0, 10, (byte) 1), "fill", "closed"),
                refused("mprotect", () -> closed.mprotect(PROT_READ), "mprotect(PROT_READ)", "closed"),
                refused("msync()", () -> closed.msync(), "msync", "closed"),
                refused("msync(flags)", () -> closed.msync(MS_ASYNC), "msync", "MS_ASYNC", "closed"),
                refused("msync(offset, length, flags)", () -> closed.msync(PAGE, PAGE, MS_SYNC), "msync(4096, 4096",
                        "closed"),
                refused("mlock", () -> closed.mlock(), "mlock()", "closed"),
                refused("munlock", () -> closed.munlock(), "munlock()", "closed"),
                refused("madvise(advice)", () -> closed.madvise(Advice.WILLNEED), "madvise", "WILLNEED", "closed"),
                refused("madvise(offset, length, advice)", () -> closed.madvise(0, PAGE, Advice.NORMAL), "madvise",
                        "closed"),
                refused("residency", () -> closed.residency(), "residency()", "closed"),
                refused("residentPages", () -> closed.residentPages(), "residentPages()", "closed"),
                refused("asSegment()", () -> closed.asSegment(), "asSegment()", "closed"),
                refused("asSegment(dtype)", () -> closed.asSegment(ValueLayout.JAVA_INT), "asSegment()", "closed"),
                refused("asByteBuffer", () -> closed.asByteBuffer(), "asSegment()", "closed"),
                refused("protection", () -> closed.protection(), "protection()", "closed"));
    }

    @ParameterizedTest(name = "{0} after close()")
    @MethodSource("operations")
    void refusesOperationAfterClose(Rejection rejection) {
        rejection.verify();
    }

    @Test
    void closeTwiceIsFine() {
        MemoryMap m = MemoryMap.createAnonymous(PAGE);
        m.close();
        assertDoesNotThrow(m::close);
        assertFalse(m.isValid());
        assertTrue(m.toString().contains("closed"), m.toString());
    }

    @Test
    void closedMappingStillReportsItsShape() {
        assertEquals(2 * PAGE, closed.size());
        assertEquals(Mman.pageSize(), closed.pageSize());
        assertTrue(closed.toString().contains("8192 bytes"), closed.toString());
    }

    @Test
    void closingAFileMappingKeepsWhatWasWritten(@TempDir Path dir) throws IOException {
        Path file = Files.write(dir.resolve("closed.bin"), new byte[PAGE]);
        MemoryMap m = MemoryMap.createFileMapping(file, 0, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED);
        m.write(new byte[] {4, 5, 6});
        m.close();
        Rejections.assertRejected(MMapException.class, () -> m.write(new byte[] {7}), "closed", file.toString());
        byte[] onDisk = Files.readAllBytes(file);
        assertArrayEquals(new byte[] {4, 5, 6, 0}, java.util.Arrays.copyOf(onDisk, 4));
    }
}
