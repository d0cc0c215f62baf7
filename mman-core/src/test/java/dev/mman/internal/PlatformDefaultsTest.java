package dev.mman.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Platform#openForMapping}: the POSIX version (open, then fstat) and the portable default
 * (stat the path, then open and ask) tell the same things about the same paths.
 */
class OpenForMappingTest {

    @TempDir
    static Path dir;

    /** This machine's platform, and the same with the interface's default {@code openForMapping}. */
    static Stream<Platform> platforms() {
        Platform posix = Platform.current();
        InvocationHandler defaultOpen = (proxy, method, args) -> method.getName().equals("openForMapping")
                ? InvocationHandler.invokeDefault(proxy, method, args) : method.invoke(posix, args);
        Platform portable = (Platform) Proxy.newProxyInstance(Platform.class.getClassLoader(),
                new Class<?>[] {Platform.class}, defaultOpen);
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
    void deviceIsOther(Platform platform) {
        opened(platform, Path.of("/dev/null"), false, o -> assertEquals(FileStatus.Kind.OTHER, o.status().kind()));
    }

    /** Opening a FIFO for reading waits for a writer, unless the open does not wait. */
    @Test
    void fifoIsOtherAndDoesNotBlock() throws Exception {
        Path fifo = dir.resolve("fifo");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertEquals(0, mkfifo.waitFor());
        Platform platform = Platform.current();
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> opened(platform, fifo, false,
                o -> assertEquals(FileStatus.Kind.OTHER, o.status().kind())));
    }
}
