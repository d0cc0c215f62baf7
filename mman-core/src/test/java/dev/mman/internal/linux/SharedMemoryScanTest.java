package dev.mman.internal.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.SharedMemoryInfo;
import dev.mman.internal.SharedMemoryObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scan of /dev/shm and /proc, pointed at a tree made to look like them, with the awkward cases
 * a real /proc produces now and then: a process gone between the listing and the read, one whose
 * maps cannot be read, a stale inode, a closed descriptor, and entries that are not shared memory.
 */
class SharedMemoryScanTest {

    @TempDir
    Path root;

    @Test
    void findsUsersByMappingAndByDescriptorAndToleratesWhatProcDoes() throws IOException {
        Path shm = Files.createDirectory(root.resolve("shm"));
        Path proc = Files.createDirectory(root.resolve("proc"));
        Path alpha = object(shm, "alpha", 100, "rw-------");
        Path beta = object(shm, "beta", 200, "rw-rw-rw-");
        object(shm, "gamma", 300, "rw-------");
        object(shm, "sem.lock", 32, "rw-------");
        Files.createDirectory(shm.resolve("sub"));
        Files.createSymbolicLink(shm.resolve("link"), alpha);
        long alphaInode = inode(alpha);

        process(proc, 100, mapsLine(alphaInode, alpha) + "\n7f00-7f01 rw-p 00000000 00:00 0\n");
        Files.createSymbolicLink(process(proc, 200, "").resolve("fd").resolve("3"), beta);
        Files.createSymbolicLink(proc.resolve("200").resolve("fd").resolve("4"), shm.resolve("gone")); // closed
        Files.createDirectory(proc.resolve("300")); // exited between the listing and the read: no maps
        Path hidden = Files.createDirectories(proc.resolve("400").resolve("maps")); // unreadable: a directory
        Files.writeString(hidden.getParent().resolve("status"), "Name:\tother\nUid:\t1234\t1234\t1234\t1234\n");
        process(proc, 500, mapsLine(alphaInode + 1_000_000, alpha) + "\n"); // an older object of that name
        Files.createDirectories(proc.resolve("self"));
        Files.writeString(proc.resolve("self").resolve("status"), "Uid:\t0\t0\t0\t0\n");
        Files.createDirectory(proc.resolve("sys"));

        List<SharedMemoryObject> found = new SharedMemoryScan(shm, proc).scan();
        Map<String, SharedMemoryInfo> byName = found.stream().map(SharedMemoryObject::info)
                .collect(Collectors.toMap(SharedMemoryInfo::name, info -> info));
        assertEquals(List.of("/alpha", "/beta", "/gamma"), found.stream().map(o -> o.info().name()).toList(),
                "semaphores, directories and links are not shared memory");

        SharedMemoryInfo a = byName.get("/alpha");
        assertEquals(List.of(100L), a.processes());
        assertEquals(100, a.size());
        assertEquals(0600, a.mode());
        assertEquals(List.of(), a.uninspected(), "uid 1234 cannot open another user's 0600 object");
        assertEquals(alphaInode, found.get(0).identity());

        SharedMemoryInfo b = byName.get("/beta");
        assertEquals(List.of(200L), b.processes(), "a descriptor counts as a use");
        assertEquals(List.of(400L), b.uninspected(), "the hidden uid 1234 may open a 0666 object");
        assertFalse(b.unused());

        SharedMemoryInfo c = byName.get("/gamma");
        assertEquals(List.of(), c.processes());
        assertTrue(c.unused());
        assertTrue(found.get(2).removable(), "root may remove anything");
    }

    @Test
    void aMissingDirectoryHasNoObjects() {
        assertEquals(List.of(), new SharedMemoryScan(root.resolve("absent"), root).scan());
    }

    @Test
    void mapsLinesGiveTheInodeOfPathsUnderThePrefix() {
        String prefix = "/dev/shm/";
        assertEquals(12345, SharedMemoryScan.mappedInode(
                "7f0000000000-7f0000001000 rw-s 00000000 00:1a 12345                      /dev/shm/orders", prefix));
        assertEquals(7, SharedMemoryScan.mappedInode("7f00-7f01 rw-s 00000000 00:1a 7  /dev/shm/with space", prefix));
        assertEquals(-1, SharedMemoryScan.mappedInode("7f00-7f01 rw-p 00000000 00:00 0 ", prefix));
        assertEquals(-1, SharedMemoryScan.mappedInode("7f00-7f01 rw-p 00000000 00:00 0   [heap]", prefix));
        assertEquals(-1, SharedMemoryScan.mappedInode("7f00-7f01 r--p 00000000 08:01 99  /usr/lib/libc.so.6", prefix));
        assertEquals(-1, SharedMemoryScan.mappedInode("garbage /dev/shm/x", prefix));
        assertEquals(-1, SharedMemoryScan.mappedInode("7f00-7f01 rw-s 00000000 00:1a x1  /dev/shm/x", prefix));
    }

    @Test
    void statusGivesTheFourUids() throws IOException {
        Path status = Files.writeString(root.resolve("status"), "Name:\tjava\nUmask:\t0022\nUid:\t1000\t1001\t1002\t1003\n");
        assertArrayEquals(new int[] {1000, 1001, 1002, 1003}, SharedMemoryScan.uids(status));
        assertNull(SharedMemoryScan.uids(root.resolve("absent")));
        assertNull(SharedMemoryScan.uids(Files.writeString(root.resolve("odd"), "Uid:\tx\n")));
    }

    private static Path object(Path shm, String name, int size, String permissions) throws IOException {
        Path file = Files.write(shm.resolve(name), new byte[size]);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
        return file;
    }

    private static Path process(Path proc, long pid, String maps) throws IOException {
        Path dir = Files.createDirectories(proc.resolve(Long.toString(pid)).resolve("fd")).getParent();
        Files.writeString(dir.resolve("maps"), maps);
        return dir;
    }

    private static String mapsLine(long inode, Path file) {
        return "7f0000000000-7f0000001000 rw-s 00000000 00:1a " + inode + "                   " + file;
    }

    private static long inode(Path file) throws IOException {
        return (Long) Files.getAttribute(file, "unix:ino");
    }
}
