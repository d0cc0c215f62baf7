package dev.mman.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shortcuts POSIX platforms take and the portable defaults of {@link Platform} agree:
 * {@link Platform#openForMapping} (open, then fstat, against a stat of the path, then open and
 * ask), {@link Platform#openedFileSize} and {@link Platform#fill} (memset against a segment fill).
 * And no backend leaves a call to the refusing default, which the compiler no longer checks.
 */
class PlatformDefaultsTest {

    @TempDir
    static Path dir;

    /** The defaults that are a portable way to make the call, not a refusal. */
    private static final Set<String> PORTABLE_DEFAULTS =
            Set.of("fill", "mapCountLimit", "openedFileSize", "openForMapping", "processMapCount", "remapsInPlace",
                    "replaceWithPlaceholder", "requireNativeCalls", "seekDataOrHole", "unavailable");

    /** This machine's platform, and the same with every portable default running that default. */
    static Stream<Platform> platforms() {
        Platform posix = Platform.current();
        InvocationHandler defaults = (proxy, method, args) -> PORTABLE_DEFAULTS.contains(method.getName())
                ? InvocationHandler.invokeDefault(proxy, method, args) : method.invoke(posix, args);
        Platform portable = (Platform) Proxy.newProxyInstance(Platform.class.getClassLoader(),
                new Class<?>[] {Platform.class}, defaults);
        return Stream.of(posix, portable);
    }

    /** Runs {@code check} on what was opened, then closes it. */
    private static void opened(Platform platform, Path path, boolean writable, Consumer<OpenedFile> check) {
        OpenedFile opened = platform.openForMapping(path, writable);
        try {
            check.accept(opened);
        } finally {
            if (opened.fd() >= 0) {
                platform.closeFile(opened.fd());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("platforms")
    void regularFileOpensWithItsSizeAndTheAskedMode(Platform platform) throws IOException {
        Path file = Files.write(dir.resolve("regular.bin"), new byte[12_345]);
        for (boolean writable : new boolean[] {false, true}) {
            opened(platform, file, writable, o -> {
                assertTrue(o.fd() >= 0);
                assertEquals(new FileStatus(FileStatus.Kind.REGULAR, 12_345, true, writable), o.status());
                assertEquals(12_345, platform.openedFileSize(o.fd()));
            });
        }
    }

    @ParameterizedTest
    @MethodSource("platforms")
    void missingPathsAreMissing(Platform platform) throws IOException {
        Path file = Files.write(dir.resolve("plain.bin"), new byte[1]);
        for (Path absent : new Path[] {dir.resolve("absent.bin"), file.resolve("below-a-file")}) {
            opened(platform, absent, false, o -> {
                assertTrue(o.missing(), absent + " should be missing");
                assertEquals(-1, o.fd());
            });
        }
    }

    @ParameterizedTest
    @MethodSource("platforms")
    void directoryIsADirectoryForReadingAndForWriting(Platform platform) {
        for (boolean writable : new boolean[] {false, true}) {
            opened(platform, dir, writable, o -> assertEquals(FileStatus.Kind.DIRECTORY, o.status().kind()));
        }
    }

    @ParameterizedTest
    @MethodSource("platforms")
    void deviceIsADevice(Platform platform) {
        opened(platform, Path.of("/dev/null"), false, o -> assertEquals(FileStatus.Kind.DEVICE, o.status().kind()));
    }

    /** A file without holes: the default (Windows) and lseek agree on where its data and its end are. */
    @ParameterizedTest
    @MethodSource("platforms")
    void aFullFileIsAllDataUpToItsEnd(Platform platform) throws IOException {
        Path file = Files.write(dir.resolve("full-" + System.nanoTime()), new byte[10_000]);
        int fd = platform.openFile(file, false);
        try {
            assertEquals(0, platform.seekDataOrHole(fd, 0, false));
            assertEquals(4096, platform.seekDataOrHole(fd, 4096, false));
            assertEquals(10_000, platform.seekDataOrHole(fd, 0, true));
            assertEquals(-1, platform.seekDataOrHole(fd, 10_000, false));
            assertEquals(-1, platform.seekDataOrHole(fd, 10_000, true));
        } finally {
            platform.closeFile(fd);
        }
    }

    @ParameterizedTest
    @MethodSource("platforms")
    void fillSetsExactlyTheRange(Platform platform) {
        long page = platform.pageSize();
        long address = platform.map(2 * page, PortableBits.PROT_READ | PortableBits.PROT_WRITE,
                PortableBits.MAP_PRIVATE | PortableBits.MAP_ANONYMOUS, -1, 0);
        try {
            platform.fill(address + 3, page, (byte) 0x42);
            MemorySegment memory = MemorySegment.ofAddress(address).reinterpret(2 * page);
            assertEquals(0, memory.get(ValueLayout.JAVA_BYTE, 2));
            assertEquals(page, memory.asSlice(3, page).elements(ValueLayout.JAVA_BYTE)
                    .filter(b -> b.get(ValueLayout.JAVA_BYTE, 0) == 0x42).count());
            assertEquals(0, memory.get(ValueLayout.JAVA_BYTE, page + 3));
        } finally {
            platform.unmap(address, 2 * page);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"linux.LinuxPlatform", "darwin.DarwinPlatform", "windows.WindowsPlatform"})
    void everyBackendMakesEveryCallItself(String name) throws ReflectiveOperationException {
        Class<?> backend = Class.forName("dev.mman.internal." + name, false, Platform.class.getClassLoader());
        for (Method call : Platform.class.getMethods()) {
            if (call.isDefault() && !PORTABLE_DEFAULTS.contains(call.getName())) {
                assertNotEquals(Platform.class, backend.getMethod(call.getName(), call.getParameterTypes())
                        .getDeclaringClass(), name + " leaves " + call.getName() + " to the refusing default");
            }
        }
    }

    @Test
    void aForgottenCallWouldSayWhichAndWhere() {
        Platform platform = Platform.current();
        assertEquals("remap is not available on " + platform.describe(), platform.unavailable("remap").getMessage());
    }

    /** Opening a FIFO for reading waits for a writer, unless the open does not wait. */
    @Test
    void fifoIsAFifoAndDoesNotBlock() throws Exception {
        Path fifo = dir.resolve("fifo");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertEquals(0, mkfifo.waitFor());
        Platform platform = Platform.current();
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> opened(platform, fifo, false,
                o -> assertEquals(FileStatus.Kind.FIFO, o.status().kind())));
    }
}
