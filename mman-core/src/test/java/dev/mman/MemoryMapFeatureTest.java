package dev.mman;

import static dev.mman.Mman.MAP_ANONYMOUS;
import static dev.mman.Mman.MAP_PRIVATE;
import static dev.mman.Mman.MAP_SHARED;
import static dev.mman.Mman.MS_ASYNC;
import static dev.mman.Mman.MS_INVALIDATE;
import static dev.mman.Mman.MS_SYNC;
import static dev.mman.Mman.PROT_EXEC;
import static dev.mman.Mman.PROT_READ;
import static dev.mman.Mman.PROT_WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.testing.NativeOnly;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a MemoryMap does beyond the seed's examples: fill, ranged msync, views, sharing and the factories. */
class MemoryMapFeatureTest {

    private static final int RW = PROT_READ | PROT_WRITE;

    @TempDir
    Path dir;

    private final int page = (int) Mman.pageSize();

    @Test
    void fillSetsEveryByte() {
        try (MemoryMap m = MemoryMap.createAnonymous(3L * page + 100)) {
            m.fill((byte) 0x7e);
            byte[] all = m.read((int) m.size());
            byte[] expected = new byte[all.length];
            Arrays.fill(expected, (byte) 0x7e);
            assertArrayEquals(expected, all);
        }
    }

    @Test
    void fillRangeTouchesOnlyTheRange() {
        try (MemoryMap m = MemoryMap.createAnonymous(2L * page)) {
            m.fill((byte) 1);
            m.fill(page - 10, 20, (byte) 2);
            byte[] all = m.read(2 * page);
            for (int i = 0; i < all.length; i++) {
                byte expected = i >= page - 10 && i < page + 10 ? (byte) 2 : (byte) 1;
                assertEquals(expected, all[i], "byte " + i);
            }
            m.fill(2L * page, 0, (byte) 3);
            assertEquals(1, m.read(1, 2L * page - 1)[0], "an empty fill at the end changes nothing");
        }
    }

    @Test
    void msyncOfAPageAlignedRangeReachesTheFile() throws IOException {
        Path file = Files.write(dir.resolve("sync.bin"), new byte[4 * page]);
        try (MemoryMap m = MemoryMap.createFileMapping(file, 0, 4L * page, RW, MAP_SHARED)) {
            m.fill(page, 2L * page, (byte) 0x33);
            m.msync(page, 2L * page, MS_SYNC);
            m.write(new byte[] {9}, 3L * page + 5);
            m.msync(3L * page, 10, MS_ASYNC | MS_INVALIDATE);
        }
        byte[] onDisk = Files.readAllBytes(file);
        for (int i = 0; i < onDisk.length; i++) {
            byte expected = i >= page && i < 3 * page ? (byte) 0x33 : i == 3 * page + 5 ? (byte) 9 : 0;
            assertEquals(expected, onDisk[i], "byte " + i);
        }
    }

    @Test
    void msyncOfAnonymousMemoryIsAHarmlessNoOp() {
        try (MemoryMap m = MemoryMap.createAnonymous(2L * page)) {
            m.write(new byte[] {8});
            m.msync();
            m.msync(MS_ASYNC);
            m.msync(page, page, MS_SYNC | MS_INVALIDATE);
            assertEquals(8, m.read(1)[0]);
        }
    }

    @Test
    void fillOfAFileMappingReachesTheFile() throws IOException {
        Path file = Files.write(dir.resolve("filled.bin"), new byte[page]);
        try (MemoryMap m = MemoryMap.createFileMapping(file, 0, page, RW, MAP_SHARED)) {
            m.fill((byte) -1);
            m.msync();
        }
        byte[] expected = new byte[page];
        Arrays.fill(expected, (byte) -1);
        assertArrayEquals(expected, Files.readAllBytes(file));
    }

    @Test
    void privateFileMappingWritesNeverReachTheFile() throws IOException {
        byte[] original = new byte[page];
        Arrays.fill(original, (byte) 'o');
        Path file = Files.write(dir.resolve("private.bin"), original);
        try (MemoryMap m = MemoryMap.createFileMapping(file, 0, page, RW, MAP_PRIVATE)) {
            m.write("changed".getBytes());
            m.msync(MS_SYNC);
            assertArrayEquals("changed".getBytes(), m.read(7));
        }
        assertArrayEquals(original, Files.readAllBytes(file));
    }

    @Test
    void fileMappingAtAnOffsetSeesThatPartOfTheFile() throws IOException {
        byte[] content = new byte[3 * page];
        Arrays.fill(content, page, 2 * page, (byte) 'b');
        Path file = Files.write(dir.resolve("offset.bin"), content);
        try (MemoryMap m = MemoryMap.createFileMapping(file, page, page, PROT_READ, MAP_SHARED)) {
            assertEquals('b', m.read(1)[0]);
            assertEquals('b', m.read(1, page - 1)[0]);
            assertTrue(m.toString().contains("file " + file), m.toString());
        }
    }

    @Test
    void viewsAreReadOnlyWithoutProtWrite() {
        try (MemoryMap m = MemoryMap.createAnonymous(page, PROT_READ)) {
            assertTrue(m.asSegment().isReadOnly());
            assertTrue(m.asSegment(ValueLayout.JAVA_INT).isReadOnly());
            assertTrue(m.asByteBuffer().isReadOnly());
        }
        try (MemoryMap m = MemoryMap.createAnonymous(page, RW)) {
            assertFalse(m.asSegment().isReadOnly());
            assertFalse(m.asByteBuffer().isReadOnly());
        }
    }

    @Test
    void byteBufferViewSharesTheMemory() {
        try (MemoryMap m = MemoryMap.createAnonymous(page)) {
            ByteBuffer buffer = m.asByteBuffer();
            assertEquals(page, buffer.capacity());
            buffer.putLong(8, 0x0102030405060708L);
            assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, m.read(8, 8));
        }
    }

    @Test
    void typedSegmentViewCoversTheWholeMapping() {
        try (MemoryMap m = MemoryMap.createAnonymous(4100)) {
            MemorySegment ints = m.asSegment(ValueLayout.JAVA_INT);
            assertEquals(4100, ints.byteSize());
            ints.setAtIndex(ValueLayout.JAVA_INT, 1024, -1);
            assertArrayEquals(new byte[] {-1, -1, -1, -1}, m.read(4, 4096));
        }
    }

    @Test
    @NativeOnly("mprotect")
    void addingRightsKeepsEarlierViewsValid() {
        try (MemoryMap m = MemoryMap.createAnonymous(page, PROT_READ)) {
            MemorySegment before = m.asSegment();
            m.mprotect(RW);
            assertEquals(RW, m.protection());
            m.write(new byte[] {5});
            assertEquals(5, before.get(ValueLayout.JAVA_BYTE, 0), "a view survives an mprotect that adds rights");
            assertFalse(m.asSegment().isReadOnly());
        }
    }

    @Test
    void sharedAnonymousMemoryWorks() {
        try (MemoryMap m = MemoryMap.createAnonymous(2L * page, RW, MAP_SHARED)) {
            m.write("shared".getBytes(), page);
            assertArrayEquals("shared".getBytes(), m.read(6, page));
            assertTrue(m.toString().contains("MAP_SHARED|MAP_ANONYMOUS"), m.toString());
        }
    }

    @Test
    void mmapRegionWithOnlyASizeIsPrivateReadWriteMemory() {
        try (MemoryMap m = Mman.mmapRegion(page)) {
            assertEquals(RW, m.protection());
            assertEquals(page, m.size());
            assertNotEquals(0, m.address());
            assertEquals(0, m.address() % page);
            assertTrue(m.toString().contains("anonymous memory"), m.toString());
            assertTrue(m.toString().contains("MAP_PRIVATE|MAP_ANONYMOUS"), m.toString());
            assertTrue(m.toString().contains(page + " bytes"), m.toString());
        }
    }

    @Test
    void mmapRegionWithAnonymousFlagsMapsMemory() {
        try (MemoryMap m = Mman.mmapRegion(page, PROT_READ, MAP_SHARED | MAP_ANONYMOUS)) {
            assertEquals(PROT_READ, m.protection());
            assertArrayEquals(new byte[16], m.read(16));
            assertTrue(m.toString().contains("anonymous memory, " + page + " bytes, PROT_READ, MAP_SHARED"),
                    m.toString());
        }
    }

    @Test
    @NativeOnly("mapping a raw file descriptor")
    void mmapRegionWithAFileDescriptorMapsTheFile() throws Exception {
        byte[] content = new byte[2 * page];
        content[page] = 42;
        Path file = Files.write(dir.resolve("region.bin"), content);
        MemoryMap m;
        try (var opened = Descriptors.open(file, () -> new RandomAccessFile(file.toFile(), "rw"))) {
            m = Mman.mmapRegion(page, RW, MAP_SHARED, opened.fd(), page);
            assertTrue(m.toString().contains("fd " + opened.fd() + " (" + file.toRealPath() + ")"), m.toString());
        }
        try (m) {
            assertEquals(42, m.read(1)[0], "the mapping outlives the descriptor it came from");
            m.write(new byte[] {43});
        }
        assertEquals(43, Files.readAllBytes(file)[page]);
    }

    @Test
    void allocationGranularityIsThePageSizeOnLinux() {
        assertEquals(Mman.pageSize(), Mman.allocationGranularity());
    }

    @Test
    @NativeOnly("PROT_EXEC")
    void executableMemoryNeedsTheSystemProperty() {
        System.setProperty("dev.mman.allowExec", "true");
        try (MemoryMap m = MemoryMap.createAnonymous(page, PROT_READ | PROT_EXEC)) {
            assertEquals(PROT_READ | PROT_EXEC, m.protection());
            assertTrue(m.toString().contains("PROT_READ|PROT_EXEC"), m.toString());
        } finally {
            System.clearProperty("dev.mman.allowExec");
        }
    }
}
