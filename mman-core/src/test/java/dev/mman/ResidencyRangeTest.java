package dev.mman;

import static dev.mman.Mman.MAP_SHARED;
import static dev.mman.Mman.PROT_READ;
import static dev.mman.Rejections.assertRejected;
import static dev.mman.testing.Caught.assertReturned;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mman.testing.ChildJvm;
import dev.mman.testing.ChildResult;
import dev.mman.testing.NativeOnly;
import dev.mman.testing.TestBackend;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.BitSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code residency(offset, length)}, and the refusal of a whole-mapping answer too large for one BitSet. */
class ResidencyRangeTest {

    private static final long TIB = 1L << 40;

    @Test
    @NativeOnly("residency (mincore)")
    void aRangeReportsItsOwnPagesFromBitZero() {
        long page = Mman.pageSize();
        try (MemoryMap m = MemoryMap.createAnonymous(16 * page)) {
            m.write(new byte[] {1}, 5 * page);
            m.write(new byte[] {1}, 9 * page);
            BitSet part = m.residency(4 * page, 8 * page);
            BitSet expected = new BitSet();
            expected.set(1);
            expected.set(5);
            assertEquals(expected, part);
            assertEquals(m.residency().get(4, 12), part, "the range agrees with the whole answer");
            assertEquals(2, m.residentPages());
            BitSet lastPartial = m.residency(9 * page, page + 1);
            assertEquals(1, lastPartial.cardinality(), "a partial last page counts whole");
        }
    }

    /** Past the first gigabyte of pages the answer comes from a second system call; its bits land where they belong. */
    @Test
    @NativeOnly("residency (mincore)")
    void pagesBeyondOneCallsWorthSitAtTheirOwnIndex() {
        long page = Mman.pageSize();
        long pages = Residency.PAGES_PER_CALL + 70;
        try (MemoryMap m = MemoryMap.createAnonymous(pages * page)) { // address space only, until written
            BitSet expected = new BitSet();
            for (long at : new long[] {0, 63, 64, 1000, Residency.PAGES_PER_CALL - 1, Residency.PAGES_PER_CALL,
                    Residency.PAGES_PER_CALL + 65, pages - 1}) {
                m.write(new byte[] {1}, at * page);
                expected.set((int) at);
            }
            assertEquals(expected, m.residency());
            assertEquals(expected.cardinality(), m.residentPages());
            BitSet tail = m.residency((Residency.PAGES_PER_CALL - 1) * page, 71 * page);
            assertEquals(expected.get((int) Residency.PAGES_PER_CALL - 1, (int) pages), tail);
        }
    }

    /**
     * Ranges that start on and off a 64-page word and a system call's worth, whose lengths end on
     * and off them too, over three calls' worth with the middle one empty: each answer is the
     * matching part of the whole one.
     */
    @Test
    @NativeOnly("residency (mincore)")
    void everyRangeEdgeAgreesWithTheWholeAnswer() {
        if (TestBackend.current() != Backend.NATIVE) {
            try (MemoryMap m = MemoryMap.createAnonymous(Mman.pageSize())) {
                m.residency(); // three calls' worth is more than NIO maps; the backend's refusal is what NativeOnly checks
            }
        }
        long page = Mman.pageSize();
        long call = Residency.PAGES_PER_CALL;
        long pages = 2 * call + 130;
        try (MemoryMap m = MemoryMap.createAnonymous(pages * page)) { // address space only, until written
            BitSet all = new BitSet();
            for (long at : new long[] {0, 1, 62, 63, 64, 65, 127, 128, call - 65, call - 64, call - 1, 2 * call,
                    2 * call + 1, 2 * call + 63, 2 * call + 64, pages - 2, pages - 1}) {
                m.write(new byte[] {1}, at * page);
                all.set((int) at);
            }
            assertEquals(all, m.residency());
            for (long first : new long[] {0, 1, 3, 63, 64, 65, call - 1, call, call + 1, 2 * call - 1, 2 * call + 1}) {
                for (long length : new long[] {1, page - 1, page, page + 1, 63 * page, 64 * page, 65 * page + 7,
                        call * page, call * page + 1, (call + 1) * page - 1, (2 * call + 3) * page + 5}) {
                    if (first * page + length <= pages * page) {
                        long n = Residency.pages(length, page);
                        assertEquals(all.get((int) first, (int) (first + n)), m.residency(first * page, length),
                                "from page " + first + ", " + length + " bytes");
                    }
                }
            }
        }
    }

    /**
     * 2^28 pages (1 TiB) of address space with one page resident: one bit per page would be 32 MiB
     * of words, more than the child's 16 MiB heap; the answer costs what its one bit needs.
     */
    @Test
    @NativeOnly("residency (mincore)")
    void aSparseAnswerCostsTheHeapItsBitsNotItsRange(@TempDir Path dir) {
        if (TestBackend.current() != Backend.NATIVE) {
            try (MemoryMap m = MemoryMap.createAnonymous(Mman.pageSize())) {
                m.residency(); // the child maps with NATIVE; here the backend's refusal is what NativeOnly checks
            }
        }
        ChildResult child = ChildJvm.in(dir).withOptions("-Xmx16m").run(SparseResidencyChild.class, String.valueOf(1L << 28))
                .assertCleanExit();
        assertReturned(child, "residency");
        assertEquals("RESIDENT 1", child.line("RESIDENT "));
    }

    @Test
    void badRangesAreRefusedBeforeAnySystemCall() {
        long page = Mman.pageSize();
        try (MemoryMap m = MemoryMap.createAnonymous(4 * page)) {
            assertRejected(MMapInvalidParameterException.class, () -> m.residency(1, page), "offset 1");
            assertRejected(MMapInvalidParameterException.class, () -> m.residency(0, 0), "length 0");
            assertRejected(MMapInvalidParameterException.class, () -> m.residency(Long.MIN_VALUE, page), "negative");
            assertRejected(MMapInvalidParameterException.class, () -> m.residency(page, Long.MAX_VALUE), "past the end");
            assertRejected(MMapInvalidParameterException.class, () -> m.residency(Long.MAX_VALUE, Long.MAX_VALUE));
        }
    }

    /**
     * A sparse 8 TiB file mapped read-only costs nothing; its whole residency would be 2^31 bits,
     * one more than a BitSet has, and used to cost 2 GiB of native memory before the JDK's
     * IllegalStateException. The refusal comes from the argument check, before any allocation (on
     * every backend), and the range form answers for part of it.
     */
    @Test
    void aMappingOfEightTebibytesRefusesTheWholeAnswerAndPointsAtTheRangeForm(@TempDir Path dir) throws IOException {
        long size = 8 * TIB;
        Path file = dir.resolve("huge.bin");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(size);
        }
        if (!TestBackend.mapsOverTwoGibibytes()) {
            assertRejected(MMapInvalidParameterException.class,
                    () -> MemoryMap.createFileMapping(file, 0, size, PROT_READ, MAP_SHARED), "Backend.NIO");
            return;
        }
        try (MemoryMap m = MemoryMap.createFileMapping(file, 0, size, PROT_READ, MAP_SHARED)) {
            assertRejected(MMapInvalidParameterException.class, m::residency, "2147483648 pages",
                    "residency(offset, length)", "residentPages()");
            if (m.backend() == Backend.NATIVE) {
                long page = m.pageSize();
                m.read(1, size - page);
                BitSet tail = m.residency(size - 4 * page, 4 * page);
                assertEquals(true, tail.get(3), "the page just read is resident: " + tail);
            }
        }
    }
}
