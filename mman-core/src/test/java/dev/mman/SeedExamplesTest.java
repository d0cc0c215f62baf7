package dev.mman;

import static dev.mman.Mman.MAP_SHARED;
import static dev.mman.Mman.MS_SYNC;
import static dev.mman.Mman.PROT_READ;
import static dev.mman.Mman.PROT_WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.testing.NativeOnly;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The original library's own examples (its section 7 and its smoke test), in Java. */
class SeedExamplesTest {

    @TempDir
    Path dir;

    @Test
    void smokeTest() {
        try (MemoryMap m = MemoryMap.createAnonymous(4096, PROT_READ | PROT_WRITE)) {
            m.write(ascii("smoke test"), 100);
            assertArrayEquals(ascii("smoke test"), m.read(10, 100));
        }
        try (MemoryMap m = MemoryMap.createAnonymous(4096, PROT_READ | PROT_WRITE)) {
            MemorySegment a = m.asSegment(ValueLayout.JAVA_BYTE);
            a.set(ValueLayout.JAVA_BYTE, 0, (byte) 42);
            assertArrayEquals(new byte[] {0x2a}, m.read(1));
        }
    }

    @Test
    void basicAnonymousMap() {
        MemoryMap kept;
        try (MemoryMap m = MemoryMap.createAnonymous(4096, PROT_READ | PROT_WRITE)) {
            kept = m;
            m.write(ascii("Hello from mman!"));
            assertArrayEquals(ascii("Hello from mman!"), m.read(16));
            assertEquals(Mman.pageSize(), m.pageSize());
            assertTrue(m.pageSize() == 4096 || m.pageSize() == 16384 || m.pageSize() == 65536);
            assertTrue(m.isValid());
        }
        assertFalse(kept.isValid());
    }

    @Test
    void mediumFileBackedStructRecords() throws IOException {
        int row = Integer.BYTES + Double.BYTES; // struct "<Id": little-endian int32 + float64
        int rows = 16;
        Path file = Files.write(dir.resolve("records.bin"), new byte[row * rows]);
        try (MemoryMap m = MemoryMap.createFileMapping(file, 0, row * rows, PROT_READ | PROT_WRITE, MAP_SHARED)) {
            for (int i = 0; i < rows; i++) {
                ByteBuffer record = ByteBuffer.allocate(row).order(ByteOrder.LITTLE_ENDIAN);
                record.putInt(i).putDouble(i * 1.5);
                m.write(record.array(), (long) i * row);
            }
            m.msync(MS_SYNC);
        }
        ByteBuffer raw = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(row * rows, raw.capacity());
        for (int i = 0; i < rows; i++) {
            assertEquals(i, raw.getInt(i * row));
            assertEquals(i * 1.5, raw.getDouble(i * row + Integer.BYTES));
        }
    }

    @Test
    @NativeOnly("mprotect")
    void advancedZeroCopyFillThenProtectionLifecycle() {
        int size = 1 << 20;
        try (MemoryMap m = MemoryMap.createAnonymous(size, PROT_READ | PROT_WRITE)) {
            MemorySegment arr = m.asSegment(ValueLayout.JAVA_BYTE);
            for (int i = 0; i < size; i++) {
                arr.set(ValueLayout.JAVA_BYTE, i, (byte) i); // np.tile(np.arange(256), SIZE // 256)
            }
            m.mprotect(PROT_READ);
            byte[] first = m.read(64);
            for (int i = 0; i < 64; i++) {
                assertEquals((byte) i, first[i]);
            }
            assertThrows(MMapException.class, () -> m.write(new byte[1]));
            assertThrows(IllegalStateException.class, () -> arr.get(ValueLayout.JAVA_BYTE, 0));
            m.mprotect(PROT_READ | PROT_WRITE);
            m.write(new byte[] {7});
            assertEquals(7, m.asSegment().get(ValueLayout.JAVA_BYTE, 0));
            assertArrayEquals(m.read(size), m.asSegment().toArray(ValueLayout.JAVA_BYTE));
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
