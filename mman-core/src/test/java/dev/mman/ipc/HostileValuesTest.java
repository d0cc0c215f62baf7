package dev.mman.ipc;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.MMapInvalidParameterException;
import dev.mman.MemoryMap;
import dev.mman.Mman;
import dev.mman.internal.ProcessIdentity;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The values of the corruption issue, one by one, written by a "peer" into the ring's memory;
 * each must end in {@link CorruptStructureException} naming the field and the value (or, for
 * the caller's own arguments, a named refusal), within a bound.
 */
class HostileValuesTest {

    private static final int CAPACITY = 4096;
    private static final Duration BOUND = Duration.ofSeconds(20);
    /** A process identity that names no running process: pids stop far below 2^31 - 1. */
    private static final long DEAD = ProcessIdentity.of(Integer.MAX_VALUE, 12345);

    private final MemoryMap map = MemoryMap.createAnonymous(1 << 20, Mman.PROT_READ | Mman.PROT_WRITE,
            Mman.MAP_SHARED);
    /** The peer's view of the same memory. */
    private final MemorySegment peer = map.asSegment();

    @AfterEach
    void unmap() {
        map.close();
    }

    /** Issue item 3: a dead producer's slot that claims [head, Long.MAX_VALUE) made the consumer zero 2^63 bytes. */
    @Test
    void aDeadSlotClaimingTheRestOfTimeIsRefused() {
        MpscRingBuffer ring = ringWithDeadClaim(1, Long.MAX_VALUE);
        CorruptStructureException e = assertCorrupt(() -> ring.read((t, b, o, l) -> { }, 10, Duration.ofSeconds(5)));
        assertEquals(Long.MAX_VALUE, e.value());
        assertTrue(e.field().contains("producer slot 1 length"), e.getMessage());
    }

    /** A dead slot whose claim ends past tail never claimed anything; a hole nobody claims is corruption. */
    @Test
    void aHoleBelowTailThatNoSlotClaimsIsRefused() {
        MpscRingBuffer ring = ringWithDeadClaim(0, 128);
        CorruptStructureException e = assertCorrupt(() -> ring.read((t, b, o, l) -> { }, 10, Duration.ofSeconds(5)));
        assertTrue(e.field().startsWith("tail"), e.getMessage());
        assertEquals(0, ring.skippedClaims());
    }

    /** An MPSC ring whose tail claims 64 unpublished bytes, and a dead process's slot claiming {@code [0, length)}. */
    private MpscRingBuffer ringWithDeadClaim(int slot, long length) {
        MpscRingBuffer ring = MpscRingBuffer.format(map, 0, CAPACITY, 2, Duration.ofMillis(50));
        long base = RingLayout.slotOffset(slot);
        peer.set(JAVA_LONG, base + RingLayout.SLOT_OWNER_OFFSET, DEAD);
        peer.set(JAVA_LONG, base + RingLayout.SLOT_START_OFFSET, 0);
        peer.set(JAVA_LONG, base + RingLayout.SLOT_LENGTH_OFFSET, length);
        peer.set(JAVA_LONG, RingLayout.TAIL_OFFSET, 64);
        return ring;
    }

    /** Issue item 4: a header at index 4040 claiming 2040 bytes was handed on as offset 4048, length 2032. */
    @Test
    void aRecordRunningPastTheDataAreaIsRefused() {
        SpscRingBuffer ring = SpscRingBuffer.format(map, 0, CAPACITY);
        long data = RingLayout.dataOffset(0);
        peer.set(JAVA_LONG, RingLayout.HEAD_OFFSET, 4040);
        peer.set(JAVA_LONG, data + 4040, RingLayout.recordHeader(2040, 1));
        List<Long> handed = new ArrayList<>();
        CorruptStructureException e = assertCorrupt(() -> ring.read((t, b, o, l) -> handed.add(o + l), 10));
        assertEquals(2040, e.value());
        assertTrue(e.getMessage().contains("position 4040"), e.getMessage());
        assertEquals(List.of(), handed, "nothing outside the data area reaches the handler");
    }

    @Test
    void recordHeadersNoProducerWritesAreRefused() {
        SpscRingBuffer ring = SpscRingBuffer.format(map, 0, CAPACITY);
        long data = RingLayout.dataOffset(0);
        for (long header : new long[] {RingLayout.recordHeader(16, 0), RingLayout.recordHeader(16, -7),
                RingLayout.recordHeader(7, 1), RingLayout.recordHeader(-1, 1), RingLayout.recordHeader(4097, 1),
                RingLayout.recordHeader(Integer.MIN_VALUE, Integer.MIN_VALUE), -1L}) {
            peer.set(JAVA_LONG, data, header);
            assertCorrupt(() -> ring.read((t, b, o, l) -> { }, 10));
        }
        peer.set(JAVA_LONG, data, RingLayout.recordHeader(4096, 1));
        assertEquals(1, ring.read((t, b, o, l) -> assertEquals(4088, l), 10), "a whole-area record is allowed");
    }

    /** Issue item 5: head moved ahead of tail let the producer overwrite unread records. */
    @Test
    void aConsumerPositionAheadOfTheProducerIsRefused() {
        SpscRingBuffer ring = SpscRingBuffer.format(map, 0, CAPACITY);
        byte[] payload = new byte[56];
        int written = 0;
        while (ring.tryWrite(1, payload)) {
            written++;
        }
        assertEquals(CAPACITY / 64, written);
        peer.set(JAVA_LONG, RingLayout.HEAD_OFFSET, 64L * written + CAPACITY);
        CorruptStructureException e = assertCorrupt(() -> ring.tryWrite(1, payload));
        assertTrue(e.field().startsWith("head"), e.getMessage());
        peer.set(JAVA_LONG, RingLayout.HEAD_OFFSET, 0);
        assertEquals(written, ring.read((t, b, o, l) -> { }, 10_000), "every record is still there");
    }

    @Test
    void positionsThatAreNoPositionsAreRefusedOnBothSides() {
        SpscRingBuffer spsc = SpscRingBuffer.format(map, 0, CAPACITY);
        MpscRingBuffer mpsc = MpscRingBuffer.format(map, 65536, CAPACITY, 2, Duration.ofMillis(50));
        for (long value : new long[] {1, -8, Long.MIN_VALUE, Long.MAX_VALUE, Long.MAX_VALUE - 4,
                RingChecks.MAX_POSITION + 8}) {
            for (long at : new long[] {0, 65536}) {
                RingBuffer ring = at == 0 ? spsc : mpsc;
                peer.set(JAVA_LONG, at + RingLayout.HEAD_OFFSET, value);
                assertCorrupt(() -> ring.read((t, b, o, l) -> { }, 10));
                // A producer with no room in its cache rereads head.
                peer.set(JAVA_LONG, at + RingLayout.TAIL_OFFSET, CAPACITY);
                assertCorrupt(() -> ring.tryWrite(1, new byte[8]));
                peer.set(JAVA_LONG, at + RingLayout.HEAD_OFFSET, 0);
                peer.set(JAVA_LONG, at + RingLayout.TAIL_OFFSET, value);
                assertCorrupt(() -> ring.tryWrite(1, new byte[8]));
                peer.set(JAVA_LONG, at + RingLayout.TAIL_OFFSET, 0);
            }
        }
    }

    @Test
    void aTailMoreThanALapAheadIsRefused() {
        SpscRingBuffer ring = SpscRingBuffer.format(map, 0, CAPACITY);
        peer.set(JAVA_LONG, RingLayout.TAIL_OFFSET, 2L * CAPACITY);
        assertCorrupt(() -> ring.tryWrite(1, new byte[8]));
    }

    /** A tail moved past records nobody wrote: the consumer would wait for ever. */
    @Test
    void anSpscTailAheadOfEveryRecordIsRefusedByTheWaitingConsumer() {
        SpscRingBuffer ring = SpscRingBuffer.format(map, 0, CAPACITY);
        peer.set(JAVA_LONG, RingLayout.TAIL_OFFSET, 128);
        assertCorrupt(() -> ring.read((t, b, o, l) -> { }, 10, Duration.ofSeconds(5)));
    }

    /** Issue item 6: the slot count is checked at attach. */
    @Test
    void impossibleSlotCountsAreRefusedAtAttach() {
        MpscRingBuffer.format(map, 0, CAPACITY, 2, Duration.ofSeconds(1));
        for (int slots : new int[] {Integer.MIN_VALUE, -4, 0, 5000, Integer.MAX_VALUE}) {
            peer.set(JAVA_INT, RingLayout.PRODUCER_SLOTS_OFFSET, slots);
            MMapInvalidParameterException e = assertThrows(MMapInvalidParameterException.class,
                    () -> MpscRingBuffer.attach(map, 0));
            assertTrue(e.getMessage().contains("claims " + slots + " producer slots"), e.getMessage());
        }
    }

    /** Issue item 7: a producer that died after publishing the wrap padding; its successor's records were lost. */
    @Test
    void aProducerTakingOverAfterAWrapPaddingLosesNothing() {
        SpscRingBuffer first = SpscRingBuffer.format(map, 0, 2048);
        byte[] payload = new byte[120];
        for (int i = 0; i < 15; i++) {
            assertTrue(first.tryWrite(1, payload));
        }
        assertEquals(15, first.read((t, b, o, l) -> { }, 100));
        RuntimeException death = new RuntimeException("the producer dies here");
        assertThrows(RuntimeException.class, () -> first.tryWrite(2, MemorySegment.ofArray(new byte[200]), 0, 200,
                () -> {
                    throw death;
                }));
        assertEquals(0, first.read((t, b, o, l) -> { }, 100), "the padding is consumed, the record unpublished");
        SpscRingBuffer successor = SpscRingBuffer.attach(map, 0);
        for (int type = 11; type <= 14; type++) {
            assertTrue(successor.tryWrite(type, new byte[8]));
        }
        List<Integer> types = new ArrayList<>();
        assertEquals(4, first.read((t, b, o, l) -> types.add(t), 100));
        assertEquals(List.of(11, 12, 13, 14), types);
    }

    /** A producer died after copying a long payload: its bytes must not become headers for a successor. */
    @Test
    void aDeadProducersUnpublishedBytesAreNotReadAsRecords() {
        SpscRingBuffer first = SpscRingBuffer.format(map, 0, CAPACITY);
        byte[] junk = new byte[400];
        java.util.Arrays.fill(junk, (byte) 0x11);
        assertThrows(RuntimeException.class, () -> first.tryWrite(2, MemorySegment.ofArray(junk), 0, junk.length,
                () -> {
                    throw new IllegalStateException("dies");
                }));
        SpscRingBuffer successor = SpscRingBuffer.attach(map, 0);
        assertTrue(successor.tryWrite(3, new byte[8]));
        List<Integer> types = new ArrayList<>();
        assertEquals(1, first.read((t, b, o, l) -> types.add(t), 100));
        assertEquals(List.of(3), types);
        assertEquals(0, first.read((t, b, o, l) -> types.add(t), 100), "no record made of the dead payload");
    }

    /** Issue item 8: each bad argument is a named refusal. */
    @Test
    void badArgumentsAreNamedRefusals() {
        MMapInvalidParameterException huge = assertThrows(MMapInvalidParameterException.class,
                () -> MpscRingBuffer.format(map, 0, CAPACITY, 2, Duration.ofSeconds(Long.MAX_VALUE)));
        assertTrue(huge.getMessage().contains("stall timeout PT" + Long.MAX_VALUE / 3600 + "H"), huge.getMessage());
        SpscRingBuffer ring = SpscRingBuffer.format(map, 0, CAPACITY);
        assertEquals("payload", assertThrows(NullPointerException.class, () -> ring.tryWrite(1, (byte[]) null))
                .getMessage());
        assertEquals("payload", assertThrows(NullPointerException.class, () -> ring.write(1, (byte[]) null))
                .getMessage());
        assertTrue(ring.tryWrite(1, new byte[8]));
        assertEquals("handler", assertThrows(NullPointerException.class, () -> ring.read(null, 1)).getMessage());
        assertEquals("handler", assertThrows(NullPointerException.class,
                () -> ring.read(null, 1, Duration.ofMillis(1))).getMessage());
        assertEquals(1, ring.read((t, b, o, l) -> { }, 1), "the refused read took nothing");
    }

    /** Issue item 9: toString after close. */
    @Test
    void toStringNeverThrows() {
        MemoryMap own = MemoryMap.createAnonymous(1 << 16, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_SHARED);
        SharedLock lock = SharedLock.format(own, 0);
        SpscRingBuffer spsc = SpscRingBuffer.format(own, 64, CAPACITY);
        MpscRingBuffer mpsc = MpscRingBuffer.format(own, 8192, CAPACITY);
        own.close();
        for (Object structure : List.of(lock, spsc, mpsc)) {
            String text = assertDoesNotThrow(structure::toString);
            assertTrue(text.endsWith(", closed]") || !dev.mman.testing.TestBackend.viewsDieOnClose(), text);
        }
    }

    private static CorruptStructureException assertCorrupt(Executable call) {
        return assertTimeoutPreemptively(BOUND, () -> assertThrows(CorruptStructureException.class, call));
    }

    @Test
    void aLockWordNamingAnotherProcessIsNotReleased() {
        SharedLock lock = SharedLock.format(map, 0);
        assertEquals(LockResult.ACQUIRED, lock.lock());
        peer.set(JAVA_LONG, LockLayout.WORD_OFFSET, DEAD | LockLayout.LOCKED);
        CorruptStructureException e = assertThrows(CorruptStructureException.class, lock::unlock);
        assertEquals(DEAD | LockLayout.LOCKED, e.value());
        assertFalse(lock.isHeldByCurrentThread());
        // The lock is thread-bound, so the bounded run takes, repairs and releases it on one thread.
        assertTimeoutPreemptively(BOUND, () -> {
            assertEquals(LockResult.OWNER_DIED, lock.lock(), "the word names a dead process: taken over");
            lock.markConsistent();
            lock.unlock();
        });
    }
}
