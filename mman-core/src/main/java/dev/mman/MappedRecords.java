package dev.mman;

import static dev.mman.Mman.MAP_POPULATE;
import static dev.mman.Mman.MAP_SHARED;
import static dev.mman.Mman.PROT_READ;

import java.io.IOException;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.function.LongUnaryOperator;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Fixed-size records of a file, read as zero-copy {@link MemorySegment} views through a window
 * that slides over the file. Files far larger than RAM or the address space stream through,
 * because only one window (64 MiB unless told otherwise) is mapped at a time; a window mostly in
 * the page cache is populated at once, a cold one read ahead in the background
 * ({@code MADV_WILLNEED}; on JDK windows, {@code MAP_POPULATE}). Windows are mapped with the selected {@link Backend}, except that
 * {@code NIO} uses {@code JDK} windows: a {@code MappedByteBuffer} cannot be unmapped on request.
 *
 * <pre>{@code
 * StructLayout row = MemoryLayout.structLayout(JAVA_INT.withName("id"), MemoryLayout.paddingLayout(4),
 *         JAVA_DOUBLE.withName("value"));
 * try (Stream<MemorySegment> rows = MappedRecords.of(path, row).stream()) {
 *     double total = rows.mapToDouble(r -> r.get(JAVA_DOUBLE, 8)).sum();
 * }
 * }</pre>
 *
 * <p><b>Lifetime of a record.</b> A record view is valid while its window is mapped: until the
 * iteration moves past the window, or the stream or iterator is closed. After that it throws
 * {@link IllegalStateException}; copy what you keep ({@code record.toArray(...)}). For the same
 * reason the stream is sequential: it never splits for parallel work.
 *
 * <p><b>A file changed by another process.</b> The count of records is fixed when the iteration
 * begins: records appended later are not seen. When the file is truncated meanwhile, mapping the
 * next window fails with an {@link MMapException} that says so, and a record of the current window
 * whose page is gone throws the JDK's {@link InternalError} when read, as every view of a shrunk
 * mapping does (it does not crash the JVM).
 *
 * <p>A file whose length is not a multiple of the record size has a partial record at its end.
 * That is an error, reported before the first record, unless {@link #skippingPartialTail()} is
 * used. Instances are immutable; each {@code with...} method returns a new one.
 */
public final class MappedRecords {

    /** The default window: 64 MiB. */
    public static final long DEFAULT_WINDOW = 64L << 20;

    private final Path file;
    private final long recordSize;
    private final long windowSize;
    private final boolean skipPartialTail;

    private MappedRecords(Path file, long recordSize, long windowSize, boolean skipPartialTail) {
        this.file = file;
        this.recordSize = recordSize;
        this.windowSize = windowSize;
        this.skipPartialTail = skipPartialTail;
    }

    /**
     * Records of {@code recordSize} bytes.
     *
     * @param file a regular file
     * @param recordSize bytes per record, at least 1
     * @return the records, with the default window and strict tail handling
     * @throws MMapInvalidParameterException when {@code recordSize} is not positive
     */
    public static MappedRecords of(Path file, long recordSize) {
        Objects.requireNonNull(file, "file");
        if (recordSize <= 0) {
            throw Arguments.invalid("MappedRecords.of(" + file + ", " + recordSize + "): the record size "
                    + recordSize + " is not positive");
        }
        return new MappedRecords(file, recordSize, DEFAULT_WINDOW, false);
    }

    /**
     * Records laid out as {@code layout}; each record is {@code layout.byteSize()} bytes.
     *
     * @param file a regular file
     * @param layout the layout of one record
     * @return the records
     * @throws MMapInvalidParameterException when the layout has no bytes
     */
    public static MappedRecords of(Path file, MemoryLayout layout) {
        return of(file, Objects.requireNonNull(layout, "layout").byteSize());
    }

    /**
     * These records, read through a window of another size. The window is rounded down to whole
     * pages and is always large enough for one record.
     *
     * @param bytes the window size, at least one page
     * @return new records
     * @throws MMapInvalidParameterException when {@code bytes} is smaller than a page
     */
    public MappedRecords withWindowSize(long bytes) {
        long page = ChannelMapping.granularity();
        if (bytes < page) {
            throw Arguments.invalid("withWindowSize(" + bytes + "): the window must be at least one page ("
                    + page + " bytes)");
        }
        return new MappedRecords(file, recordSize, bytes - bytes % page, skipPartialTail);
    }

    /**
     * These records, ignoring a partial record at the end of the file instead of failing.
     *
     * @return new records
     */
    public MappedRecords skippingPartialTail() {
        return new MappedRecords(file, recordSize, windowSize, true);
    }

    /**
     * The number of whole records in the file now.
     *
     * @return the count
     * @throws MMapException when the file cannot be read, or it ends in a partial record and
     *     {@link #skippingPartialTail()} was not used
     */
    public long count() {
        return wholeRecords(fileSize(file));
    }

    /** The length of a regular file, with mman's errors for anything else. */
    static long fileSize(Path file) {
        FileChecks.path(() -> "MappedRecords(" + file + ")", file);
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new MMapException("MappedRecords(" + file + "): its length cannot be read: " + e, e);
        }
    }

    long wholeRecords(long fileSize) {
        long tail = fileSize % recordSize;
        if (tail != 0 && !skipPartialTail) {
            throw Arguments.invalid("MappedRecords(" + file + "): the file is " + fileSize + " bytes, not a "
                    + "multiple of the record size " + recordSize + "; its last " + tail + " bytes are a partial "
                    + "record. Use skippingPartialTail() to ignore them");
        }
        return fileSize / recordSize;
    }

    /**
     * An iterator over the records. Close it when you stop early; it also closes itself after
     * the last record, and an iterator that is dropped unclosed is unmapped by the garbage
     * collector.
     *
     * @return a new iterator, positioned before the first record
     * @throws MMapException when the file cannot be opened or ends in a partial record
     */
    public RecordIterator iterator() {
        return new RecordIterator(file, recordSize, windowSize, this::wholeRecords);
    }

    /**
     * A sequential stream of the records. Close it (try-with-resources) to unmap the window at
     * once; a stream that is dropped unclosed is unmapped by the garbage collector.
     *
     * @return a new stream
     * @throws MMapException when the file cannot be opened or ends in a partial record
     */
    public Stream<MemorySegment> stream() {
        RecordIterator records = iterator();
        Spliterator<MemorySegment> oneByOne = new Spliterators.AbstractSpliterator<>(records.remaining(),
                Spliterator.ORDERED | Spliterator.SIZED | Spliterator.NONNULL | Spliterator.IMMUTABLE) {
            @Override
            public boolean tryAdvance(Consumer<? super MemorySegment> action) {
                if (!records.hasNext()) {
                    return false;
                }
                action.accept(records.next());
                return true;
            }

            @Override
            public Spliterator<MemorySegment> trySplit() {
                return null; // a record dies with its window, so records cannot be handed to other threads
            }
        };
        return StreamSupport.stream(oneByOne, false).onClose(records::close);
    }

    /**
     * Walks the records of a file through one mapped window at a time; made by
     * {@link MappedRecords#iterator()}. Not thread-safe: one thread iterates.
     */
    public static final class RecordIterator implements Iterator<MemorySegment>, AutoCloseable {

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
            this.records = wholeRecords.applyAsLong(fileSize(file));
            this.recordSize = recordSize;
            this.windowSize = windowSize;
            this.window = new Window(file);
            this.cleanable = Cleaners.shared(() -> "MappedRecords(" + file + ").iterator()").register(this, window);
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
            Backend backend = windowBackend();
            MemoryMap map;
            try {
                map = MemoryMap.createFileMapping(window.file, mapStart, length, PROT_READ,
                        backend == Backend.NATIVE ? MAP_SHARED : MAP_SHARED | MAP_POPULATE, backend);
            } catch (MMapException refused) {
                throw shrunk(mapStart + length, refused);
            }
            try {
                if (map.backend() == Backend.NATIVE) {
                    // No MADV_SEQUENTIAL: with it, WILLNEED's read-ahead did not keep the reader fed,
                    // and a cold 1 GiB scan took 1.72-1.74 s against 0.77-0.92 s without it
                    // (ColdScanBench, Linux 6.18), where FileChannel.read took 0.93-1.07 s.
                    map.madvise(mostlyCached(map) ? Advice.POPULATE : Advice.WILLNEED);
                }
            } catch (MMapException faulted) {
                map.close(); // not yet the window's: nothing else would unmap it before the collector
                throw shrunk(mapStart + length, faulted);
            }
            window.map = map;
            window.view = map.asSegment();
            window.startOffset = mapStart;
            window.endRecord = Math.min(records, (mapStart + length) / recordSize);
        }

        /**
         * The failure to map the next window, said in the iteration's terms when a peer truncated the
         * file under it: the count of records was fixed when the iteration began.
         */
        private MMapException shrunk(long windowEnd, MMapException failure) {
            long now;
            try {
                now = Files.size(window.file);
            } catch (IOException gone) {
                now = -1;
            }
            if (now >= windowEnd) {
                return failure;
            }
            return new MMapException("MappedRecords(" + window.file + "): the file is now "
                    + (now < 0 ? "gone" : now + " bytes") + ", shorter than the " + records + " records of "
                    + recordSize + " bytes it had when the iteration began (was it truncated meanwhile?); "
                    + "record " + next + " and those after it cannot be read. Iterate again to read what is left",
                    failure);
        }

        /**
         * Whether nine tenths of a window are in the page cache. Every page of a window is read, so
         * a cached window gets its page tables filled at once ({@code POPULATE}) instead of by a
         * fault every few pages; a cold one is read ahead in the background ({@code WILLNEED}), so
         * that the disk works while the first records are used, where populating it would read the
         * whole window before handing out one record (3 to 3.6 times slower on a cold 2 GiB scan).
         */
        private static boolean mostlyCached(MemoryMap map) {
            long pages = (map.size() + Mman.pageSize() - 1) / Mman.pageSize();
            return map.residentPages() >= pages - pages / 10;
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
}
