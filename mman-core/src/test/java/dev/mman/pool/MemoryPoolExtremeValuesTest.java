package dev.mman.pool;

import static dev.mman.Mman.PROT_READ;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.mman.MMapException;
import dev.mman.MMapInvalidParameterException;
import dev.mman.MemoryMap;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every factory and method of {@link MemoryPool} with extreme values: {@code Long.MIN_VALUE} and
 * {@code Long.MAX_VALUE}, their neighbours, 0, negative, unaligned and off-by-one values, null, a
 * read-only and a closed mapping. Each call must return, or throw one of the types the javadoc
 * names: {@link MMapInvalidParameterException} naming the bad value, {@link MMapException}, a
 * {@link NullPointerException} naming the null argument, or the {@link IllegalStateException} of
 * a closed mapping's memory. A JDK exception of any other kind ({@code ArithmeticException},
 * {@code IndexOutOfBoundsException}, ...) fails the test.
 */
class MemoryPoolExtremeValuesTest {

    private static final long BLOCK = 64;
    private static final long[] EXTREMES = {Long.MIN_VALUE, Long.MIN_VALUE + 1, Long.MIN_VALUE + 8, -4096, -9, -8, -1,
        0, 1, 7, 9, 63, 65, 4095, 4097, 1L << 32, 1L << 62, Long.MAX_VALUE - 8, Long.MAX_VALUE - 7, Long.MAX_VALUE - 1,
        Long.MAX_VALUE};

    private final List<String> leaks = new ArrayList<>();

    @Test
    void blockSizesAtTheEdgesAreRefusedNamingTheValue() {
        try (MemoryMap map = MemoryMap.createAnonymous(MemoryPool.requiredSize(BLOCK, 16));
                Arena arena = Arena.ofConfined()) {
            MemorySegment memory = arena.allocate(map.size(), 8);
            for (long blockSize : EXTREMES) {
                refusedNaming("format(map, " + blockSize + ")", blockSize, () -> MemoryPool.format(map, blockSize));
                refusedNaming("format(segment, " + blockSize + ")", blockSize,
                        () -> MemoryPool.format(memory, blockSize));
            }
        }
        MMapInvalidParameterException huge = assertRefused(() -> {
            try (MemoryMap map = MemoryMap.createAnonymous(1 << 16)) {
                MemoryPool.format(map, Long.MAX_VALUE - 7);
            }
        });
        assertTrue(huge.getMessage().contains(Long.toString(Long.MAX_VALUE - 7)), huge.getMessage());
        assertNoLeaks();
    }

    @Test
    void requiredSizeOfEveryPairOfExtremesReturnsOrIsRefused() {
        for (long blockSize : EXTREMES) {
            for (long blockCount : EXTREMES) {
                String call = "requiredSize(" + blockSize + ", " + blockCount + ")";
                try {
                    long size = MemoryPool.requiredSize(blockSize, blockCount);
                    assertTrue(size >= blockSize * blockCount && size > 0, call + " = " + size);
                } catch (MMapInvalidParameterException refused) {
                    String message = refused.getMessage();
                    assertTrue(message.contains("MemoryPool." + call), call + ": " + message);
                } catch (RuntimeException leaked) {
                    leaks.add(call + ": " + leaked);
                }
            }
        }
        assertNoLeaks();
    }

    @Test
    void offsetsAtTheEdgesAreRefusedNamingTheValue() {
        try (MemoryMap map = MemoryMap.createAnonymous(MemoryPool.requiredSize(BLOCK, 16))) {
            MemoryPool pool = MemoryPool.format(map, BLOCK);
            long block = pool.allocate();
            for (long offset : EXTREMES) {
                long at = offset;
                refusedNaming("free(" + at + ")", at, () -> pool.free(at));
                refusedNaming("view(" + at + ")", at, () -> pool.view(at));
                long nearBlock = block + offset;
                if (offset != 0 && offset % BLOCK != 0) {
                    refusedNaming("free(" + nearBlock + ")", nearBlock, () -> pool.free(nearBlock));
                    refusedNaming("view(" + nearBlock + ")", nearBlock, () -> pool.view(nearBlock));
                }
            }
            pool.free(block);
            assertEquals(pool.capacity(), pool.available());
        }
        assertNoLeaks();
    }

    @Test
    void nullsAreRefusedNamingTheArgument() {
        String[] names = {"map", "memory", "map", "memory"};
        Runnable[] calls = {() -> MemoryPool.format((MemoryMap) null, BLOCK),
            () -> MemoryPool.format((MemorySegment) null, BLOCK), () -> MemoryPool.attach((MemoryMap) null),
            () -> MemoryPool.attach((MemorySegment) null)};
        for (int i = 0; i < calls.length; i++) {
            try {
                calls[i].run();
                fail("call " + i + " accepted null");
            } catch (NullPointerException refused) {
                assertEquals(names[i], refused.getMessage(), "call " + i);
            }
        }
    }

    @Test
    void aClosedOrReadOnlyMappingAndForeignMemoryGiveDocumentedExceptions() {
        MemoryMap map = MemoryMap.createAnonymous(MemoryPool.requiredSize(BLOCK, 16));
        MemoryPool pool = MemoryPool.format(map, BLOCK);
        long block = pool.allocate();
        map.close();
        List<Runnable> afterClose = List.of(pool::tryAllocate, pool::allocate, () -> pool.free(block),
                () -> pool.view(block), pool::available, pool::reclaimDead, () -> MemoryPool.format(map, BLOCK),
                () -> MemoryPool.attach(map));
        for (int i = 0; i < afterClose.size(); i++) {
            documented("closed #" + i, afterClose.get(i), true);
        }
        assertTrue(pool.toString().contains("16 blocks of 64 bytes"), pool.toString());

        try (MemoryMap readOnly = MemoryMap.createAnonymous(8192, PROT_READ)) {
            assertRefused(() -> MemoryPool.format(readOnly, BLOCK));
            assertRefused(() -> MemoryPool.attach(readOnly));
        }
        try (MemoryMap empty = MemoryMap.createAnonymous(8192); Arena arena = Arena.ofConfined()) {
            assertRefused(() -> MemoryPool.attach(empty));
            assertRefused(() -> MemoryPool.attach(empty.asSegment().asSlice(8)));
            assertRefused(() -> MemoryPool.attach(MemorySegment.ofArray(new long[64])));
            assertRefused(() -> MemoryPool.format(MemorySegment.ofArray(new long[64]), BLOCK));
            assertRefused(() -> MemoryPool.format(arena.allocate(64, 8), BLOCK));
            assertRefused(() -> MemoryPool.format(arena.allocate(4096, 8).asSlice(4), BLOCK));
            assertRefused(() -> MemoryPool.format(empty.asSegment().asReadOnly(), BLOCK));
        }
        assertNoLeaks();
    }

    /** A call that must be refused with a message naming {@code value}, or succeed. */
    private void refusedNaming(String call, long value, Runnable action) {
        try {
            action.run();
        } catch (MMapInvalidParameterException refused) {
            if (!refused.getMessage().contains(Long.toString(value))) {
                leaks.add(call + ": the refusal does not name " + value + ": " + refused.getMessage());
            }
        } catch (RuntimeException leaked) {
            leaks.add(call + ": " + leaked);
        }
    }

    /** A call that may throw only the types the javadoc names; {@code closed}: the memory is gone. */
    private void documented(String call, Runnable action, boolean closed) {
        try {
            action.run();
        } catch (MMapException expected) {
            assertTrue(expected.getMessage() != null && !expected.getMessage().isEmpty(), call);
        } catch (IllegalStateException closedMemory) {
            if (!closed) {
                leaks.add(call + ": " + closedMemory);
            }
        } catch (RuntimeException leaked) {
            leaks.add(call + ": " + leaked);
        }
    }

    private static MMapInvalidParameterException assertRefused(Runnable action) {
        try {
            action.run();
        } catch (MMapInvalidParameterException refused) {
            return refused;
        }
        throw new AssertionError("accepted");
    }

    private void assertNoLeaks() {
        assertTrue(leaks.isEmpty(), String.join("\n", leaks));
    }
}
