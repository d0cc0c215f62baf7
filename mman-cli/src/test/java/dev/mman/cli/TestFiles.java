package dev.mman.cli;

import dev.mman.Advice;
import dev.mman.Mman;
import dev.mman.MemoryMap;
import dev.mman.PageCache;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Files for the page-cache tests. They live under target/, on the disk the build runs on:
 * java.io.tmpdir may be a tmpfs, whose pages can never be evicted.
 */
final class TestFiles implements AutoCloseable, BeforeEachCallback, AfterEachCallback {

    Path dir;

    /** Files for one test method, when registered with {@code @RegisterExtension}. */
    TestFiles() {}

    /** Files for a block, with try-with-resources. */
    static TestFiles open() throws IOException {
        TestFiles files = new TestFiles();
        files.create();
        return files;
    }

    private void create() throws IOException {
        Path target = Path.of("target");
        Files.createDirectories(target);
        dir = Files.createTempDirectory(target.toAbsolutePath(), "cli-test-");
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        create();
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        close();
    }

    /** A file of random bytes, written, synced and read once: every page is cached. */
    Path cached(String name, int bytes) throws IOException {
        byte[] data = new byte[bytes];
        new Random(name.hashCode()).nextBytes(data);
        Path file = dir.resolve(name);
        Files.write(file, data);
        Files.readAllBytes(file);
        return file;
    }

    /** A file with no page in the cache. */
    Path evicted(String name, int bytes) throws IOException {
        Path file = cached(name, bytes);
        PageCache.evict(file);
        return file;
    }

    /**
     * An evicted file whose first half is then faulted in. Random advice keeps the kernel from
     * reading ahead into the second half.
     */
    Path halfTouched(String name, int bytes) throws IOException {
        Path file = evicted(name, bytes);
        try (MemoryMap m = MemoryMap.createFileMapping(file, 0, bytes, Mman.PROT_READ, Mman.MAP_SHARED)) {
            m.madvise(Advice.RANDOM);
            m.madvise(0, bytes / 2, Advice.POPULATE);
        }
        return file;
    }

    Path empty(String name) throws IOException {
        return Files.createFile(dir.resolve(name));
    }

    @Override
    public void close() throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path path : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.setPosixFilePermissions(path, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
                Files.delete(path);
            }
        }
    }
}
