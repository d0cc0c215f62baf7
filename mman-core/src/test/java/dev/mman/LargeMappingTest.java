package dev.mman;

import static dev.mman.Mman.MAP_SHARED;
import static dev.mman.Mman.MS_SYNC;
import static dev.mman.Mman.PROT_READ;
import static dev.mman.Mman.PROT_WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.testing.TestBackend;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A mapping larger than 2 GiB, over an 8 GiB sparse file: offsets past int range must work. */
class LargeMappingTest {

    private static final long SIZE = 8L << 30;
    /** Near 0, across 2^31 and 2^32 (records straddle both), just after them, and at the very end. */
    private static final long[] OFFSETS = {
        0, 4096, (1L << 31) - 5, (1L << 31) + 64, (1L << 32) - 3, (1L << 32) + 64, SIZE - 16
    };
    /** A sparse 8 GiB file takes a few blocks; anything near a gigabyte means the file system filled it in. */
    private static final long SPARSE_BUDGET = 1L << 30;

    @TempDir
    Path dir;

    @Test
    void eightGigabyteSparseFileMapsReadsWritesAndSyncs() throws IOException {
        Path file = dir.resolve("sparse.bin");
        FileStore store = Files.getFileStore(dir);
        long unallocatedBefore = store.getUnallocatedSpace();
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(SIZE);
        }
        long consumed = unallocatedBefore - store.getUnallocatedSpace();
        assertTrue(consumed < SPARSE_BUDGET, "the temporary directory's file system (" + store.type()
                + ") must support sparse files, but setLength(8 GiB) took " + consumed + " bytes");
        if (!TestBackend.mapsOverTwoGibibytes()) {
            MMapInvalidParameterException refused = assertThrows(MMapInvalidParameterException.class,
                    () -> MemoryMap.createFileMapping(file, 0, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED));
            assertTrue(refused.getMessage().contains("size " + SIZE) && refused.getMessage().contains("Backend.NATIVE"),
                    refused.getMessage());
            return;
        }

        try (MemoryMap m = MemoryMap.createFileMapping(file, 0, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED)) {
            assertEquals(SIZE, m.size());
            for (long offset : OFFSETS) {
                m.write(record(offset), offset);
            }
            for (long offset : OFFSETS) {
                assertArrayEquals(record(offset), m.read(16, offset), "read back at " + offset);
            }
            long bigPage = (1L << 32) - m.pageSize();
            m.msync(bigPage, 2 * m.pageSize(), MS_SYNC);
            m.msync();
            assertEquals(record((1L << 32) - 3)[3], m.asSegment().get(ValueLayout.JAVA_BYTE, 1L << 32));
            Rejections.assertRejected(MMapException.class, m::asByteBuffer, Long.toString(SIZE), "asSegment()");
        }

        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            assertEquals(SIZE, channel.size());
            for (long offset : OFFSETS) {
                ByteBuffer got = ByteBuffer.allocate(16);
                while (got.hasRemaining() && channel.read(got, offset + got.position()) > 0) {
                    // positional reads may return short; keep reading until the record is complete
                }
                assertArrayEquals(record(offset), got.array(), "file content at " + offset);
            }
        }
    }

    @Test
    void smallMappingsGiveAByteBuffer() {
        try (MemoryMap m = MemoryMap.createAnonymous(1 << 20)) {
            assertEquals(1 << 20, m.asByteBuffer().capacity());
        }
    }

    /** Sixteen bytes that name their own offset, so a misplaced write shows up. */
    private static byte[] record(long offset) {
        String text = String.format("@%015x", offset);
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
