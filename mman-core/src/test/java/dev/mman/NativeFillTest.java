package dev.mman;

import static dev.mman.Mman.MAP_ANONYMOUS;
import static dev.mman.Mman.MAP_HUGETLB;
import static dev.mman.Mman.MAP_PRIVATE;
import static dev.mman.Mman.MAP_SHARED;
import static dev.mman.Mman.PROT_READ;
import static dev.mman.Mman.PROT_WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrowsExactly;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.internal.Platform;
import dev.mman.testing.NativeOnly;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Fills that go through {@code memset} ({@link NativeFill}) set exactly the bytes asked for, and
 * only mappings that no one outside can shrink get them. The races against close and mprotect run
 * in a child JVM ({@link NoCrashTest}).
 */
class NativeFillTest {

    private static final int RW = PROT_READ | PROT_WRITE;
    private static final int SIZE = 1 << 20;

    /** The offset of the first byte in {@code bytes} that is not {@code expected}, or -1. */
    private static int firstMismatch(byte[] bytes, int from, int to, byte expected) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != expected) {
                return i;
            }
        }
        return -1;
    }

    @ParameterizedTest
    @ValueSource(longs = {NativeFill.THRESHOLD - 1, NativeFill.THRESHOLD, NativeFill.THRESHOLD + 1, 12_345, SIZE - 2})
    void fillSetsTheRangeAndNothingAroundIt(long length) {
        try (MemoryMap m = MemoryMap.createAnonymous(SIZE)) {
            m.fill((byte) 1);
            m.fill(1, length, (byte) 0x7e);
            byte[] all = m.read(SIZE, 0);
            assertEquals(1, all[0]);
            assertEquals(-1, firstMismatch(all, 1, (int) (1 + length), (byte) 0x7e));
            assertEquals(-1, firstMismatch(all, (int) (1 + length), SIZE, (byte) 1));
        }
    }

    @Test
    void wholeMappingFillOfSharedAnonymousMemory() {
        try (MemoryMap m = MemoryMap.createAnonymous(SIZE, RW, MAP_SHARED)) {
            m.fill((byte) -3);
            assertEquals(-1, firstMismatch(m.read(SIZE, 0), 0, SIZE, (byte) -3));
        }
    }

    @Test
    @NativeOnly("mprotect")
    void nativeFillStillRefusesWithoutWriteRightsAndAfterClose() {
        MemoryMap m = MemoryMap.createAnonymous(SIZE);
        m.mprotect(PROT_READ);
        MMapException readOnly = assertThrowsExactly(MMapException.class, () -> m.fill((byte) 1));
        assertTrue(readOnly.getMessage().contains("PROT_WRITE"), readOnly.getMessage());
        m.mprotect(RW);
        m.fill((byte) 2);
        assertEquals(2, m.read(1, SIZE - 1)[0]);
        m.close();
        MMapException closed = assertThrowsExactly(MMapException.class, () -> m.fill(0, SIZE, (byte) 1));
        assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
        MMapInvalidParameterException past = assertThrowsExactly(MMapInvalidParameterException.class,
                () -> MemoryMap.createAnonymous(SIZE).fill(SIZE - NativeFill.THRESHOLD, 2 * NativeFill.THRESHOLD,
                        (byte) 1));
        assertTrue(past.getMessage().contains("offset " + (SIZE - NativeFill.THRESHOLD)), past.getMessage());
    }

    @Test
    void onlyAnonymousNativeMemoryWithoutHugePagesFillsNatively(@TempDir Path dir) throws IOException {
        try (MemoryMap anonymous = MemoryMap.createAnonymous(SIZE, RW, MAP_PRIVATE, Backend.NATIVE)) {
            assertNotNull(NativeFill.forMapping(region(anonymous), MAP_PRIVATE | MAP_ANONYMOUS, this));
            assertNull(NativeFill.forMapping(region(anonymous), MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, this),
                    "a huge page that cannot be had at fault time raises SIGBUS");
            assertNull(NativeFill.forMapping(region(anonymous), MAP_SHARED, this), "a file can be truncated underneath");
        }
        JdkRegion jdk = JdkRegion.anonymous(SIZE, RW, MAP_PRIVATE, false);
        try {
            assertNull(NativeFill.forMapping(jdk, MAP_PRIVATE | MAP_ANONYMOUS, this), "the JDK backend keeps the JDK's fill");
        } finally {
            jdk.release(false);
        }
        Path file = dir.resolve("fill.bin");
        Files.write(file, new byte[SIZE]);
        try (MemoryMap mapped = MemoryMap.createFileMapping(file, 0, SIZE, RW, MAP_SHARED)) {
            mapped.fill((byte) 9);
            assertEquals(9, mapped.read(1, SIZE / 2)[0]);
        }
        assertEquals(9, Files.readAllBytes(file)[SIZE - 1]);
    }

    private static Region region(MemoryMap m) {
        return m.region;
    }
}
