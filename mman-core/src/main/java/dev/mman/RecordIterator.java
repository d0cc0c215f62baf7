package dev.mman;

import static dev.mman.Mman.MAP_POPULATE;
import static dev.mman.Mman.MAP_SHARED;
import static dev.mman.Mman.PROT_READ;

import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.LongUnaryOperator;

/**
 * Walks the records of a file through one mapped window at a time; made by
 * {@link MappedRecords#iterator()}. Not thread-safe: one thread iterates.
 */
public final class RecordIterator implements Iterator<MemorySegment>, AutoCloseable {

    private static final Cleaner CLEANER = Cleaner.create();

    private final long recordSize;
    private final long windowSize;
    private final long records;
    private final Window window;
    private final Cleaner.Cleanable cleanable;
    private long next;

    /** The mapped window: what must be released, even if the iterator is dropped. */
    private static final class Window implements Runnable {
        private final Path file;
        private MemoryMap map;
        /** The whole window's view, fetched once per window rather than once per record. */
        private MemorySegment view;
        private long startOffset;
        private long endRecord;
        private boolean released;

        Window(Path file) {
            this.file = file;
        }

        @Override
        public synchronized void run() {
            released = true;
            unmap();
        }

        synchronized void unmap() {
            if (map != null) {
                map.close();
                map = null;
                view = null;
            }
        }
    }

    RecordIterator(Path file, long recordSize, long windowSize, LongUnaryOperator wholeRecords) {
        this.records = wholeRecords.applyAsLong(MappedRecords.fileSize(file));
        this.recordSize = recordSize;
        this.windowSize = windowSize;
        this.window = new Window(file);
        this.cleanable = CLEANER.register(this, window);
    }

    /**
     * Whether another record follows. After the last record the window is unmapped.
     *
     * @return true while records remain
     */
    @Override
    public boolean hasNext() {
        if (next < records && !window.released) {
            return true;
        }
        close();
        return false;
    }

    /**
     * The next record, a read-only view valid until the iteration leaves its window.
     *
     * @return the record
     * @throws NoSuchElementException after the last record, or after {@link #close()}
     */
    @Override
    public MemorySegment next() {
        if (!hasNext()) {
            throw new NoSuchElementException("no record follows record " + (next - 1) + " of " + records);
        }
        if (window.map == null || next >= window.endRecord) {
            slide();
        }
        long offset = next * recordSize - window.startOffset;
        next++;
        return window.view.asSlice(offset, recordSize);
    }

    /**
     * How many records are left.
     *
     * @return the count
     */
    public long remaining() {
        return records - next;
    }

    private void slide() {
        window.unmap();
        long page = ChannelMapping.granularity();
        long start = next * recordSize;
        long mapStart = start - start % page;
        long wanted = Math.max(windowSize, start - mapStart + recordSize);
        long fileEnd = records * recordSize;
        long length = Math.min(wanted, fileEnd - mapStart);
        // Every page of the window is read, so the page tables are filled at once (MAP_POPULATE)
        // instead of by one fault per few pages as the iteration reaches them.
        MemoryMap map = MemoryMap.createFileMapping(window.file, mapStart, length, PROT_READ,
                MAP_SHARED | MAP_POPULATE, windowBackend());
        if (map.backend() == Backend.NATIVE) {
            map.madvise(Advice.SEQUENTIAL);
        }
        window.map = map;
        window.view = map.asSegment();
        window.startOffset = mapStart;
        window.endRecord = Math.min(records, (mapStart + length) / recordSize);
    }

    /**
     * The selected backend, except that NIO's windows come from {@code JDK}, which needs no more
     * than NIO does: a {@code MappedByteBuffer} is unmapped only when the garbage collector gets to
     * it, so sliding through a file larger than memory would keep every window mapped.
     */
    private static Backend windowBackend() {
        Backend selected = Backend.selected();
        return selected == Backend.NIO ? Backend.JDK : selected;
    }

    /** Unmaps the window. Records handed out become invalid. Idempotent. */
    @Override
    public void close() {
        cleanable.clean();
    }
}
