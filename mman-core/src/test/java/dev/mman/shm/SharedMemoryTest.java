package dev.mman.shm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.MMapException;
import dev.mman.MMapInvalidParameterException;
import dev.mman.SharedMemory;
import dev.mman.testing.ChildJvm;
import dev.mman.testing.ChildResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SharedMemoryTest {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    @TempDir
    Path dir;

    private final String name = "mman-test-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();

    @AfterEach
    void removeName() {
        SharedMemory.unlink(name);
    }

    @Test
    void twoProcessesSeeTheSameBytes() {
        try (SharedMemory shm = SharedMemory.create(name, 4096)) {
            shm.write(ascii("hello from the parent"), 0);
            ChildResult child = ChildJvm.in(dir).run(SharedMemoryPeer.class, name).assertCleanExit();
            assertEquals("hello from the parent", child.line("READ ").substring("READ ".length()));
            assertArrayEquals(ascii(SharedMemoryPeer.REPLY), shm.read(SharedMemoryPeer.REPLY.length(),
                    SharedMemoryPeer.REPLY_OFFSET));
            assertTrue(shm.unlink());
            // the name is gone, the mapping is not
            assertArrayEquals(ascii("hello"), shm.read(5, 0));
        }
        MMapException gone = assertThrows(MMapException.class, () -> SharedMemory.open(name));
        assertTrue(gone.getMessage().contains("no shared memory is named /" + name), gone.getMessage());
    }

    @Test
    void createsOwnerOnlyObjectsUnderDevShm() throws IOException {
        try (SharedMemory shm = SharedMemory.create(name, 8192)) {
            Path object = Path.of("/dev/shm", name);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(object)));
            assertEquals(8192, Files.size(object));
            assertEquals("/" + name, shm.name());
            assertEquals(8192, shm.size());
        }
    }

    @Test
    void modeCanBeWidenedOnRequest() throws IOException {
        try (SharedMemory shm = SharedMemory.create(name, 4096, SharedMemory.Options.defaults().withMode(0640))) {
            Path object = Path.of("/dev/shm", name);
            assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(object)));
        }
    }

    @Test
    void createRefusesAnExistingNameUnlessAskedToOpen() {
        try (SharedMemory first = SharedMemory.create(name, 4096)) {
            first.write(ascii("kept"), 0);
            MMapException exists = assertThrows(MMapException.class, () -> SharedMemory.create(name, 4096));
            assertTrue(exists.getMessage().contains("/" + name + " exists already"), exists.getMessage());
            try (SharedMemory again = SharedMemory.create(name, 4096,
                    SharedMemory.Options.defaults().withOpenOrCreate())) {
                assertArrayEquals(ascii("kept"), again.read(4, 0));
            }
            MMapInvalidParameterException otherSize = assertThrows(MMapInvalidParameterException.class,
                    () -> SharedMemory.create(name, 8192, SharedMemory.Options.defaults().withOpenOrCreate()));
            assertTrue(otherSize.getMessage().contains("4096 bytes, not 8192"), otherSize.getMessage());
        }
    }

    @Test
    void closeIsNotUnlink() {
        SharedMemory.create(name, 4096).close();
        try (SharedMemory reopened = SharedMemory.open(name)) {
            assertEquals(4096, reopened.size());
        }
        assertTrue(SharedMemory.unlink(name));
        assertFalse(SharedMemory.unlink(name));
    }

    @Test
    void openOfAnEmptyObjectSaysItIsNotSizedYet() throws IOException {
        Files.createFile(Path.of("/dev/shm", name));
        MMapException empty = assertThrows(MMapException.class, () -> SharedMemory.open(name));
        assertTrue(empty.getMessage().contains("is empty"), empty.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/", "a/b", "/a/b", "..", "a..b", "/../etc", ".", "nul\0name"})
    void badNamesAreRefusedWithTheRule(String bad) {
        MMapInvalidParameterException e = assertThrows(MMapInvalidParameterException.class,
                () -> SharedMemory.create(bad, 4096));
        assertTrue(e.getMessage().contains("a name is an optional leading '/'"), e.getMessage());
        assertThrows(MMapInvalidParameterException.class, () -> SharedMemory.open(bad));
    }

    @Test
    void aNameLongerThanThePlatformLimitIsRefused() {
        String tooLong = "x".repeat(SharedMemory.maxNameLength() + 1);
        MMapInvalidParameterException e = assertThrows(MMapInvalidParameterException.class,
                () -> SharedMemory.create(tooLong, 4096));
        assertTrue(e.getMessage().contains((SharedMemory.maxNameLength() + 1) + " bytes long"), e.getMessage());
        assertEquals(255, SharedMemory.maxNameLength());
    }

    @Test
    void badModeAndSizeAreRefused() {
        MMapInvalidParameterException mode = assertThrows(MMapInvalidParameterException.class,
                () -> SharedMemory.Options.defaults().withMode(01777));
        assertTrue(mode.getMessage().contains("01777"), mode.getMessage());
        MMapInvalidParameterException size = assertThrows(MMapInvalidParameterException.class,
                () -> SharedMemory.create(name, 0));
        assertTrue(size.getMessage().contains("size 0"), size.getMessage());
        assertFalse(Files.exists(Path.of("/dev/shm", name)), "a refused create leaves nothing behind");
    }

    @Test
    void sharedMemoryIsAFullMemoryMap() {
        try (SharedMemory shm = SharedMemory.create(name, 4096)) {
            shm.fill((byte) 7);
            shm.msync();
            shm.mprotect(dev.mman.Mman.PROT_READ);
            assertThrows(MMapException.class, () -> shm.write(new byte[1], 0));
            assertEquals(7, shm.asSegment().get(java.lang.foreign.ValueLayout.JAVA_BYTE, 4095));
        }
    }

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
