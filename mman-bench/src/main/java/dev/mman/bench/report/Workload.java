package dev.mman.bench.report;

import static dev.mman.bench.report.Goal.Kind.INFORMATIONAL;
import static dev.mman.bench.report.Goal.Kind.THROUGHPUT_AT_LEAST;
import static dev.mman.bench.report.Goal.Kind.TIME_AT_MOST;
import static dev.mman.bench.report.Goal.Kind.TIME_BELOW;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A group of benchmarks that share one table, one chart and one set of goals.
 *
 * @param group the benchmark class without {@code Bench}, and the C baseline's group name
 * @param title the heading
 * @param explanation what is measured and how the contenders differ
 * @param throughput true when figures are shown as GB/s and ratios as throughput ratios
 * @param fixedBytes bytes per operation when the workload has no size parameter (0: none)
 * @param goals one per baseline (or per baseline and row operation), in column order
 * @param borrows rows that are shown beside the baselines of another row of the same size
 */
public record Workload(String group, String title, String explanation, boolean throughput, long fixedBytes,
        List<Goal> goals, List<Borrow> borrows) {

    /**
     * A workload whose rows each have their own baselines.
     *
     * @param group the benchmark class without {@code Bench}
     * @param title the heading
     * @param explanation what is measured
     * @param throughput true for GB/s figures
     * @param fixedBytes bytes per operation, 0 for the size parameter
     * @param goals the goals
     */
    public Workload(String group, String title, String explanation, boolean throughput, long fixedBytes,
            List<Goal> goals) {
        this(group, title, explanation, throughput, fixedBytes, goals, List.of());
    }

    /**
     * A row of one mman variant that takes the baselines of another row instead of measuring
     * them twice, for example confined mappings beside the C and JDK figures of the shared row.
     *
     * @param op the borrowing row's operation
     * @param from the operation whose baselines it shows
     * @param mmanAs the column under which the other row's mman figure appears, so that one
     *     variant can be judged against the other
     */
    public record Borrow(String op, String from, String mmanAs) {}

    /** The implementation every baseline is compared with. */
    public static final String MMAN = "mman";

    /** Every workload of the suite, in report order. */
    public static final List<Workload> ALL = Stream.concat(Stream.of(
            new Workload("AnonCopy", "read / write, anonymous memory",
                    "`MemoryMap.read(0, array, 0, size)` (into a preallocated array) and `write(array, 0)` "
                            + "against C `memcpy` between a mapping and a heap buffer, and `MemorySegment.copy` on "
                            + "`Arena.ofConfined().allocate` memory into/out of a preallocated array. `readNewArray`: "
                            + "`read(size, 0)`, which returns a new array per call, for context (no goal).",
                    true, 0, List.of(
                            new Goal("c", THROUGHPUT_AT_LEAST, 0.90),
                            new Goal("arena", THROUGHPUT_AT_LEAST, 1.0))),
            new Workload("FileCopy", "read / write, shared file mapping",
                    "The same copies on a `MAP_SHARED` mapping of a page-cached file (and the same "
                            + "`readNewArray` context row). Java alternatives: "
                            + "`MappedByteBuffer` absolute bulk `get`/`put`, `FileChannel.map(..., Arena)` with "
                            + "`MemorySegment.copy`, Agrona `UnsafeBuffer` over `IoUtil.mapExistingFile`.",
                    true, 0, List.of(
                            new Goal("c", THROUGHPUT_AT_LEAST, 0.90),
                            new Goal("mappedByteBuffer", THROUGHPUT_AT_LEAST, 1.0),
                            new Goal("segment", THROUGHPUT_AT_LEAST, 1.0),
                            new Goal("agrona", THROUGHPUT_AT_LEAST, 1.0))),
            new Workload("SmallCopy", "read / write, 16 B and 4 KiB",
                    "mman's per-call cost: `read(offset, array, 0, size)` / `write(array, offset)` against a "
                            + "bare `MemorySegment.copy` of the same bytes of the same mapping into a preallocated "
                            + "array. `readNewArray`: mman's `read(size, offset)`, which returns a new array, beside "
                            + "`rawCopyNewArray` (allocate, then copy: the same work), for context.",
                    false, 0, List.of(
                            new Goal("rawCopy", TIME_AT_MOST, 1.5),
                            new Goal("rawCopyNewArray", INFORMATIONAL, 0))),
            new Workload("Lifecycle", "create + close, memory never touched",
                    "Map and unmap; the memory is never touched: no byte is read or written and no view is "
                            + "made, so close retires no arena and needs no handshake. The table \"map, touch "
                            + "one byte, close\" below has the cost of a mapping that is used. `file`: open the file, map `MAP_SHARED` "
                            + "read-write, close the descriptor, unmap (the C baseline does exactly this; `cFstat` "
                            + "adds the `fstat` with which mman refuses a file too short for the mapping, which "
                            + "would raise SIGBUS on access; the JDK "
                            + "contender is `FileChannel.open` + `map(..., Arena.ofShared())` + both closed). "
                            + "`anon`: anonymous memory; the JDK contender is `Arena.ofShared().allocate` + close.",
                    false, 0, Goal.withContext(List.of(
                            new Goal("c", TIME_AT_MOST, 1.5),
                            new Goal("arena", TIME_BELOW, 1.0),
                            new Goal("fileChannel", TIME_BELOW, 1.0)), "cFstat")),
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
                            new Goal("segment", INFORMATIONAL, 0))),
            new Workload("SharedMemory", "named shared memory: create, open, close",
                    "`create`: `SharedMemory.create(name, size)` (shm_open `O_CREAT|O_EXCL`, ftruncate, mmap), "
                            + "then unlink and close. `open`: `SharedMemory.open(name)` of an existing object "
                            + "(shm_open, fstat, mmap), then close. The C baseline makes the same calls; the JDK "
                            + "contender is `FileChannel.open` on `/dev/shm` + `map(..., Arena.ofShared())` "
                            + "(+ `Files.delete` for create). Goals as for create + close above.",
                    false, 0, List.of(
                            new Goal("c", TIME_AT_MOST, 1.5),
                            new Goal("fileChannel", TIME_BELOW, 1.0))),
            new Workload("Records", "record iterator over a page-cached file",
                    "Sums one `long` per record (64 or 4096 bytes) of a page-cached file. mman: "
                            + "`MappedRecords.of(file, recordSize).iterator()` (`stream` for context), zero-copy "
                            + "views of 64 MiB windows. `fileChannel`: `FileChannel.read` into a 1 MiB direct "
                            + "`ByteBuffer`, the plain Java loop. C: a `read()` loop into a 1 MiB buffer (`c`) and "
                            + "an `mmap` of the whole file (`cMmap`), each summing the same longs. "
                            + "GB/s counts the whole file, though only 8 bytes of each record are read: it is the "
                            + "pace of the iteration.",
                    true, 0, Goal.withContext(List.of(new Goal("fileChannel", THROUGHPUT_AT_LEAST, 1.0)),
                            "stream", "c", "cMmap")),
            new Workload("SpscThroughput", "SPSC ring, 32-byte messages",
                    "One producer thread writes 32-byte messages (the measured thread, retrying while the ring "
                            + "is full) and one consumer thread drains them, over a 1 MiB ring in named shared "
                            + "memory. mman `SpscRingBuffer` against Agrona `OneToOneRingBuffer` over a "
                            + "`SharedMemory` mapping of the same size. GB/s of payload; 1 GB/s is 31 M messages/s.",
                    true, 32, List.of(new Goal("agrona", THROUGHPUT_AT_LEAST, 1.0))),
            new Workload("MpscThroughput", "MPSC ring, 32-byte messages, 2 producers",
                    "The same with two producer threads and one consumer: mman `MpscRingBuffer` against Agrona "
                            + "`ManyToOneRingBuffer`. The figure is each producer's rate; the ring carries twice "
                            + "that. No goal in the issue; shown beside the SPSC row.",
                    true, 32, List.of(new Goal("agrona", INFORMATIONAL, 0))),
            new Workload("PingPong", "round trip between two processes",
                    "A 32-byte message there and back between this JVM and a child JVM over two `SpscRingBuffer`s "
                            + "in one `SharedMemory`. `spin`: both sides busy-poll; C: two forked processes "
                            + "spinning on two shared words. `futex`: both sides use the blocking `read(handler, "
                            + "limit, timeout)` (poll 200 times with a spin hint, 50 times with a yield, then "
                            + "announce the sleep and FUTEX_WAIT; the writer wakes only an announced sleeper); C "
                            + "(`c`): the same steps on shared words. `cFutexOnly`, for context: FUTEX_WAIT at "
                            + "once and a FUTEX_WAKE call on every publish, with no spinning at all.",
                    false, 0, List.of(
                            new Goal("c", TIME_AT_MOST, 1.5),
                            new Goal("cFutexOnly", INFORMATIONAL, 0))),
            new Workload("SharedLock", "uncontended lock + unlock",
                    "`SharedLock.lock()` + `unlock()` in named shared memory, no other process. Context: the "
                            + "JDK's in-process `ReentrantLock`, and C: a process-shared `pthread_mutex` "
                            + "(`c`) and a futex mutex's fast path, compare-and-swap in and atomic exchange out "
                            + "(`cCas`).",
                    false, 0, List.of(
                            Goal.nanosAtMost(30),
                            new Goal("c", INFORMATIONAL, 0),
                            new Goal("cCas", INFORMATIONAL, 0),
                            new Goal("reentrantLock", INFORMATIONAL, 0))),
            new Workload("Pool", "pool allocate + free",
                    "`MemoryPool.tryAllocate()` + `free(offset)` of 64-byte blocks, 4096 blocks, one thread. "
                            + "`allocFree`: empty pool; `allocFreeHalfFull`: the first half of the blocks taken, "
                            + "so the bitmap search passes 32 full words. `heap`: the same CAS bitmap on a "
                            + "`long[]`, the floor without the mapping's checks.",
                    false, 0, List.of(
                            Goal.nanosAtMost(50),
                            new Goal("heap", INFORMATIONAL, 0)))),
            UsageWorkloads.ALL.stream()).toList();

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

    /**
     * The goal against one baseline in the rows of one operation: a goal for that operation
     * before one for every row.
     *
     * @param baseline the contender's name
     * @param op the row's operation
     * @return the goal, if that row is judged against the baseline
     */
    public Optional<Goal> goalFor(String baseline, String op) {
        return goals.stream().filter(g -> g.baseline().equals(baseline) && op.equals(g.op())).findFirst()
                .or(() -> goals.stream().filter(g -> g.baseline().equals(baseline) && g.op() == null).findFirst());
    }
}
