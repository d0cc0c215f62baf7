package dev.mman.model;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;

/**
 * A view the run took from the mapping, with what the model knew when it was taken.
 *
 * <p>A write through a read-only view is refused by the JDK before it looks at the view's lifetime,
 * so that exception wins over {@link IllegalStateException} even on a dead view.
 */
sealed interface View {

    /** The generation of the mapping when the view was taken. */
    int generation();

    /** Whether the mapping had PROT_WRITE when the view was taken. */
    boolean writable();

    /** What the JDK throws for a write through this view when it is read-only. */
    Class<? extends Throwable> readOnlyRefusal();

    byte get(long offset);

    void put(long offset, byte value);

    /** A {@link MemorySegment} view from {@code asSegment()} or {@code asSegment(dtype)}. */
    record Segment(MemorySegment segment, int generation, boolean writable) implements View {

        @Override
        public Class<? extends Throwable> readOnlyRefusal() {
            return IllegalArgumentException.class;
        }

        @Override
        public byte get(long offset) {
            return segment.get(JAVA_BYTE, offset);
        }

        @Override
        public void put(long offset, byte value) {
            segment.set(JAVA_BYTE, offset, value);
        }
    }

    /** A {@link ByteBuffer} view from {@code asByteBuffer()}. */
    record Buffer(ByteBuffer buffer, int generation, boolean writable) implements View {

        @Override
        public Class<? extends Throwable> readOnlyRefusal() {
            return ReadOnlyBufferException.class;
        }

        @Override
        public byte get(long offset) {
            return buffer.get((int) offset);
        }

        @Override
        public void put(long offset, byte value) {
            buffer.put((int) offset, value);
        }
    }
}
