package dev.mman.records;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.MMapInvalidParameterException;
import dev.mman.MappedRecords;
import dev.mman.MappedRecords.RecordIterator;
import dev.mman.testing.ChildJvm;
import dev.mman.testing.ChildResult;
import java.io.IOException;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MappedRecordsTest {

    /** The original library's struct "<Id": int32 then float64, packed, 12 bytes. */
    private static final StructLayout ROW = MemoryLayout.structLayout(
            ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN).withName("id"),
            ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN).withName("value"));

    @TempDir
    Path dir;

    private Path rows(int count, int extraBytes) throws IOException {
        ByteBuffer data = ByteBuffer.allocate(count * 12 + extraBytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            data.putInt(i).putDouble(i * 1.5);
        }
        return Files.write(dir.resolve("rows-" + count + "-" + extraBytes + ".bin"), data.array());
    }

    @Test
    void streamsEveryRecordInOrderAcrossWindowBoundaries() throws IOException {
        // 1,000 records of 12 bytes over one-page windows: records straddle every window edge.
        Path file = rows(1000, 0);
        MappedRecords records = MappedRecords.of(file, ROW).withWindowSize(4096);
        assertEquals(1000, records.count());
        List<Integer> ids = new ArrayList<>();
        try (Stream<MemorySegment> stream = records.stream()) {
            stream.forEach(r -> {
                int id = r.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
                assertEquals(id * 1.5, r.get(ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 4));
                assertTrue(r.isReadOnly());
                ids.add(id);
            });
        }
        for (int i = 0; i < 1000; i++) {
            assertEquals(i, ids.get(i));
        }
    }

    @Test
    void aPartialTailIsAnErrorUnlessSkipped() throws IOException {
        Path file = rows(16, 5);
        MMapInvalidParameterException e = assertThrows(MMapInvalidParameterException.class,
                () -> MappedRecords.of(file, 12).stream());
        assertTrue(e.getMessage().contains("last 5 bytes are a partial record"), e.getMessage());
        assertEquals(16, MappedRecords.of(file, 12).skippingPartialTail().stream().count());
    }

    @Test
    void closingTheStreamUnmapsItsWindowAndKillsItsRecords() throws IOException {
        Path file = rows(100, 0);
        MemorySegment kept;
        try (Stream<MemorySegment> stream = MappedRecords.of(file, 12).stream()) {
            kept = stream.findFirst().orElseThrow();
            assertTrue(mapped(file));
        }
        assertFalse(mapped(file));
        assertThrows(IllegalStateException.class, () -> kept.get(ValueLayout.JAVA_BYTE, 0));
    }

    @Test
    void theIteratorReleasesItsWindowAtTheEnd() throws IOException {
        Path file = rows(10, 0);
        RecordIterator it = MappedRecords.of(file, 12).iterator();
        int seen = 0;
        while (it.hasNext()) {
            it.next();
            seen++;
        }
        assertEquals(10, seen);
        assertFalse(mapped(file));
        assertThrows(NoSuchElementException.class, it::next);
        it.close();
    }

    @Test
    void anAbandonedStreamIsUnmappedByTheCollector() throws IOException, InterruptedException {
        Path file = rows(100, 0);
        abandon(file);
        assertTrue(mapped(file));
        for (int attempt = 0; attempt < 100 && mapped(file); attempt++) {
            System.gc();
            Thread.sleep(20);
        }
        assertFalse(mapped(file), "the abandoned stream's window is still mapped after 100 collections");
    }

    private static void abandon(Path file) {
        MappedRecords.of(file, 12).stream().limit(3).forEach(r -> { });
    }

    @Test
    void badArgumentsAreRefused() throws IOException {
        Path file = rows(1, 0);
        assertTrue(assertThrows(MMapInvalidParameterException.class, () -> MappedRecords.of(file, 0))
                .getMessage().contains("record size 0"));
        assertTrue(assertThrows(MMapInvalidParameterException.class,
                () -> MappedRecords.of(file, 12).withWindowSize(100)).getMessage().contains("withWindowSize(100)"));
        assertTrue(assertThrows(MMapInvalidParameterException.class,
                () -> MappedRecords.of(dir.resolve("missing"), 12).stream()).getMessage().contains("does not exist"));
    }

    @Test
    void anEightGibibyteSparseFileStreamsThroughOneWindow() {
        ChildResult child = ChildJvm.in(dir).run(SparseScan.class, dir.resolve("sparse.bin").toString())
                .assertCleanExit();
        long records = Long.parseLong(child.line("RECORDS ").substring("RECORDS ".length()));
        long peakKb = Long.parseLong(child.line("PEAK_RSS_FILE_KB ").substring("PEAK_RSS_FILE_KB ".length()));
        System.out.println("8 GiB sparse file, 64 MiB window: peak file-backed RSS " + peakKb + " KiB");
        assertEquals((8L << 30) / 4096, records);
        assertEquals("42", child.line("LAST ").substring("LAST ".length()), "the last record's data was read");
        assertTrue(peakKb < 2 * 64 * 1024, "peak file-backed RSS " + peakKb + " KiB is not near the 64 MiB window");
    }

    private static boolean mapped(Path file) throws IOException {
        return Files.readString(Path.of("/proc/self/maps")).contains(file.toString());
    }
}
