package dev.mman.internal.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.MMapAllocationException;
import dev.mman.internal.NativeCalls;
import dev.mman.internal.Platform;
import dev.mman.testing.AllocatedBytes;
import dev.mman.testing.Caught;
import dev.mman.testing.ChildJvm;
import dev.mman.testing.ChildResult;
import dev.mman.testing.Tmpfs;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Platform#reserve}: posix_fallocate on real file systems. The full ones are tmpfs mounts of
 * 2 and 40 MiB that the test makes (as root), filled by a child JVM that maps and writes what it
 * reserved; the real /dev/shm is only used for objects that fit.
 */
class ReserveTest {

    @TempDir
    Path dir;

    private final Platform linux = Platform.current();

    @Test
    void aFullTmpfsRefusesTheReservationWithEnospcAndTheNumbers() throws IOException {
        Path small = Files.createDirectory(dir.resolve("two-mib"));
        Path medium = Files.createDirectory(dir.resolve("forty-mib"));
        Tmpfs smallMount = Tmpfs.mountOrSkip(small, "2m");
        try {
            Tmpfs mediumMount = Tmpfs.mountOrSkip(medium, "40m");
            try {
                ChildResult child = ChildJvm.in(dir).withDefaultBackend()
                        .run(ReserveProbe.class, small.toString(), medium.toString()).assertCleanExit();
                Caught.assertReturned(child, "fits");
                assertEquals("WROTE fits.bin " + (1536 << 10), child.line("WROTE fits.bin"));
                String tooBig = Caught.assertCaught(child, "too-big", MMapAllocationException.class);
                assertEquals("ERRNO too-big 28", child.line("ERRNO too-big"));
                assertTrue(tooBig.startsWith("reserving 1048576 bytes for fd ") && tooBig.contains("too-big.bin")
                        && tooBig.contains("checked with fstatvfs before posix_fallocate) failed: ENOSPC"), tooBig);
                assertTrue(tooBig.contains("asked for 1 MiB (1048576 bytes); the file system of ")
                        && tooBig.contains(" has 512 KiB (524288 bytes) free of 2 MiB (2097152 bytes)")
                        && tooBig.contains("put the file on a larger file system"), tooBig);
                assertEquals("FREE " + (512 << 10), child.line("FREE "), "the refused reservation took nothing");
                Caught.assertReturned(child, "chunks");
                String chunks = Caught.assertCaught(child, "chunks-too-big", MMapAllocationException.class);
                assertTrue(chunks.startsWith("posix_fallocate(fd ") && chunks.contains(", 16777216, 14680064) reserving "
                        + (30 << 20) + " bytes failed: ENOSPC"), chunks);
                assertTrue(chunks.contains("asked for 30 MiB (31457280 bytes) and got 16 MiB (16777216 bytes) before "
                        + "running out"), chunks);
            } finally {
                mediumMount.unmount();
            }
        } finally {
            smallMount.unmount();
        }
    }

    @Test
    void aSparseSharedMemoryFileGetsEveryBlock() throws Exception {
        Path object = Path.of("/dev/shm", "mman-reserve-" + ProcessHandle.current().pid());
        Files.createFile(object);
        try {
            int fd = linux.openFile(object, true);
            try {
                linux.truncate(fd, 1 << 20);
                assertEquals(0, AllocatedBytes.of(object), "ftruncate alone takes no space");
                assertTrue(linux.reserve(fd, 1 << 20));
                assertEquals(1 << 20, AllocatedBytes.of(object));
                assertTrue(linux.reserve(fd, 4096), "reserving less than the size keeps the size");
                assertEquals(1 << 20, linux.openedFileSize(fd));
            } finally {
                linux.closeFile(fd);
            }
        } finally {
            Files.deleteIfExists(object);
        }
    }

    @Test
    void theCheckRefusesOnlyWhatCannotFit() {
        Space.Room room = new Space.Room(1000, 4000);
        assertTrue(Space.cannotFit(room, 0, 1001));
        assertFalse(Space.cannotFit(room, 0, 1000));
        assertFalse(Space.cannotFit(room, 3000, 3500), "what the file has already needs no room");
        assertFalse(Space.cannotFit(room, 8000, 3500), "a file with more blocks than its size needs nothing");
        assertFalse(Space.cannotFit(new Space.Room(0, 0), 0, 1 << 30), "a tmpfs with no size limit says 0 of 0");
        assertFalse(Space.cannotFit(null, 0, 1 << 30), "unknown room: let posix_fallocate decide");
        assertFalse(Space.cannotFit(room, -1, 1 << 30), "unknown blocks: let posix_fallocate decide");
    }

    @Test
    void theStructOffsetsAreTheKernelsOnThisArchitecture() throws Exception {
        Path file = Files.write(dir.resolve("room.bin"), new byte[8192]);
        int fd = linux.openFile(file, false);
        try {
            Space.Room room = Space.room(NativeCalls.errno(Integer::toString), fd);
            FileStore store = Files.getFileStore(file);
            assertEquals(store.getTotalSpace(), room.total());
            assertTrue(room.free() > 0 && room.free() <= room.total(), room.toString());
            assertEquals(AllocatedBytes.of(file), Space.allocated(NativeCalls.errno(Integer::toString), fd));
        } finally {
            linux.closeFile(fd);
        }
    }

    @Test
    void theByteCountsReadAsPeopleWriteThem() {
        assertEquals("0 bytes", Space.bytes(0));
        assertEquals("1023 bytes", Space.bytes(1023));
        assertEquals("1.5 KiB (1536 bytes)", Space.bytes(1536));
        assertEquals("64 MiB (67108864 bytes)", Space.bytes(64L << 20));
        assertEquals("3 GiB (3221225472 bytes)", Space.bytes(3L << 30));
    }
}
