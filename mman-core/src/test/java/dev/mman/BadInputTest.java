package dev.mman;

import static dev.mman.Mman.MAP_ANONYMOUS;
import static dev.mman.Mman.MAP_FIXED;
import static dev.mman.Mman.MAP_POPULATE;
import static dev.mman.Mman.MAP_PRIVATE;
import static dev.mman.Mman.MAP_SHARED;
import static dev.mman.Mman.PROT_EXEC;
import static dev.mman.Mman.PROT_READ;
import static dev.mman.Mman.PROT_WRITE;
import static dev.mman.Rejections.invalid;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mman.Rejections.Rejection;
import dev.mman.testing.NativeOnly;
import dev.mman.testing.TestBackend;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Creating a mapping with bad arguments: each case must be refused before any harm, with the
 * exact exception type and a message that names the bad value.
 */
class BadInputTest {

    private static final int RW = PROT_READ | PROT_WRITE;
    private static final int PAGE = 4096;
    private static final AtomicInteger FILES = new AtomicInteger();

    @TempDir
    static Path dir;

    static Stream<Rejection> anonymousMappings() {
        return Stream.of(
                invalid("anonymous size 0", () -> MemoryMap.createAnonymous(0), "size 0"),
                invalid("anonymous negative size", () -> MemoryMap.createAnonymous(-4096), "size -4096"),
                invalid("anonymous unknown prot bit", () -> MemoryMap.createAnonymous(PAGE, 0x8), "0x8"),
                invalid("anonymous unknown flag bit",
                        () -> MemoryMap.createAnonymous(PAGE, RW, MAP_PRIVATE | 0x40), "0x40"),
                invalid("anonymous MAP_SHARED|MAP_PRIVATE",
                        () -> MemoryMap.createAnonymous(PAGE, RW, MAP_SHARED | MAP_PRIVATE), "MAP_SHARED|MAP_PRIVATE"),
                invalid("anonymous without MAP_SHARED or MAP_PRIVATE",
                        () -> MemoryMap.createAnonymous(PAGE, RW, MAP_POPULATE), "MAP_POPULATE", "exactly one"),
                invalid("anonymous MAP_FIXED",
                        () -> MemoryMap.createAnonymous(PAGE, RW, MAP_PRIVATE | MAP_FIXED), "MAP_FIXED"),
                invalid("anonymous PROT_EXEC without the system property",
                        () -> MemoryMap.createAnonymous(PAGE, PROT_READ | PROT_EXEC), "PROT_EXEC", "dev.mman.allowExec"),
                invalid("mmapRegion MAP_ANONYMOUS with an fd",
                        () -> Mman.mmapRegion(PAGE, RW, MAP_PRIVATE | MAP_ANONYMOUS, 3, 0), "fd 3"),
                invalid("mmapRegion MAP_ANONYMOUS with an offset",
                        () -> Mman.mmapRegion(PAGE, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 8192), "offset 8192"),
                invalid("mmapRegion size 0", () -> Mman.mmapRegion(0), "size 0"),
                TestBackend.mapsOverTwoGibibytes()
                        ? new Rejection("anonymous size beyond the address space", MMapAllocationException.class,
                                () -> MemoryMap.createAnonymous(1L << 62), Long.toString(1L << 62), "ENOMEM")
                        : invalid("anonymous size beyond what NIO can map",
                                () -> MemoryMap.createAnonymous(1L << 62), Long.toString(1L << 62), "Backend.NATIVE"));
    }

    static Stream<Rejection> fileMappingsByPath() {
        long alignedNearMax = Long.MAX_VALUE - Long.MAX_VALUE % PAGE;
        return Stream.of(
                invalid("file size 0", () -> MemoryMap.createFileMapping(page(), 0, 0, RW, MAP_SHARED), "size 0"),
                invalid("file negative size",
                        () -> MemoryMap.createFileMapping(page(), 0, -1, RW, MAP_SHARED), "size -1"),
                invalid("file negative offset",
                        () -> MemoryMap.createFileMapping(page(), -4096, PAGE, RW, MAP_SHARED), "offset -4096"),
                invalid("file offset not page-aligned",
                        () -> MemoryMap.createFileMapping(page(), 100, PAGE, RW, MAP_SHARED), "offset 100", "4096"),
                invalid("file offset + size overflows",
                        () -> MemoryMap.createFileMapping(page(), alignedNearMax, 2 * PAGE, RW, MAP_SHARED),
                        Long.toString(alignedNearMax), "overflows"),
                invalid("file unknown prot bit",
                        () -> MemoryMap.createFileMapping(page(), 0, PAGE, PROT_READ | 0x10, MAP_SHARED), "0x10"),
                invalid("file unknown flag bit",
                        () -> MemoryMap.createFileMapping(page(), 0, PAGE, RW, MAP_SHARED | 0x100), "0x100"),
                invalid("file MAP_SHARED|MAP_PRIVATE",
                        () -> MemoryMap.createFileMapping(page(), 0, PAGE, RW, MAP_SHARED | MAP_PRIVATE),
                        "MAP_SHARED|MAP_PRIVATE"),
                invalid("file without MAP_SHARED or MAP_PRIVATE",
                        () -> MemoryMap.createFileMapping(page(), 0, PAGE, RW, 0), "flags 0"),
                invalid("file MAP_FIXED",
                        () -> MemoryMap.createFileMapping(page(), 0, PAGE, RW, MAP_SHARED | MAP_FIXED), "MAP_FIXED"),
                invalid("file MAP_ANONYMOUS",
                        () -> MemoryMap.createFileMapping(page(), 0, PAGE, RW, MAP_SHARED | MAP_ANONYMOUS),
                        "MAP_ANONYMOUS"),
                invalid("file PROT_EXEC without the system property",
                        () -> MemoryMap.createFileMapping(page(), 0, PAGE, PROT_READ | PROT_EXEC, MAP_PRIVATE),
                        "PROT_EXEC"),
                invalid("missing path", () -> MemoryMap.createFileMapping(dir.resolve("absent.bin"), 0, PAGE,
                        PROT_READ, MAP_SHARED), "absent.bin", "does not exist"),
                invalid("directory path",
                        () -> MemoryMap.createFileMapping(dir, 0, PAGE, PROT_READ, MAP_SHARED), dir.toString(), "directory"),
                invalid("directory path for writing",
                        () -> MemoryMap.createFileMapping(dir, 0, PAGE, RW, MAP_SHARED), dir.toString(), "directory"),
                invalid("path below a regular file", () -> MemoryMap.createFileMapping(page().resolve("below"), 0,
                        PAGE, PROT_READ, MAP_SHARED), "below", "does not exist"),
                invalid("device path",
                        () -> MemoryMap.createFileMapping(Path.of("/dev/null"), 0, PAGE, PROT_READ, MAP_SHARED),
                        "/dev/null", "not a regular file"),
                invalid("empty file", () -> MemoryMap.createFileMapping(empty(), 0, PAGE, PROT_READ, MAP_SHARED),
                        "empty"),
                invalid("mapping past EOF",
                        () -> MemoryMap.createFileMapping(page(), 0, 2 * PAGE, RW, MAP_SHARED), "8192", "4096 bytes long"),
                invalid("offset at EOF",
                        () -> MemoryMap.createFileMapping(page(), PAGE, 1, PROT_READ, MAP_PRIVATE), "offset 4096"));
    }

    static Stream<Rejection> fileMappingsByDescriptor() {
        return Stream.of(
                invalid("fd -1", () -> MemoryMap.createFileMapping(-1, 0, PAGE, PROT_READ, MAP_SHARED), "fd -1"),
                invalid("fd never opened", () -> MemoryMap.createFileMapping(Descriptors.NEVER_OPEN, 0, PAGE,
                        PROT_READ, MAP_SHARED), "fd " + Descriptors.NEVER_OPEN),
                invalid("fd of a closed file", BadInputTest::mapClosedDescriptor, "not an open file descriptor"),
                invalid("fd of a directory", () -> {
                    try (var opened = Descriptors.open(dir, () -> FileChannel.open(dir, StandardOpenOption.READ))) {
                        MemoryMap.createFileMapping(opened.fd(), 0, PAGE, PROT_READ, MAP_SHARED);
                    }
                }, dir.toString(), "directory"),
                invalid("fd of a device", () -> {
                    Path devNull = Path.of("/dev/null");
                    try (var opened = Descriptors.open(devNull, () -> new FileInputStream(devNull.toFile()))) {
                        MemoryMap.createFileMapping(opened.fd(), 0, PAGE, PROT_READ, MAP_SHARED);
                    }
                }, "/dev/null", "not a regular file"),
                invalid("fd opened write-only", () -> {
                    Path file = page();
                    try (var opened = Descriptors.open(file, () -> new FileOutputStream(file.toFile(), true))) {
                        MemoryMap.createFileMapping(opened.fd(), 0, PAGE, PROT_READ, MAP_SHARED);
                    }
                }, "write-only"),
                invalid("PROT_WRITE with MAP_SHARED on a read-only fd", () -> {
                    Path file = page();
                    try (var opened = Descriptors.open(file, () -> new FileInputStream(file.toFile()))) {
                        MemoryMap.createFileMapping(opened.fd(), 0, PAGE, RW, MAP_SHARED);
                    }
                }, "read-only", "PROT_WRITE with MAP_SHARED"),
                invalid("fd of an empty file", () -> {
                    Path file = empty();
                    try (var opened = Descriptors.open(file, () -> new RandomAccessFile(file.toFile(), "rw"))) {
                        MemoryMap.createFileMapping(opened.fd(), 0, PAGE, RW, MAP_SHARED);
                    }
                }, "empty"),
                invalid("fd mapping past EOF", () -> {
                    Path file = page();
                    try (var opened = Descriptors.open(file, () -> new RandomAccessFile(file.toFile(), "rw"))) {
                        Mman.mmapRegion(3 * PAGE, RW, MAP_SHARED, opened.fd(), 0);
                    }
                }, "12288", "4096 bytes long"),
                invalid("fd with an unaligned offset",
                        () -> Mman.mmapRegion(PAGE, PROT_READ, MAP_SHARED, Descriptors.NEVER_OPEN, 12), "offset 12"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("anonymousMappings")
    void refusesAnonymousMapping(Rejection rejection) {
        rejection.verify();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fileMappingsByPath")
    void refusesFileMappingByPath(Rejection rejection) {
        rejection.verify();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fileMappingsByDescriptor")
    @NativeOnly("mapping a raw file descriptor")
    void refusesFileMappingByDescriptor(Rejection rejection) {
        rejection.verify();
    }

    @Test
    void refusedFileMappingsLeaveTheFileAsItWas() throws Exception {
        Path file = dir.resolve("kept.bin");
        byte[] content = new byte[PAGE];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) (i * 31 + 7);
        }
        Files.write(file, content);
        assertThrows(MMapInvalidParameterException.class,
                () -> MemoryMap.createFileMapping(file, 0, 4 * PAGE, RW, MAP_SHARED));
        assertThrows(MMapInvalidParameterException.class,
                () -> MemoryMap.createFileMapping(file, PAGE, PAGE, RW, MAP_SHARED));
        assertThrows(MMapInvalidParameterException.class,
                () -> MemoryMap.createFileMapping(file, 0, PAGE, RW, MAP_SHARED | MAP_FIXED));
        try (var opened = Descriptors.open(file, () -> new FileInputStream(file.toFile()))) {
            // Only NATIVE maps descriptors; the others refuse them whatever the arguments.
            Class<? extends RuntimeException> refusal = TestBackend.current() == Backend.NATIVE
                    ? MMapInvalidParameterException.class : UnsupportedOperationException.class;
            assertThrows(refusal,
                    () -> MemoryMap.createFileMapping(opened.fd(), 0, PAGE, RW, MAP_SHARED));
        }
        assertArrayEquals(content, Files.readAllBytes(file), "a refused mapping must neither change nor extend the file");
    }

    /** Opens a file, notes its descriptor, closes it and maps the number that is no longer open. */
    private static void mapClosedDescriptor() throws Exception {
        Path file = page();
        int fd;
        try (var opened = Descriptors.open(file, () -> new RandomAccessFile(file.toFile(), "r"))) {
            fd = opened.fd();
        }
        try {
            MemoryMap.createFileMapping(fd, 0, PAGE, PROT_READ, MAP_SHARED).close();
        } catch (MMapInvalidParameterException expected) {
            if (!expected.getMessage().contains("fd " + fd)) {
                throw new AssertionError("the message should name fd " + fd + ": " + expected.getMessage());
            }
            throw expected;
        }
    }

    /** A fresh one-page file of zeros. */
    private static Path page() throws IOException {
        return Files.write(dir.resolve("page-" + FILES.incrementAndGet() + ".bin"), new byte[PAGE]);
    }

    private static Path empty() throws IOException {
        return Files.createFile(dir.resolve("empty-" + FILES.incrementAndGet() + ".bin"));
    }
}
