package dev.mman.fuzz;

import static dev.mman.Mman.MAP_SHARED;
import static dev.mman.Mman.PROT_READ;
import static dev.mman.Mman.PROT_WRITE;

import dev.mman.Access;
import dev.mman.Advice;
import dev.mman.MapOptions;
import dev.mman.Sharing;
import dev.mman.SyncMode;
import dev.mman.Backend;
import dev.mman.MappedRecords;
import dev.mman.MemoryMap;
import dev.mman.SharedMemory;
import dev.mman.SharedMemoryInfo;
import dev.mman.ipc.MessageHandler;
import dev.mman.ipc.MpscRingBuffer;
import dev.mman.ipc.SharedLock;
import dev.mman.ipc.SpscRingBuffer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.Method;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The values {@link ApiFuzz} calls with, per parameter type: first a few good ones (to find a
 * call that works), then the extremes. Objects that hold resources are made fresh for each call
 * and closed after it. Special files (a directory, a FIFO, a socket, {@code /dev/null}, a
 * {@code /proc} file, a missing and an empty file) stand beside a regular file.
 */
final class FuzzValues implements AutoCloseable {

    private static final int FILE_BYTES = 8192;
    private static final int MAP_BYTES = 1 << 16;

    /** One value: how to make it, and whether it is closed memory (which documents IllegalStateException). */
    private record Value(String name, Function<List<AutoCloseable>, Object> make, boolean closed) {}

    /** The values of a type: the first {@code good} are expected to work. */
    private record Values(int good, List<Value> all) {}

    private final Path dir;
    private final ServerSocketChannel socket;
    private final AtomicLong serial = new AtomicLong();
    private final Map<Class<?>, Values> byType = new HashMap<>();

    FuzzValues(Path dir) throws IOException, InterruptedException {
        this.dir = dir;
        Path fifo = dir.resolve("fifo");
        if (new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor() != 0) {
            throw new IOException("mkfifo " + fifo + " failed");
        }
        socket = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        socket.bind(UnixDomainSocketAddress.of(dir.resolve("socket")));
        Files.createDirectory(dir.resolve("directory"));
        Files.createFile(dir.resolve("empty"));

        longs(4096, 0, 8, Long.MIN_VALUE, -1, 0, 1, 4095, 4097, FILE_BYTES - 1, FILE_BYTES, FILE_BYTES + 1,
                MAP_BYTES + 1, Long.MAX_VALUE - 4095, Long.MAX_VALUE);
        ints(1, 3, 4096, Integer.MIN_VALUE, -1, 0, 2, 7, 0x7f, 1023, 1024, 4097, 1 << 30, Integer.MAX_VALUE);
        put(byte.class, 1, plain("0", (byte) 0), plain("-1", (byte) -1));
        put(boolean.class, 2, plain("true", true), plain("false", false));
        put(byte[].class, 1, fresh("byte[1]", made -> new byte[1]), plain("null", null),
                fresh("byte[0]", made -> new byte[0]), fresh("byte[4097]", made -> new byte[4097]),
                fresh("byte[70000]", made -> new byte[70000]));
        put(Path.class, 1, fresh("regular file", made -> regularFile()), plain("null", null),
                plain("directory", dir.resolve("directory")), plain("FIFO", fifo),
                plain("socket", dir.resolve("socket")), plain("/dev/null", Path.of("/dev/null")),
                plain("/proc/self/maps", Path.of("/proc/self/maps")), plain("missing", dir.resolve("missing")),
                plain("empty file", dir.resolve("empty")));
        put(String.class, 1, fresh("unique name", made -> uniqueName(made)), plain("null", null), plain("\"\"", ""),
                plain("/", "/"), plain("a/b", "a/b"), plain("..", ".."), plain("NUL", "a\0b"),
                plain("300 bytes", "n".repeat(300)));
        put(Duration.class, 1, plain("1 ms", Duration.ofMillis(1)), plain("null", null), plain("ZERO", Duration.ZERO),
                plain("-1 ns", Duration.ofNanos(-1)), plain("MIN", Duration.ofSeconds(Long.MIN_VALUE)),
                plain("MAX", Duration.ofSeconds(Long.MAX_VALUE, 999_999_999)));
        List<Value> advice = new ArrayList<>(List.of(plain("NORMAL", Advice.NORMAL), plain("null", null)));
        for (Advice a : Advice.values()) {
            advice.add(plain(a.name(), a));
        }
        put(Advice.class, 1, advice.toArray(Value[]::new));
        put(Backend.class, 1, plain("selected", Backend.selected()), plain("null", null),
                plain("NATIVE", Backend.NATIVE), plain("JDK", Backend.JDK), plain("NIO", Backend.NIO));
        put(ValueLayout.class, 1, plain("JAVA_BYTE", ValueLayout.JAVA_BYTE), plain("null", null),
                plain("JAVA_LONG", ValueLayout.JAVA_LONG), plain("JAVA_INT", ValueLayout.JAVA_INT));
        put(MemoryLayout.class, 1, plain("JAVA_LONG", ValueLayout.JAVA_LONG), plain("null", null),
                plain("struct(int,int)", MemoryLayout.structLayout(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT)),
                plain("sequence(0)", MemoryLayout.sequenceLayout(0, ValueLayout.JAVA_INT)),
                plain("padding(3)", MemoryLayout.paddingLayout(3)));
        put(MemorySegment.class, 1, fresh("native", made -> nativeSegment(made)), plain("null", null),
                fresh("heap", made -> MemorySegment.ofArray(new byte[MAP_BYTES])),
                fresh("read-only", made -> nativeSegment(made).asReadOnly()),
                new Value("closed", made -> closedSegment(), true), plain("NULL", MemorySegment.NULL),
                fresh("unaligned", made -> nativeSegment(made).asSlice(1)),
                fresh("64 bytes", made -> nativeSegment(made).asSlice(0, 64)));
        put(MemoryMap.class, 1, fresh("shared map", made -> sharedMap(made, PROT_READ | PROT_WRITE)),
                plain("null", null), new Value("closed map", made -> closedMap(), true),
                fresh("read-only map", made -> sharedMap(made, PROT_READ)),
                fresh("private map", made -> keep(made, MemoryMap.createAnonymous(MAP_BYTES))));
        put(MessageHandler.class, 1, plain("no-op", (MessageHandler) (type, buffer, offset, length) -> { }),
                plain("null", null));
        put(Executor.class, 1, plain("caller's thread", (Executor) Runnable::run), plain("null", null));
        // Never one that accepts: removeUnused would remove other programs' unused objects.
        put(Predicate.class, 1, plain("none", (Predicate<SharedMemoryInfo>) info -> false), plain("null", null));
        put(Access.class, 1, plain("READ", Access.READ), plain("null", null), plain("WRITE", Access.WRITE),
                plain("EXEC", Access.EXEC));
        put(Access[].class, 1, plain("{}", new Access[0]), plain("null", null), plain("{WRITE}", new Access[] {Access.WRITE}),
                plain("{null}", new Access[] {null}), plain("{EXEC, EXEC}", new Access[] {Access.EXEC, Access.EXEC}));
        put(Set.class, 1, plain("{READ, WRITE}", Set.of(Access.READ, Access.WRITE)), plain("null", null),
                plain("{}", Set.of()), plain("{READ}", Set.of(Access.READ)), plain("{EXEC}", Set.of(Access.EXEC)),
                plain("{READ, null}", new HashSet<>(Arrays.asList(Access.READ, null))),
                plain("{\"READ\"}", Set.of("READ")));
        put(Sharing.class, 1, plain("SHARED", Sharing.SHARED), plain("null", null), plain("PRIVATE", Sharing.PRIVATE));
        put(SyncMode.class, 1, plain("SYNC", SyncMode.SYNC), plain("null", null), plain("ASYNC", SyncMode.ASYNC));
        put(MapOptions.class, 2, plain("anonymous", MapOptions.anonymous(MAP_BYTES)),
                fresh("file", made -> MapOptions.file(regularFile())), plain("null", null),
                fresh("read-only file", made -> MapOptions.file(regularFile()).access(Access.READ)),
                plain("confined anonymous", MapOptions.anonymous(MAP_BYTES).confined()),
                fresh("private file", made -> MapOptions.file(regularFile()).sharing(Sharing.PRIVATE)));
        put(SharedMemory.Options.class, 1, plain("defaults", SharedMemory.Options.defaults()), plain("null", null),
                plain("openOrCreate", SharedMemory.Options.defaults().withOpenOrCreate()));
    }

    boolean knows(Class<?> type) {
        return byType.containsKey(type);
    }

    int count(Class<?> type) {
        return byType.get(type).all().size();
    }

    int goodCount(Class<?> type) {
        return byType.get(type).good();
    }

    Object value(Class<?> type, int index, List<AutoCloseable> made) {
        return byType.get(type).all().get(index).make().apply(made);
    }

    boolean isClosed(Class<?> type, int index) {
        return byType.get(type).all().get(index).closed();
    }

    /**
     * Calls the fuzz leaves out: removing unused shared memory of any age would remove other
     * programs' objects, so {@code removeUnused} is only called with ages no object has.
     */
    boolean skipped(Method method, Class<?>[] types, int[] choice) {
        if (!method.getName().equals("removeUnused")) {
            return false;
        }
        Duration age = (Duration) value(Duration.class, choice[0], List.of());
        return !(age == null || age.isNegative() || age.compareTo(Duration.ofDays(365L * 1000)) > 0);
    }

    /** A fresh object of {@code type} to call a method on, closed first when asked. */
    Object receiver(Class<?> type, List<AutoCloseable> made, boolean closed) {
        if (type == MemoryMap.class) {
            MemoryMap map = keep(made, MemoryMap.createFileMapping(regularFile(), 0, FILE_BYTES,
                    PROT_READ | PROT_WRITE, MAP_SHARED));
            return closedIf(closed, map, map);
        }
        if (type == SharedMemory.class) {
            SharedMemory shm = keep(made, SharedMemory.create(uniqueName(made), FILE_BYTES));
            return closedIf(closed, shm, shm);
        }
        if (type == MapOptions.class) {
            // Options hold no resource: "closed" options name a file that has gone.
            Path file = regularFile();
            MapOptions options = MapOptions.file(file);
            if (closed) {
                delete(file);
            }
            return options;
        }
        if (type == MappedRecords.class) {
            Path file = regularFile();
            MappedRecords records = MappedRecords.of(file, 16);
            if (closed) {
                delete(file);
            }
            return records;
        }
        if (type == MappedRecords.RecordIterator.class) {
            MappedRecords.RecordIterator iterator = keep(made, MappedRecords.of(regularFile(), 16).iterator());
            if (closed) {
                iterator.close();
            }
            return iterator;
        }
        MemoryMap map = sharedMap(made, PROT_READ | PROT_WRITE);
        Object structure;
        if (type == SpscRingBuffer.class) {
            SpscRingBuffer ring = SpscRingBuffer.format(map, 0, 4096);
            ring.tryWrite(1, new byte[8]); // so that a read with any timeout returns at once
            structure = ring;
        } else if (type == MpscRingBuffer.class) {
            MpscRingBuffer ring = keep(made, MpscRingBuffer.format(map, 0, 4096));
            ring.tryWrite(1, new byte[8]);
            structure = ring;
        } else if (type == SharedLock.class) {
            structure = SharedLock.format(map, 0);
        } else {
            throw new IllegalArgumentException("no receiver for " + type);
        }
        return closedIf(closed, map, structure);
    }

    private static Object closedIf(boolean closed, MemoryMap memory, Object receiver) {
        if (closed) {
            memory.close();
        }
        return receiver;
    }

    private Path regularFile() {
        try {
            return Files.write(dir.resolve("file-" + serial.incrementAndGet()), new byte[FILE_BYTES]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A name nothing holds, removed again after the call in case the call created it. */
    private String uniqueName(List<AutoCloseable> made) {
        String name = "mman-fuzz-" + ProcessHandle.current().pid() + "-" + serial.incrementAndGet();
        made.add(() -> SharedMemory.unlink(name));
        return name;
    }

    private static MemoryMap sharedMap(List<AutoCloseable> made, int prot) {
        return keep(made, MemoryMap.createAnonymous(MAP_BYTES, prot, MAP_SHARED));
    }

    private static MemoryMap closedMap() {
        MemoryMap map = MemoryMap.createAnonymous(MAP_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED);
        map.close();
        return map;
    }

    private static MemorySegment nativeSegment(List<AutoCloseable> made) {
        Arena arena = Arena.ofShared();
        made.add(arena);
        return arena.allocate(MAP_BYTES, 4096);
    }

    private static MemorySegment closedSegment() {
        Arena arena = Arena.ofShared();
        MemorySegment segment = arena.allocate(MAP_BYTES, 4096);
        arena.close();
        return segment;
    }

    private static <T extends AutoCloseable> T keep(List<AutoCloseable> made, T resource) {
        made.add(resource);
        return resource;
    }

    private void longs(long... all) {
        List<Value> list = new ArrayList<>();
        for (long v : all) {
            list.add(plain(Long.toString(v), v));
        }
        byType.put(long.class, new Values(3, list));
    }

    private void ints(int... all) {
        List<Value> list = new ArrayList<>();
        for (int v : all) {
            list.add(plain(Integer.toString(v), v));
        }
        byType.put(int.class, new Values(3, list));
    }

    private void put(Class<?> type, int good, Value... all) {
        byType.put(type, new Values(good, List.of(all)));
    }

    private static Value plain(String name, Object value) {
        return new Value(name, made -> value, false);
    }

    private static Value fresh(String name, Function<List<AutoCloseable>, Object> make) {
        return new Value(name, make, false);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
