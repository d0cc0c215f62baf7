package dev.mman.bench.report;

import static dev.mman.bench.report.Goal.Kind.THROUGHPUT_AT_LEAST;
import static dev.mman.bench.report.Goal.Kind.TIME_AT_MOST;

import java.util.List;

/**
 * The workloads of what mapping is for: memory that is used and then closed, prefaulted, read
 * at random through huge pages, and files read cold from the device. Kept apart from
 * {@link Workload#ALL}'s per-call workloads, which it follows in the report.
 */
final class UsageWorkloads {

    private UsageWorkloads() {}

    /** Random 8-byte reads per operation of {@code HugeRandomBench} and the C baseline. */
    static final int RANDOM_READS = 4096;
    /** Random 4 KiB reads per operation of {@code ColdRandomBench} and the C baseline. */
    static final int COLD_READS = 512;
    /** The goal of every confined row: what C pays, with the margin of a managed runtime. */
    private static final Goal CONFINED_TO_C = new Goal("c", TIME_AT_MOST, 1.5);

    static final List<Workload> ALL = List.of(
            new Workload("MapTouch", "map, touch one byte, close",
                    "A mapping that is used: map, write one byte through a view (`asSegment().set`), close. "
                            + "`anon`: `MemoryMap.createAnonymous` against C `mmap` + store + `munmap` and "
                            + "`Arena.ofShared()` / `Arena.ofConfined()` `allocate` + store + close. `file`: "
                            + "`createFileMapping(path, ..., MAP_SHARED)` against C `open` + `mmap` + `close` + store "
                            + "+ `munmap` (`cFstat`: with the `fstat` that mman makes to refuse a file too short for "
                            + "the mapping) and `FileChannel.map(..., Arena.ofShared()/ofConfined())` + store + close. "
                            + "Unlike create + close above, the view makes close retire a shared arena, which "
                            + "is where a used mapping's cost lies. `anonConfined` / `fileConfined` rows (confined "
                            + "mappings) show the baselines of the shared rows beside them, with the shared "
                            + "mman figure as `shared`.",
                    false, 0, Goal.withContext(List.of(
                            new Goal("arenaShared", TIME_AT_MOST, 1.1).onlyFor("anon"),
                            new Goal("fileChannelShared", TIME_AT_MOST, 1.1).onlyFor("file"),
                            CONFINED_TO_C.onlyFor("anonConfined"),
                            CONFINED_TO_C.onlyFor("fileConfined")),
                            "c", "cFstat", "arenaConfined", "fileChannelConfined"),
                    List.of(new Workload.Borrow("anonConfined", "anon", "shared"),
                            new Workload.Borrow("fileConfined", "file", "shared"))),
            new Workload("Prefault", "prefault fresh anonymous memory",
                    "Each operation maps fresh anonymous memory, faults all of it in and unmaps it (the unmap, "
                            + "which frees the pages, is in every contender). `populate`: mman `MAP_POPULATE` "
                            + "against C `MAP_POPULATE`, `Arena.ofConfined().allocate` (which zeroes every byte) "
                            + "and `touchLoop`, a Java loop writing one byte per 4 KiB page of an mman mapping. "
                            + "`populateParallel` (parallel prefault) is shown beside the same baselines, with "
                            + "the one-thread `populate` figure as `oneThread`. `hugeTouch`: the touch loop after "
                            + "`madvise(HUGEPAGE)`, mman and C, the first-touch price of huge pages (no goal; "
                            + "compare with `touchLoop`). `fillFresh`: `MemoryMap.fill` of fresh memory against "
                            + "`Arena.ofConfined().allocate` + `fill` (which writes every byte twice) and C "
                            + "`mmap` + `memset`.",
                    true, 0, Goal.withContext(List.of(
                            new Goal("c", THROUGHPUT_AT_LEAST, 0.9).onlyFor("populate"),
                            new Goal("oneThread", THROUGHPUT_AT_LEAST, 1.5).onlyFor("populateParallel"),
                            new Goal("arena", THROUGHPUT_AT_LEAST, 1.0).onlyFor("fillFresh")),
                            "c", "arena", "touchLoop"),
                    List.of(new Workload.Borrow("populateParallel", "populate", "oneThread"),
                            new Workload.Borrow("hugeTouch", "populate", "populate"))),
            new Workload("HugeRandom", "random 8-byte reads over anonymous memory, huge pages",
                    "Reads " + RANDOM_READS + " `long`s at random 8-byte-aligned offsets (the same xorshift "
                            + "sequence everywhere) of a prefaulted anonymous region; GB/s counts 8 bytes per "
                            + "read (1 GB/s is 125 M reads/s). mman: `createAnonymous`, `madvise(HUGEPAGE)` "
                            + "(transparent huge pages are in `madvise` mode on this machine), then `POPULATE`; "
                            + "`noHugepage`: the same without the advice; `arena`: `Arena.ofShared().allocate`; "
                            + "C: `mmap` with (`cHuge`) and without (`c`) `MADV_HUGEPAGE`. The region is 4 GiB, "
                            + "where 4 KiB pages miss the TLB on nearly every read. First-touch cost: see "
                            + "`hugeTouch` in the prefault table.",
                    true, 8L * RANDOM_READS, Goal.withContext(List.of(
                            new Goal("arena", THROUGHPUT_AT_LEAST, 1.4),
                            new Goal("cHuge", THROUGHPUT_AT_LEAST, 0.9)),
                            "noHugepage", "c")),
            new Workload("ColdScan", "cold sequential scan of a file",
                    "One pass over a file that is not in the page cache, summing the first `long` of each "
                            + "4 KiB record. Before each iteration (one operation, JMH single-shot) the file is "
                            + "evicted with mman's `PageCache.evict` (in C: `fdatasync` + "
                            + "`posix_fadvise(POSIX_FADV_DONTNEED)`), and the benchmark checks with `mincore` "
                            + "that under 1% of its pages stayed: the figure is the device's pace plus each "
                            + "contender's readahead. mman: `MappedRecords.of(file, 4096).iterator()` "
                            + "(windows mapped with `MAP_POPULATE`); `willneed`: one `MemoryMap` of the file, "
                            + "`madvise(WILLNEED)`, then a loop over its view. Java: `FileChannel.read` into a "
                            + "1 MiB direct buffer and `MappedByteBuffer` (1 GiB buffers: one cannot exceed "
                            + "2 GiB - 1). C: a `read()` loop into 1 MiB (`c`) and `mmap` of the file (`cMmap`).",
                    true, 0, Goal.withContext(List.of(
                            new Goal("c", THROUGHPUT_AT_LEAST, 0.9),
                            new Goal("fileChannel", THROUGHPUT_AT_LEAST, 1.0),
                            new Goal("mappedByteBuffer", THROUGHPUT_AT_LEAST, 1.0)),
                            "willneed", "cMmap")),
            new Workload("ColdRandom", "cold random 4 KiB reads of a file",
                    COLD_READS + " reads of 4 KiB at random page-aligned offsets of a file evicted before each "
                            + "iteration (as in the cold scan; single-shot). mman: a read-only `MAP_SHARED` "
                            + "mapping with `madvise(RANDOM)`, `read(offset, array, 0, 4096)`; `defaultAdvice`: "
                            + "the same mapping without advice; `fileChannel`: `FileChannel.read` of 4 KiB at "
                            + "each offset; C: `pread` (`c`) and, for context, the same copies out of an `mmap` "
                            + "advised `MADV_RANDOM` (`cMmapRandom`). The second table is the read amplification: the "
                            + "default advice reads ahead around every fault.",
                    true, 4096L * COLD_READS, Goal.withContext(List.of(
                            new Goal("c", THROUGHPUT_AT_LEAST, 0.9),
                            Goal.deviceBytesAtMost(1.5)),
                            "defaultAdvice", "fileChannel", "cMmapRandom")));
}
