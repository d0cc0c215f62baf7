package dev.mman.ipc;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.MMapInvalidParameterException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * The ring's published layout: every constant at its documented value, the bytes {@code format}
 * and {@code write} leave, a ring made by hand from the diagram, and the version check.
 */
class RingLayoutTest {

    private static final int CAPACITY = 4096;

    @AutoClose
    private final Arena arena = Arena.ofShared();
    private final MemorySegment memory = arena.allocate(64 * 1024, 4096);

    /** Changing one of these changes a documented format: bump {@link RingLayout#VERSION} and the javadoc. */
    @Test
    void everyConstantHasItsDocumentedValue() {
        assertEquals(1, RingLayout.VERSION);
        assertEquals(0x424d4d4d, RingLayout.MAGIC);
        assertEquals(1, RingLayout.KIND_SPSC);
        assertEquals(2, RingLayout.KIND_MPSC);
        assertEquals(0, RingLayout.MAGIC_OFFSET);
        assertEquals(4, RingLayout.KIND_OFFSET);
        assertEquals(8, RingLayout.CAPACITY_OFFSET);
        assertEquals(12, RingLayout.PRODUCER_SLOTS_OFFSET);
        assertEquals(16, RingLayout.STALL_TIMEOUT_OFFSET);
        assertEquals(24, RingLayout.VERSION_OFFSET);
        assertEquals(128, RingLayout.TAIL_OFFSET);
        assertEquals(136, RingLayout.PRODUCER_OFFSET);
        assertEquals(256, RingLayout.HEAD_OFFSET);
        assertEquals(264, RingLayout.CONSUMER_OFFSET);
        assertEquals(384, RingLayout.WAITING_OFFSET);
        assertEquals(512, RingLayout.METADATA_BYTES);
        assertEquals(128, RingLayout.SLOT_BYTES);
        assertEquals(0, RingLayout.SLOT_OWNER_OFFSET);
        assertEquals(8, RingLayout.SLOT_START_OFFSET);
        assertEquals(16, RingLayout.SLOT_LENGTH_OFFSET);
        assertEquals(4096, RingLayout.MAX_PRODUCER_SLOTS);
        assertEquals(8, RingLayout.RECORD_HEADER_BYTES);
        assertEquals(8, RingLayout.RECORD_ALIGNMENT);
        assertEquals(-1, RingLayout.PADDING_TYPE);
        assertEquals(1024, RingLayout.MIN_CAPACITY);
        assertEquals(1 << 30, RingLayout.MAX_CAPACITY);
        // The ring classes' own constants are the layout's.
        assertEquals(8, RingBuffer.HEADER_BYTES);
        assertEquals(8, RingBuffer.RECORD_ALIGNMENT);
        assertEquals(1024, RingBuffer.MIN_CAPACITY);
        assertEquals(1 << 30, RingBuffer.MAX_CAPACITY);
        assertEquals(4096, MpscRingBuffer.MAX_PRODUCERS);
    }

    @Test
    void helpersComputeWhatTheDiagramSays() {
        assertEquals(512, RingLayout.slotOffset(0));
        assertEquals(640, RingLayout.slotOffset(1));
        assertEquals(512 + 4095 * 128, RingLayout.slotOffset(4095));
        assertThrows(MMapInvalidParameterException.class, () -> RingLayout.slotOffset(4096));
        assertThrows(MMapInvalidParameterException.class, () -> RingLayout.slotOffset(-1));
        assertEquals(512, RingLayout.dataOffset(0));
        assertEquals(2560, RingLayout.dataOffset(16));
        assertEquals(512 + 4096 * 128, RingLayout.dataOffset(4096));
        assertThrows(MMapInvalidParameterException.class, () -> RingLayout.dataOffset(4097));
        assertEquals(0x0000_0007_0000_000DL, RingLayout.recordHeader(13, 7));
        assertEquals(0xFFFF_FFFF_0000_0010L, RingLayout.recordHeader(16, RingLayout.PADDING_TYPE));
        assertEquals(13, RingLayout.recordLength(0x0000_0007_0000_000DL));
        assertEquals(7, RingLayout.recordType(0x0000_0007_0000_000DL));
        assertEquals(-1, RingLayout.recordType(0xFFFF_FFFF_0000_0010L));
        assertEquals(0, RingLayout.alignedLength(0));
        assertEquals(8, RingLayout.alignedLength(8));
        assertEquals(16, RingLayout.alignedLength(9));
        assertEquals(16, RingLayout.alignedLength(13));
        assertEquals(SpscRingBuffer.requiredBytes(CAPACITY), RingLayout.dataOffset(0) + CAPACITY);
        assertEquals(MpscRingBuffer.requiredBytes(CAPACITY, 3), RingLayout.dataOffset(3) + CAPACITY);
    }

    @Test
    void formatAndWriteLeaveTheDocumentedBytes() {
        MpscRingBuffer ring = MpscRingBuffer.format(memory, 0, CAPACITY, 3, Duration.ofMillis(250));
        if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
            assertEquals("MMMB", new String(memory.asSlice(0, 4).toArray(JAVA_BYTE), StandardCharsets.US_ASCII));
        }
        assertEquals(0x424d4d4d, memory.get(JAVA_INT, 0));
        assertEquals(2, memory.get(JAVA_INT, 4));
        assertEquals(CAPACITY, memory.get(JAVA_INT, 8));
        assertEquals(3, memory.get(JAVA_INT, 12));
        assertEquals(250_000_000L, memory.get(JAVA_LONG, 16));
        assertEquals(1, memory.get(JAVA_INT, 24));
        assertZero(28, 128);
        assertZero(128, 512 + 3 * 128 + CAPACITY);

        assertTrue(ring.tryWrite(7, "hello".getBytes(StandardCharsets.US_ASCII)));
        long data = 512 + 3 * 128;
        long header = memory.get(JAVA_LONG, data);
        assertEquals(13, RingLayout.recordLength(header), "8 header bytes + 5 payload bytes, not rounded up");
        assertEquals(7, RingLayout.recordType(header));
        if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
            assertEquals(13, memory.get(JAVA_INT, data));
            assertEquals(7, memory.get(JAVA_INT, data + 4));
        }
        assertEquals("hello", new String(memory.asSlice(data + 8, 5).toArray(JAVA_BYTE), StandardCharsets.US_ASCII));
        assertEquals(16, memory.get(JAVA_LONG, 128), "tail: one aligned record");
        assertEquals(0, memory.get(JAVA_LONG, 256), "head: nothing read yet");
        long owner = memory.get(JAVA_LONG, 512);
        assertEquals(ProcessHandle.current().pid(), LockLayout.pid(owner), "slot 0 is this process's");
        assertEquals(0, LockLayout.state(owner));
        assertEquals(0, memory.get(JAVA_LONG, 512 + 8), "the claim started at position 0");
        assertEquals(16, memory.get(JAVA_LONG, 512 + 16), "and took 16 bytes");

        assertEquals(1, ring.read((type, buffer, offset, length) -> { }, 10));
        assertEquals(16, memory.get(JAVA_LONG, 256), "head moved past the record");
        assertZero(data, data + 16);
        ring.close();
        assertEquals(0, memory.get(JAVA_LONG, 512), "close frees the slot");
    }

    /** What a program in another language does, from the javadoc alone. */
    @Test
    void aRingMadeByHandFromTheDiagramWorksWithTheJavaSide() {
        memory.set(JAVA_INT, 4, 1); // SPSC
        memory.set(JAVA_INT, 8, CAPACITY);
        memory.set(JAVA_INT, 24, 1);
        memory.set(JAVA_INT, 0, 0x424d4d4d);
        long data = 512;
        // Two records, the second one after the first's length rounded up to 8; each header stored last.
        memory.asSlice(data + 8, 3).copyFrom(MemorySegment.ofArray(new byte[] {1, 2, 3}));
        memory.set(JAVA_LONG, data, (long) 5 << 32 | 11);
        memory.set(JAVA_LONG, data + 16, (long) 6 << 32 | 8);

        SpscRingBuffer ring = SpscRingBuffer.attach(memory, 0);
        assertEquals(CAPACITY, ring.capacity());
        List<String> seen = new ArrayList<>();
        assertEquals(2, ring.read((type, buffer, offset, length) -> seen.add(type + ":"
                + java.util.Arrays.toString(buffer.asSlice(offset, length).toArray(JAVA_BYTE))), 10));
        assertEquals(List.of("5:[1, 2, 3]", "6:[]"), seen);
        assertEquals(16 + 8, memory.get(JAVA_LONG, 256), "the consumer position follows the records");
        assertZero(data, data + 24);
        assertEquals(ProcessHandle.current().pid(), LockLayout.pid(memory.get(JAVA_LONG, 264)),
                "the consumer recorded its identity");
        assertEquals(0, memory.get(JAVA_LONG, 136), "no producer has written yet");

        // The other way: Java writes (at the producer position, which a foreign producer set), the
        // foreign consumer reads.
        memory.set(JAVA_LONG, 128, 24);
        SpscRingBuffer producer = SpscRingBuffer.attach(memory, 0);
        producer.tryWrite(9, new byte[] {42, 43});
        assertEquals(ProcessHandle.current().pid(), LockLayout.pid(memory.get(JAVA_LONG, 136)),
                "the producer recorded its identity at its first write");
        long header = memory.get(JAVA_LONG, data + 24);
        assertEquals(9, (int) (header >>> 32));
        assertEquals(10, (int) header);
        assertArrayEquals(new byte[] {42, 43}, memory.asSlice(data + 32, 2).toArray(JAVA_BYTE));
    }

    @Test
    void aRecordThatWouldCrossTheEndIsPrecededByPadding() {
        SpscRingBuffer ring = SpscRingBuffer.format(memory, 0, 2048);
        byte[] payload = new byte[120]; // 128 bytes with the header
        for (int i = 0; i < 15; i++) {
            assertTrue(ring.tryWrite(1, payload));
        }
        assertEquals(15, ring.read((type, buffer, offset, length) -> { }, 100));
        assertTrue(ring.tryWrite(1, new byte[200]), "1920 bytes in: 128 left before the end, 208 needed");
        long padding = memory.get(JAVA_LONG, 512 + 1920);
        assertEquals(-1, RingLayout.recordType(padding));
        assertEquals(128, RingLayout.recordLength(padding), "the padding runs to the end of the data area");
        assertEquals(RingLayout.recordHeader(208, 1), memory.get(JAVA_LONG, 512), "the record starts at index 0");
        assertEquals(1920 + 128 + 208, memory.get(JAVA_LONG, 128), "tail counts the padding too");
        List<Integer> lengths = new ArrayList<>();
        assertEquals(1, ring.read((type, buffer, offset, length) -> lengths.add(length), 10), "padding is no record");
        assertEquals(List.of(200), lengths);
    }

    @Test
    void aRingOfAnotherLayoutVersionIsRefusedAtAttach() {
        SpscRingBuffer.format(memory, 64, CAPACITY);
        memory.set(JAVA_INT, 64 + 24, 2);
        assertRefused(() -> SpscRingBuffer.attach(memory, 64), "SpscRingBuffer.attach(64): the ring at offset 64 has "
                + "layout version 2, this library reads version 1 (RingLayout.VERSION); attach with the mman release "
                + "that formatted it, or format it again while no process uses it");
        memory.set(JAVA_INT, 64 + 24, 0);
        assertRefused(() -> SpscRingBuffer.attach(memory, 64), "has layout version 0 (version 0: formatted by an "
                + "mman release older than layout versions), this library reads version 1");
        assertRefused(() -> MpscRingBuffer.attach(memory, 64), "has layout version 0");

        MpscRingBuffer.format(memory, 0, CAPACITY);
        memory.set(JAVA_INT, 24, 3);
        assertRefused(() -> MpscRingBuffer.attach(memory, 0), "MpscRingBuffer.attach(0): the ring at offset 0 has "
                + "layout version 3, this library reads version 1");
        memory.set(JAVA_INT, 24, 1);
        MpscRingBuffer.attach(memory, 0).close();
    }

    @Test
    void aHeaderWithImpossibleGeometryIsRefusedAtAttach() {
        MpscRingBuffer.format(memory, 0, CAPACITY, 2, Duration.ofSeconds(1));
        memory.set(JAVA_INT, 12, 0);
        assertRefused(() -> MpscRingBuffer.attach(memory, 0), "claims 0 producer slots and a stall timeout of "
                + "1000000000 ns, which an MPSC ring has 1 to 4096 of, and positive; its header is corrupt");
        memory.set(JAVA_INT, 12, 4097);
        assertRefused(() -> MpscRingBuffer.attach(memory, 0), "claims 4097 producer slots");
        memory.set(JAVA_INT, 12, -1);
        assertRefused(() -> MpscRingBuffer.attach(memory, 0), "claims -1 producer slots");
        memory.set(JAVA_INT, 12, 2);
        memory.set(JAVA_LONG, 16, 0L);
        assertRefused(() -> MpscRingBuffer.attach(memory, 0), "a stall timeout of 0 ns");
        memory.set(JAVA_LONG, 16, 1L);
        memory.set(JAVA_INT, 8, 3000);
        assertRefused(() -> MpscRingBuffer.attach(memory, 0), "capacity 3000 is not a power of two");
        memory.set(JAVA_INT, 8, CAPACITY);
        memory.set(JAVA_INT, 4, 9);
        assertRefused(() -> MpscRingBuffer.attach(memory, 0), "has kind 9, neither 1 (SPSC) nor 2 (MPSC)");

        SpscRingBuffer.format(memory, 0, CAPACITY);
        memory.set(JAVA_INT, 12, 1);
        assertRefused(() -> SpscRingBuffer.attach(memory, 0), "claims 1 producer slots and a stall timeout of 0 ns, "
                + "which an SPSC ring has 0 of");
    }

    /** Every byte in {@code [from, to)} of {@link #memory} is zero. */
    private void assertZero(long from, long to) {
        for (long at = from; at < to; at++) {
            assertEquals(0, memory.get(JAVA_BYTE, at), "byte " + at);
        }
    }

    private static void assertRefused(org.junit.jupiter.api.function.Executable call, String expected) {
        MMapInvalidParameterException e = assertThrows(MMapInvalidParameterException.class, call);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
