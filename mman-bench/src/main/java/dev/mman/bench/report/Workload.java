package dev.mman.bench.report;

import static dev.mman.bench.report.Goal.Kind.INFORMATIONAL;
import static dev.mman.bench.report.Goal.Kind.THROUGHPUT_AT_LEAST;
import static dev.mman.bench.report.Goal.Kind.TIME_AT_MOST;
import static dev.mman.bench.report.Goal.Kind.TIME_BELOW;

import java.util.List;
import java.util.Optional;

/**
 * A group of benchmarks that share one table, one chart and one set of goals.
 *
 * @param group the benchmark class without {@code Bench}, and the C baseline's group name
 * @param title the heading
 * @param explanation what is measured and how the contenders differ
 * @param throughput true when figures are shown as GB/s and ratios as throughput ratios
 * @param fixedBytes bytes per operation when the workload has no size parameter (0: none)
 * @param goals one per baseline, in column order
 */
public record Workload(String group, String title, String explanation, boolean throughput, long fixedBytes,
        List<Goal> goals) {

    /** The implementation every baseline is compared with. */
    public static final String MMAN = "mman";

    /** Every workload of the suite, in report order. */
    public static final List<Workload> ALL = List.of(
            new Workload("AnonCopy", "read / write, anonymous memory",
                    "`MemoryMap.read(size, 0)` (returns a new array) and `write(array, 0)` against C `memcpy` "
                            + "between a mapping and a heap buffer, and `MemorySegment.copy` on "
                            + "`Arena.ofConfined().allocate` memory into/out of a preallocated array.",
                    true, 0, List.of(
                            new Goal("c", THROUGHPUT_AT_LEAST, 0.90),
                            new Goal("arena", THROUGHPUT_AT_LEAST, 1.0))),
            new Workload("FileCopy", "read / write, shared file mapping",
                    "The same copies on a `MAP_SHARED` mapping of a page-cached file. Java alternatives: "
                            + "`MappedByteBuffer` absolute bulk `get`/`put`, `FileChannel.map(..., Arena)` with "
                            + "`MemorySegment.copy`, Agrona `UnsafeBuffer` over `IoUtil.mapExistingFile`.",
                    true, 0, List.of(
                            new Goal("c", THROUGHPUT_AT_LEAST, 0.90),
                            new Goal("mappedByteBuffer", THROUGHPUT_AT_LEAST, 1.0),
                            new Goal("segment", THROUGHPUT_AT_LEAST, 1.0),
                            new Goal("agrona", THROUGHPUT_AT_LEAST, 1.0))),
            new Workload("SmallCopy", "read / write, 16 B and 4 KiB",
                    "mman's per-call cost: `read(size, offset)` / `write(array, offset)` against a bare "
                            + "`MemorySegment.copy` of the same bytes of the same mapping into a preallocated array. "
                            + "mman's `read` returns a new array by contract, so `rawCopyNewArray` (allocate, then "
                            + "copy: the same work) is shown for context.",
                    false, 0, List.of(
                            new Goal("rawCopy", TIME_AT_MOST, 1.5),
                            new Goal("rawCopyNewArray", INFORMATIONAL, 0))),
            new Workload("Lifecycle", "create + close",
                    "Map and unmap without touching the memory. `file`: open the file, map `MAP_SHARED` "
                            + "read-write, close the descriptor, unmap (the C baseline does exactly this; the JDK "
                            + "contender is `FileChannel.open` + `map(..., Arena.ofShared())` + both closed). "
                            + "`anon`: anonymous memory; the JDK contender is `Arena.ofShared().allocate` + close.",
                    false, 0, List.of(
                            new Goal("c", TIME_AT_MOST, 1.5),
                            new Goal("arena", TIME_BELOW, 1.0),
                            new Goal("fileChannel", TIME_BELOW, 1.0))),
            new Workload("Control", "mprotect, mlock + munlock, msync of 4 KiB",
                    "One page. `mprotect`: to the protection it already has; `mprotectToggle`: read-only and "
                            + "back (mman first invalidates every view, a shared-arena close); `mlock`: mlock then "
                            + "munlock; `msync`: `MS_SYNC` of a clean file page (the JDK's `MappedByteBuffer.force` "
                            + "for context).",
                    false, 0, List.of(
                            new Goal("c", TIME_AT_MOST, 1.3),
                            new Goal("mappedByteBuffer", INFORMATIONAL, 0))),
            new Workload("Fill", "fill 1 MiB",
                    "`MemoryMap.fill(value)` of 1 MiB of anonymous memory against C `memset` "
                            + "(and `MemorySegment.fill` on the same memory, for context).",
                    true, 1 << 20, List.of(
                            new Goal("c", THROUGHPUT_AT_LEAST, 0.90),
                            new Goal("segment", INFORMATIONAL, 0))));

    /**
     * Bytes moved by one operation of a row, for throughput figures.
     *
     * @param param the row's size parameter
     * @return bytes
     */
    public long bytes(String param) {
        return fixedBytes != 0 ? fixedBytes : Long.parseLong(param);
    }

    /**
     * The goal against one baseline.
     *
     * @param baseline the contender's name
     * @return the goal, if this workload compares with it
     */
    public Optional<Goal> goalFor(String baseline) {
        return goals.stream().filter(g -> g.baseline().equals(baseline)).findFirst();
    }
}
