package dev.mman.probe;

import dev.mman.Advice;
import dev.mman.MemoryMap;
import dev.mman.Mman;
import dev.mman.PageCache;
import dev.mman.testing.Caught;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The child-JVM side of {@code DataRangesTest}'s hostile case: a sparse file's data ranges are
 * taken, the file is truncated to nothing, and then the stale ranges are loaded as {@code mman
 * touch} loads them, first by mapping a range anew and then through a mapping made before the
 * truncation. Each step reports what it did with {@link Caught}; none may crash the JVM.
 */
public final class TruncatedDataProbe {

    private TruncatedDataProbe() {}

    /**
     * Runs the steps.
     *
     * @param args the scratch directory
     * @throws Exception when the scratch file cannot be made
     */
    public static void main(String[] args) throws Exception {
        Path file = Files.createTempFile(Path.of(args[0]), "truncated", ".bin");
        long mib = 1 << 20;
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(4 * mib);
            raf.seek(mib);
            raf.write(new byte[(int) mib]);
        }
        List<PageCache.Range> ranges = PageCache.dataRanges(file);
        System.out.println("RANGES " + ranges);
        try (MemoryMap early = MemoryMap.createFileMapping(file, 0, 4 * mib, Mman.PROT_READ, Mman.MAP_SHARED)) {
            System.out.println("BACKEND " + early.backend());
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                raf.setLength(0);
            }
            Caught.report("again", () -> System.out.println("AGAIN " + PageCache.dataRanges(file)));
            for (PageCache.Range range : ranges) {
                Caught.report("mapStale", () -> {
                    try (MemoryMap map = MemoryMap.createFileMapping(file, range.offset(), range.length(),
                            Mman.PROT_READ, Mman.MAP_SHARED)) {
                        map.madvise(Advice.POPULATE);
                    }
                });
                Caught.report("populateStale", () -> early.madvise(range.offset(), range.length(), Advice.POPULATE));
            }
        }
        System.out.println("DONE");
    }
}
