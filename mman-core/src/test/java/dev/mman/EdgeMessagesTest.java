package dev.mman;

import static dev.mman.Mman.MAP_PRIVATE;
import static dev.mman.Mman.MAP_SHARED;
import static dev.mman.Mman.PROT_READ;
import static dev.mman.Mman.PROT_WRITE;
import static dev.mman.Rejections.assertRejected;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.testing.NativeOnly;
import dev.mman.testing.Tmpfs;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Messages that used to mislead: each now says what the object or the cause really is. */
class EdgeMessagesTest {

    private static final Path DEV_SHM = Path.of("/dev/shm");

    @TempDir
    Path dir;

    @Test
    @NativeOnly("mlock")
    void dontNeedOnLockedMemorySaysItIsLocked() {
        try (MemoryMap m = MemoryMap.createAnonymous(1 << 16)) {
            m.mlock();
            assertRejected(MMapException.class, () -> m.madvise(Advice.DONTNEED), "EINVAL", "locked", "munlock()");
            m.munlock();
            m.madvise(Advice.DONTNEED);
        }
    }

    /**
     * As root (CAP_IPC_LOCK) RLIMIT_MEMLOCK does not apply; mlock of a shared mapping of a file
     * bigger than its full tmpfs fails because the pages cannot be faulted in.
     */
    @Test
    @NativeOnly("mlock")
    void mlockOnAFullTmpfsDoesNotBlameTheLimitWhenItDoesNotApply() throws IOException {
        Path mountPoint = Files.createDirectory(dir.resolve("small"));
        Tmpfs tmpfs = Tmpfs.mountOrSkip(mountPoint, "64k");
        try {
            Path file = mountPoint.resolve("sparse.bin");
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                raf.setLength(1 << 20);
            }
            try (MemoryMap m = MemoryMap.createFileMapping(file, 0, 1 << 20, PROT_READ | PROT_WRITE, MAP_SHARED)) {
                MMapException e = assertRejected(MMapException.class, m::mlock, "ENOMEM");
                if (LockedMemory.limitIsLifted() || LockedMemory.limitBytes() == Long.MAX_VALUE) {
                    assertTrue(e.getMessage().contains("not the cause"), e.getMessage());
                    assertTrue(e.getMessage().contains("tmpfs"), e.getMessage());
                }
            }
        } finally {
            tmpfs.unmount();
        }
    }

    @Test
    void sharedMemoryNamesHeldByOtherKindsOfFileSayWhatTheyAre() throws Exception {
        String name = "mman-edges-" + UUID.randomUUID();
        Path held = DEV_SHM.resolve(name);
        Files.createDirectory(held);
        try {
            assertRejected(MMapException.class, () -> SharedMemory.open(name), "is a directory",
                    "not a shared-memory object");
        } finally {
            Files.delete(held);
        }
        assertEquals(0, new ProcessBuilder("mkfifo", held.toString()).inheritIO().start().waitFor());
        try {
            assertRejected(MMapInvalidParameterException.class, () -> SharedMemory.open(name), "FIFO",
                    "not a shared-memory object");
            assertRejected(MMapInvalidParameterException.class,
                    () -> SharedMemory.create(name, 4096, SharedMemory.Options.defaults().withOpenOrCreate()),
                    "FIFO", "not a shared-memory object");
            assertTrue(Files.exists(held), "a refusal removes nothing it did not make");
        } finally {
            Files.delete(held);
        }
    }

    /** NATIVE's open() answers ENXIO for a socket, the JDK backends stat it: the same message either way. */
    @Test
    void aSocketIsCalledASocketOnEveryBackend() throws IOException {
        Path socket = dir.resolve("s.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            assertRejected(MMapInvalidParameterException.class,
                    () -> MemoryMap.createFileMapping(socket, 0, 4096, PROT_READ, MAP_SHARED), "is a socket");
            assertRejected(MMapInvalidParameterException.class, () -> PageCache.evict(socket), "is a socket");
        }
    }

    @Test
    void evictingAProcFileSaysItHasNoPageCache() {
        assertRejected(MMapException.class, () -> PageCache.evict(Path.of("/proc/self/maps")),
                "not a regular file with a page cache");
    }

    @Test
    void mappingAProcFileSaysItHasNoPagesRatherThanAskingForALength() {
        assertRejected(MMapInvalidParameterException.class,
                () -> MemoryMap.createFileMapping(Path.of("/proc/self/maps"), 0, 4096, PROT_READ, MAP_PRIVATE),
                "/proc/self/maps is a kernel file whose size reads as 0");
    }

    @Test
    void aDeviceIsCalledADevice() {
        assertRejected(MMapInvalidParameterException.class,
                () -> MemoryMap.createFileMapping(Path.of("/dev/null"), 0, 4096, PROT_READ, MAP_SHARED),
                "/dev/null is a device file");
    }

    @Test
    void offsetSuggestionsAreOffsetsThatExist() {
        try (MemoryMap m = MemoryMap.createAnonymous(1 << 16, PROT_READ | PROT_WRITE, MAP_SHARED)) {
            String near = assertRejected(MMapInvalidParameterException.class,
                    () -> dev.mman.ipc.SharedLock.format(m, 13), "use 8 or 16").getMessage();
            assertFalse(near.contains("-"), near);
            for (long offset : new long[] {Long.MAX_VALUE, Long.MAX_VALUE - 8, (1 << 16) - 60}) {
                String message = assertRejected(MMapInvalidParameterException.class,
                        () -> dev.mman.ipc.SharedLock.format(m, offset)).getMessage();
                assertFalse(message.matches(".*(use|fits is) -?\\d*(-|922337203685477)\\d*.*"), message);
                assertFalse(message.contains("-9223372036854775808"), message);
            }
        }
    }

    @Test
    void aFaultReasonTellsATruncatedFileFromAFullOne() throws IOException {
        Path file = Files.write(dir.resolve("f.bin"), new byte[8192]);
        assertTrue(FileChecks.faultReason(file, 0, 8192).contains("still covers"));
        assertTrue(FileChecks.faultReason(file, 4096, 8192).contains("shorter than the mapping's end at 12288"));
        assertTrue(FileChecks.faultReason(dir.resolve("gone"), 0, 1).contains("cannot be examined"));
        assertTrue(FileChecks.faultReason(null, 0, 1).contains("shorter than the mapping"));
    }
}
