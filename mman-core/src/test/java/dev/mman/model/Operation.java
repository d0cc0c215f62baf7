package dev.mman.model;

import static dev.mman.Mman.MS_SYNC;
import static dev.mman.Mman.PROT_NONE;
import static dev.mman.Mman.PROT_READ;
import static dev.mman.Mman.PROT_WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * One call on a mapping, made on the real {@link dev.mman.MemoryMap} and on its
 * {@link MappingModel}. Each operation asks the model what must happen, makes the call, checks the
 * outcome, and then updates the model.
 */
public sealed interface Operation {

    /**
     * Makes the call on both sides and compares.
     *
     * @param run the mapping and its model
     */
    void apply(ModelRun run);

    /**
     * {@code read(length, offset)}.
     *
     * @param length how many bytes
     * @param offset the first byte
     */
    record Read(int length, long offset) implements Operation {
        @Override
        public void apply(ModelRun run) {
            MappingModel model = run.model();
            byte[] got = run.perform(toString(), model.expectAccess(offset, length, PROT_READ),
                    () -> run.map().read(length, offset));
            if (got != null) {
                assertArrayEquals(model.slice(offset, length), got, toString());
            }
        }
    }

    /**
     * {@code write(data, offset)}.
     *
     * @param data the bytes
     * @param offset where they go
     */
    record Write(byte[] data, long offset) implements Operation {
        @Override
        public void apply(ModelRun run) {
            MappingModel model = run.model();
            Integer count = run.perform(toString(), model.expectAccess(offset, data.length, PROT_WRITE),
                    () -> run.map().write(data, offset));
            if (count != null) {
                assertEquals(data.length, count, toString());
                model.write(data, offset);
            }
        }

        @Override
        public String toString() {
            return "Write[" + HexFormat.of().formatHex(data) + " at " + offset + "]";
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Write w && w.offset == offset && Arrays.equals(w.data, data);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(data) + Long.hashCode(offset);
        }
    }

    /**
     * {@code fill(offset, length, value)}, or {@code fill(value)} for the whole mapping when
     * {@code whole} is set (offset and length are then ignored).
     *
     * @param offset the first byte
     * @param length how many bytes
     * @param value the byte
     * @param whole use the one-argument form
     */
    record Fill(long offset, long length, byte value, boolean whole) implements Operation {
        @Override
        public void apply(ModelRun run) {
            MappingModel model = run.model();
            long from = whole ? 0 : offset;
            long count = whole ? model.size() : length;
            Object done = run.perform(toString(), model.expectAccess(from, count, PROT_WRITE), () -> {
                if (whole) {
                    run.map().fill(value);
                } else {
                    run.map().fill(offset, length, value);
                }
                return Boolean.TRUE;
            });
            if (done != null) {
                model.fill(from, count, value);
            }
        }
    }

    /**
     * {@code mprotect(prot)}.
     *
     * @param prot the new protection
     */
    record Protect(int prot) implements Operation {
        @Override
        public void apply(ModelRun run) {
            MappingModel model = run.model();
            Object done = run.perform(toString(), model.expectProtect(prot), () -> {
                run.map().mprotect(prot);
                return Boolean.TRUE;
            });
            model.protect(prot, done != null);
            run.checkState();
        }

        @Override
        public String toString() {
            return switch (prot) {
                case PROT_NONE -> "Protect[PROT_NONE]";
                case PROT_READ -> "Protect[PROT_READ]";
                case PROT_WRITE -> "Protect[PROT_WRITE]";
                default -> "Protect[PROT_READ|PROT_WRITE]";
            };
        }
    }

    /**
     * {@code msync(offset, length, flags)}, or {@code msync()} when {@code whole} is set; then the
     * file must hold the model's bytes.
     *
     * @param offset the first byte, to be page-aligned
     * @param length how many bytes
     * @param flags {@code MS_SYNC} or {@code MS_ASYNC}
     * @param whole use the no-argument form
     */
    record Sync(long offset, long length, int flags, boolean whole) implements Operation {
        @Override
        public void apply(ModelRun run) {
            MappingModel model = run.model();
            Class<? extends Throwable> expected =
                    whole ? model.expectSync(0, model.size()) : model.expectSync(offset, length);
            Object done = run.perform(toString(), expected, () -> {
                if (whole) {
                    run.map().msync();
                } else {
                    run.map().msync(offset, length, flags);
                }
                return Boolean.TRUE;
            });
            if (done != null && (whole || flags == MS_SYNC)) {
                run.checkFile();
            }
        }
    }

    /** The ways to take a view. */
    enum ViewKind {
        /** {@code asSegment()}. */
        SEGMENT,
        /** {@code asSegment(JAVA_LONG)}, refused unless 8 divides the size. */
        LONG_SEGMENT,
        /** {@code asByteBuffer()}. */
        BUFFER
    }

    /**
     * Takes a view and keeps it for later {@link ViewAccess}es.
     *
     * @param kind which call
     */
    record TakeView(ViewKind kind) implements Operation {
        @Override
        public void apply(ModelRun run) {
            MappingModel model = run.model();
            long elementSize = kind == ViewKind.LONG_SEGMENT ? ValueLayout.JAVA_LONG.byteSize() : 1;
            boolean writable = (model.protection() & PROT_WRITE) != 0;
            View view = run.perform(toString(), model.expectView(elementSize), () -> switch (kind) {
                case SEGMENT -> segment(run.map().asSegment(), model, writable);
                case LONG_SEGMENT -> segment(run.map().asSegment(ValueLayout.JAVA_LONG), model, writable);
                case BUFFER -> new View.Buffer(run.map().asByteBuffer(), model.generation(), writable);
            });
            if (view != null) {
                run.keep(view);
            }
        }

        private static View segment(MemorySegment segment, MappingModel model, boolean writable) {
            assertEquals(model.size(), segment.byteSize(), "the view covers the whole mapping");
            assertEquals(!writable, segment.isReadOnly(), "a view is writable exactly when the mapping is");
            return new View.Segment(segment, model.generation(), writable);
        }
    }

    /**
     * Reads or writes one byte through a kept view.
     *
     * @param viewIndex which kept view, modulo their number
     * @param offset the byte, inside the mapping
     * @param value the byte to write
     * @param put write rather than read
     */
    record ViewAccess(int viewIndex, long offset, byte value, boolean put) implements Operation {
        @Override
        public void apply(ModelRun run) {
            View view = run.view(viewIndex);
            if (view == null) {
                return;
            }
            MappingModel model = run.model();
            String call = toString() + " through " + view;
            Class<? extends Throwable> expected = put && !view.writable() ? view.readOnlyRefusal()
                    : model.viewAlive(view.generation()) ? null : IllegalStateException.class;
            if (put) {
                Object done = run.perform(call, expected, () -> {
                    view.put(offset, value);
                    return Boolean.TRUE;
                });
                if (done != null) {
                    model.set(offset, value);
                }
            } else {
                Byte got = run.perform(call, expected, () -> view.get(offset));
                if (got != null) {
                    assertEquals(model.at(offset), got, call);
                }
            }
        }
    }

    /** {@code close()}, which may come more than once. */
    record Close() implements Operation {
        @Override
        public void apply(ModelRun run) {
            run.map().close();
            run.model().close();
            run.checkState();
        }
    }
}
