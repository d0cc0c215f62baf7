package dev.mman;

import static dev.mman.Mman.MAP_PRIVATE;
import static dev.mman.Mman.MAP_SHARED;
import static dev.mman.Mman.MS_ASYNC;
import static dev.mman.Mman.MS_SYNC;
import static dev.mman.Mman.PROT_NONE;
import static dev.mman.Mman.PROT_READ;
import static dev.mman.Mman.PROT_WRITE;

import dev.mman.model.MappingModel;
import dev.mman.model.ModelRun;
import dev.mman.model.Operation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tag;
import net.jqwik.api.Tuple;

/**
 * Random sequences of calls on one mapping, each checked against {@link MappingModel}: every call
 * either does what a plain {@code byte[]} would, or throws exactly the exception the model
 * predicts. Runs single-threaded, so every access stays inside the rules the model enforces; the
 * misuse that could fault lives in {@link NoCrashTest}, in child JVMs.
 */
class MemoryMapModelTest {

    private static final long PAGE = Mman.pageSize();

    /** How a run's mapping is made. */
    enum Kind {
        ANONYMOUS_PRIVATE,
        ANONYMOUS_SHARED,
        FILE_SHARED
    }

    /**
     * The mapping a run starts from.
     *
     * @param kind anonymous or file, private or shared
     * @param size its length
     * @param prot its protection at creation
     * @param seed varies the initial contents of a file
     */
    record Setup(Kind kind, long size, int prot, byte seed) {}

    /**
     * A whole run: the mapping, then the calls.
     *
     * @param setup the mapping
     * @param operations the calls, in order
     */
    record Scenario(Setup setup, List<Operation> operations) {}

    // The generators below already aim at the boundaries; jqwik's own edge cases of these nested
    // flatMaps multiply into thousands and made a run twenty times slower.
    @Property(tries = 1000, edgeCases = EdgeCasesMode.NONE)
    void everyCallDoesWhatTheModelSays(@ForAll("scenarios") Scenario scenario) throws IOException {
        run(scenario);
    }

    @Tag("stress")
    @Property(tries = 20_000, edgeCases = EdgeCasesMode.NONE)
    void everyCallDoesWhatTheModelSaysSoak(@ForAll("scenarios") Scenario scenario) throws IOException {
        run(scenario);
    }

    private static void run(Scenario scenario) throws IOException {
        Setup setup = scenario.setup();
        byte[] initial = new byte[(int) setup.size()];
        Path file = null;
        MemoryMap map;
        if (setup.kind() == Kind.FILE_SHARED) {
            for (int i = 0; i < initial.length; i++) {
                initial[i] = (byte) (setup.seed() + 7 * i);
            }
            file = Files.write(Files.createTempFile("mman-model", ".bin"), initial);
            map = MemoryMap.createFileMapping(file, 0, setup.size(), setup.prot(), MAP_SHARED);
        } else {
            int sharing = setup.kind() == Kind.ANONYMOUS_SHARED ? MAP_SHARED : MAP_PRIVATE;
            map = MemoryMap.createAnonymous(setup.size(), setup.prot(), sharing);
        }
        // A shared file mapping without PROT_WRITE opens its file read-only, so the kernel will
        // refuse to add PROT_WRITE later.
        boolean writeRefused = setup.kind() == Kind.FILE_SHARED && (setup.prot() & PROT_WRITE) == 0;
        try {
            ModelRun run = new ModelRun(map, new MappingModel(initial, setup.prot(), PAGE, writeRefused), file);
            run.checkState();
            for (Operation operation : scenario.operations()) {
                operation.apply(run);
            }
            run.finish();
        } finally {
            map.close();
            if (file != null) {
                Files.deleteIfExists(file);
            }
        }
    }

    // ---------------------------------------------------------------- generators

    @Provide
    Arbitrary<Scenario> scenarios() {
        Arbitrary<Setup> setups = Combinators.combine(
                Arbitraries.of(Kind.class),
                Arbitraries.of(1L, 100L, PAGE - 1, PAGE, PAGE + 4, 2 * PAGE, 3 * PAGE + 5),
                Arbitraries.frequency(Tuple.of(4, PROT_READ | PROT_WRITE), Tuple.of(1, PROT_READ),
                        Tuple.of(1, PROT_WRITE), Tuple.of(1, PROT_NONE)),
                Arbitraries.bytes()).as(Setup::new);
        return setups.flatMap(setup -> operations(setup.size()).list().ofMaxSize(50)
                .withSizeDistribution(RandomDistribution.uniform())
                .map(operations -> new Scenario(setup, operations)));
    }

    private static Arbitrary<Operation> operations(long size) {
        Arbitrary<Byte> value = Arbitraries.bytes();
        Arbitrary<Boolean> coin = Arbitraries.of(true, false);
        Arbitrary<Range> range = ranges(size);
        Arbitrary<Boolean> rarely = Arbitraries.frequency(Tuple.of(5, false), Tuple.of(1, true));
        return Arbitraries.frequencyOf(
                Tuple.of(4, range.map(r -> new Operation.Read((int) r.length(), r.offset()))),
                Tuple.of(4, range.flatMap(r -> Arbitraries.bytes().array(byte[].class)
                        .ofSize((int) Math.max(0, r.length())).map(data -> new Operation.Write(data, r.offset())))),
                Tuple.of(2, Combinators.combine(range, value, rarely)
                        .as((r, v, whole) -> new Operation.Fill(r.offset(), r.length(), v, whole))),
                Tuple.of(2, Arbitraries.of(PROT_NONE, PROT_READ, PROT_WRITE, PROT_READ | PROT_WRITE)
                        .map(Operation.Protect::new)),
                Tuple.of(1, Combinators.combine(syncOffsets(size), syncLengths(size),
                        Arbitraries.of(MS_SYNC, MS_ASYNC), coin).as(Operation.Sync::new)),
                Tuple.of(2, Arbitraries.of(Operation.ViewKind.class).map(Operation.TakeView::new)),
                Tuple.of(5, Combinators.combine(Arbitraries.integers().between(0, 15),
                        Arbitraries.longs().between(0, size - 1), value, coin).as(Operation.ViewAccess::new)),
                Tuple.of(1, Arbitraries.just(new Operation.Close())));
    }

    /**
     * A stretch of the mapping for read, write and fill.
     *
     * @param offset the first byte
     * @param length how many bytes
     */
    record Range(long offset, long length) {}

    /** Mostly a stretch inside the mapping (up to 256 bytes), sometimes any offset and length. */
    private static Arbitrary<Range> ranges(long size) {
        Arbitrary<Range> inside = Arbitraries.longs().between(0, size).flatMap(offset ->
                Arbitraries.longs().between(0, Math.min(size - offset, 256)).map(length -> new Range(offset, length)));
        return Arbitraries.frequencyOf(
                Tuple.of(6, inside),
                Tuple.of(1, Combinators.combine(offsets(size), lengths(size)).as(Range::new)));
    }

    /** Mostly inside the mapping, sometimes just before or after it. */
    private static Arbitrary<Long> offsets(long size) {
        return Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.longs().between(0, size)),
                Tuple.of(1, Arbitraries.longs().between(-3, -1)),
                Tuple.of(1, Arbitraries.longs().between(size + 1, size + 100)));
    }

    /** Mostly short, sometimes the whole mapping, negative, or too long. */
    private static Arbitrary<Long> lengths(long size) {
        return Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.longs().between(0, Math.min(size, 256))),
                Tuple.of(1, Arbitraries.just(size)),
                Tuple.of(1, Arbitraries.longs().between(-2, -1)),
                Tuple.of(1, Arbitraries.longs().between(size + 1, size + 10)));
    }

    /** Mostly page starts inside the mapping, sometimes any offset. */
    private static Arbitrary<Long> syncOffsets(long size) {
        return Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.longs().between(0, (size - 1) / PAGE).map(page -> page * PAGE)),
                Tuple.of(1, offsets(size)));
    }

    private static Arbitrary<Long> syncLengths(long size) {
        return Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.longs().between(1, size)),
                Tuple.of(1, Arbitraries.longs().between(-1, 0)),
                Tuple.of(1, Arbitraries.longs().between(size + 1, size + PAGE)));
    }
}
