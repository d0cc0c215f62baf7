package dev.mman;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * Finds the descriptor number behind a Java stream or channel. Java hides it, but the tests need
 * it to exercise the descriptor overloads, so they compare {@code /proc/self/fd} before and after
 * opening the file, looking for a new link to it.
 */
final class Descriptors {

    /** A number far above any descriptor this JVM opens, so it is never open. */
    static final int NEVER_OPEN = 100_000;

    private Descriptors() {}

    /**
     * A Java handle together with the descriptor number it owns.
     *
     * @param <C> the handle type
     */
    record Opened<C extends Closeable>(C handle, int fd) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            handle.close();
        }
    }

    /** Opens {@code target} through {@code opener} and reports the descriptor it got. */
    static <C extends Closeable> Opened<C> open(Path target, Callable<C> opener) throws Exception {
        Path real = target.toRealPath();
        Set<Integer> before = descriptorsOn(real);
        C handle = opener.call();
        for (int fd : descriptorsOn(real)) {
            if (!before.contains(fd)) {
                return new Opened<>(handle, fd);
            }
        }
        handle.close();
        throw new IllegalStateException("opening " + target + " created no descriptor for it");
    }

    /** The descriptors open on {@code file}; the listing's own descriptor is reused later, so it is ignored. */
    private static Set<Integer> descriptorsOn(Path file) throws IOException {
        Set<Integer> fds = new HashSet<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path entry : entries) {
                if (file.equals(linkOf(entry))) {
                    fds.add(Integer.parseInt(entry.getFileName().toString()));
                }
            }
        }
        return fds;
    }

    private static Path linkOf(Path entry) {
        try {
            return Files.readSymbolicLink(entry);
        } catch (IOException vanished) {
            return null;
        }
    }
}
