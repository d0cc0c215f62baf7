package dev.mman.shm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.MMapAllocationException;
import dev.mman.SharedMemory;
import dev.mman.testing.AllocatedBytes;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * No SIGBUS from a full /dev/shm: create reserves the object, so asking for more than /dev/shm
 * holds fails at once, cleanly and without leaving a name; open reserves what another program left
 * sparse. The real /dev/shm is never filled: the refused size is larger than the whole file
 * system, which tmpfs refuses before allocating anything (a 2 MiB tmpfs that is really filled is
 * in {@code internal.linux.ReserveTest}).
 */
class SharedMemorySpaceTest {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final String name = "mman-space-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
    private final Path object = Path.of("/dev/shm", name);

    @AfterEach
    void removeName() {
        SharedMemory.unlink(name);
    }

    @Test
    void moreThanDevShmHoldsFailsAtCreateWithEnospcAndLeavesNothing() throws IOException {
        FileStore devShm = Files.getFileStore(Path.of("/dev/shm"));
        long tooMuch = devShm.getTotalSpace() + (1L << 30);
        MMapAllocationException full = assertThrows(MMapAllocationException.class,
                () -> SharedMemory.create(name, tooMuch));
        String message = full.getMessage();
        System.out.println("create(" + tooMuch + ") on a /dev/shm of " + devShm.getTotalSpace() + " bytes: " + message);
        assertEquals(28, full.errno(), message);
        assertTrue(message.startsWith("SharedMemory.create(" + name + ", " + tooMuch + "): reserving " + tooMuch
                + " bytes for fd "), message);
        assertTrue(message.contains("(checked with fstatvfs before posix_fallocate)"), "nothing was allocated: " + message);
        assertTrue(message.contains("ENOSPC") && message.contains("asked for ") && message.contains("/dev/shm has ")
                && message.contains(" free of ") && message.contains("docker run --shm-size="), message);
        assertTrue(message.endsWith("(/" + name + " was removed again)"), message);
        assertFalse(Files.exists(object), "a refused create leaves no object behind");
    }

    @Test
    void anExistingEmptyObjectIsSizedButNotRemovedWhenItDoesNotFit() throws IOException {
        Files.createFile(object);
        long tooMuch = Files.getFileStore(Path.of("/dev/shm")).getTotalSpace() + (1L << 30);
        MMapAllocationException full = assertThrows(MMapAllocationException.class, () -> SharedMemory.create(name,
                tooMuch, SharedMemory.Options.defaults().withOpenOrCreate()));
        assertEquals(28, full.errno());
        assertFalse(full.getMessage().contains("removed again"), full.getMessage());
        assertTrue(Files.exists(object), "somebody else's object stays");
        assertThrows(MMapAllocationException.class, () -> SharedMemory.open(name),
                "an open reserves too, so the sparse size it got cannot fault either");
    }

    @Test
    void createReservesEveryByte() throws Exception {
        try (SharedMemory shm = SharedMemory.create(name, 1 << 20)) {
            assertEquals(1 << 20, AllocatedBytes.of(object));
        }
    }

    @Test
    void openReservesWhatAnotherProgramLeftSparse() throws Exception {
        try (RandomAccessFile sparse = new RandomAccessFile(object.toFile(), "rw")) {
            sparse.setLength(1 << 20); // as Python's and C's creators do: ftruncate only
        }
        Files.setPosixFilePermissions(object, PosixFilePermissions.fromString("rw-------"));
        assertEquals(0, AllocatedBytes.of(object));
        try (SharedMemory shm = SharedMemory.open(name)) {
            assertEquals(1 << 20, AllocatedBytes.of(object));
            assertEquals(1 << 20, shm.size());
        }
    }
}
