package dev.mman.ipc;

import dev.mman.MemoryMap;
import dev.mman.Mman;
import dev.mman.SharedMemory;
import dev.mman.testing.Caught;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * The child processes of {@link HostilePeersTest}: each misbehaves, or suffers a peer's
 * misbehaviour, and reports with {@link Caught} what every call did.
 *
 * <ul>
 * <li>{@code pin <dir> <accesses> <warm>}: with the JDK alone, for each access of the
 *     comma-separated list ({@code get}, {@code getVolatile}, {@code set}, {@code guarded-cas}: a
 *     plain read then the compare-and-set, or {@code raw-cas}: the compare-and-set alone), maps a
 *     file of its own, makes the access {@code warm} times, shrinks the file to 0 and makes it
 *     once more, reported under the access's name;</li>
 * <li>{@code truncate <object> <keep>}: formats a lock and both rings in the object (a file path, or
 *     {@code shm:<name>}), writes a record into each ring, shrinks the object to {@code keep}
 *     bytes, and reports every call on them;</li>
 * <li>{@code wait-truncated <file>}: one thread holds a lock, another waits for it; the parent
 *     shrinks the file while it waits ({@code WAITING} says when), and the waiter reports;</li>
 * <li>{@code consume <shm> <kind>}: reads one record of the ring at 0, prints {@code READ} and
 *     sleeps until killed;</li>
 * <li>{@code produce <shm> <kind> <count>}: writes {@code count} records of type 1 to the ring at
 *     0, prints {@code WROTE} and sleeps until killed;</li>
 * <li>{@code wrap-and-die <shm>}: on an SPSC ring of 4096 bytes, writes 31 records of 128 bytes,
 *     then a 208-byte one that wraps, and stops (printing {@code CLAIMED}) after publishing the
 *     padding, before the record: it is then killed.</li>
 * </ul>
 */
public final class HostilePeer {

    /** Where the lock and the rings sit in the object of {@code truncate}. */
    static final long LOCK = 0;
    static final long HELD_LOCK = 64;
    static final long SPSC = 4096;
    static final long MPSC = 16384;
    static final int CAPACITY = 4096;
    static final long OBJECT_BYTES = 32768;

    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    private HostilePeer() {}

    /**
     * Runs one mode.
     *
     * @param args the mode and its arguments
     * @throws Exception never in practice: every call is reported
     */
    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "pin" -> pin(Path.of(args[1]), args[2], Integer.parseInt(args[3]));
            case "truncate" -> truncate(args[1], Long.parseLong(args[2]));
            case "wait-truncated" -> waitTruncated(Path.of(args[1]));
            case "consume" -> consume(args[1], args[2]);
            case "produce" -> produce(args[1], args[2], Integer.parseInt(args[3]));
            case "wrap-and-die" -> wrapAndDie(args[1]);
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    /** The JDK alone: each access, after {@code warm} rounds on a sound mapping, on one shrunk to 0. */
    private static void pin(Path dir, String accesses, int warm) throws IOException {
        for (String access : accesses.split(",")) {
            Path file = dir.resolve("pinned-" + access);
            java.nio.file.Files.write(file, new byte[8192]);
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
                    Arena arena = Arena.ofShared()) {
                MemorySegment memory = channel.map(FileChannel.MapMode.READ_WRITE, 0, 8192, arena);
                long sum = 0;
                for (int i = 0; i < warm; i++) {
                    sum += access(access, memory);
                    LONG.set(memory, 0L, 0L);
                }
                System.out.println("WARM " + access + " " + sum);
                channel.truncate(0);
                Caught.report(access, () -> System.out.println("VALUE " + access(access, memory)));
            }
        }
    }

    private static long access(String access, MemorySegment memory) {
        return switch (access) {
            case "get" -> (long) LONG.get(memory, 0L);
            case "getVolatile" -> (long) LONG.getVolatile(memory, 0L);
            case "set" -> {
                LONG.set(memory, 0L, 1L);
                yield 1;
            }
            case "guarded-cas" -> (long) LONG.get(memory, 0L) == 0 && (boolean) LONG.compareAndSet(memory, 0L, 0L, 1L)
                    ? 1 : 0;
            case "raw-cas" -> (boolean) LONG.compareAndSet(memory, 0L, 0L, 1L) ? 1 : 0;
            default -> throw new IllegalArgumentException(access);
        };
    }

    private static void truncate(String object, long keep) throws Exception {
        try (MemoryMap map = open(object)) {
            SharedLock lock = SharedLock.format(map, LOCK);
            SharedLock held = SharedLock.format(map, HELD_LOCK);
            held.lock();
            SpscRingBuffer spsc = SpscRingBuffer.format(map, SPSC, CAPACITY);
            MpscRingBuffer mpsc = MpscRingBuffer.format(map, MPSC, CAPACITY, 4, Duration.ofMillis(50));
            spsc.tryWrite(1, new byte[8]);
            mpsc.tryWrite(1, new byte[8]);
            MpscRingBuffer slotless = MpscRingBuffer.attach(map, MPSC);
            shrink(object, keep);
            MessageHandler ignore = (type, buffer, offset, length) -> { };
            Caught.report("lock.lock", lock::lock);
            Caught.report("lock.tryLock", lock::tryLock);
            Caught.report("lock.tryLock-timeout", () -> lock.tryLock(Duration.ofMillis(50)));
            Caught.report("lock.ownerPid", lock::ownerPid);
            Caught.report("lock.attach", () -> SharedLock.attach(map, LOCK));
            Caught.report("held.markConsistent", held::markConsistent);
            Caught.report("held.unlock", held::unlock);
            Caught.report("spsc.tryWrite", () -> spsc.tryWrite(1, new byte[8]));
            Caught.report("spsc.write", () -> spsc.write(1, new byte[8]));
            Caught.report("spsc.read", () -> spsc.read(ignore, 10));
            Caught.report("spsc.read-timeout", () -> spsc.read(ignore, 10, Duration.ofMillis(50)));
            Caught.report("spsc.attach", () -> SpscRingBuffer.attach(map, SPSC));
            Caught.report("spsc.producersAlive", spsc::producersAlive);
            Caught.report("spsc.consumerAlive", spsc::consumerAlive);
            Caught.report("mpsc.tryWrite", () -> mpsc.tryWrite(1, new byte[8]));
            Caught.report("mpsc.slotless-tryWrite", () -> slotless.tryWrite(1, new byte[8]));
            Caught.report("mpsc.read", () -> mpsc.read(ignore, 10));
            Caught.report("mpsc.read-timeout", () -> mpsc.read(ignore, 10, Duration.ofMillis(50)));
            Caught.report("mpsc.attach", () -> MpscRingBuffer.attach(map, MPSC));
            Caught.report("mpsc.producersAlive", mpsc::producersAlive);
            Caught.report("toString", () -> System.out.println("TEXT " + lock + " " + spsc + " " + mpsc));
            Caught.report("mpsc.close", mpsc::close);
        }
    }

    private static void waitTruncated(Path file) throws Exception {
        try (MemoryMap map = open(file.toString())) {
            SharedLock lock = SharedLock.format(map, LOCK);
            lock.lock();
            Thread waiter = Thread.ofPlatform().start(() -> Caught.report("waiter.lock", () -> {
                System.out.println("WAITING");
                SharedLock.attach(map, LOCK).lock();
            }));
            waiter.join();
        }
    }

    private static void consume(String name, String kind) {
        try (SharedMemory shm = SharedMemory.open(name)) {
            RingBuffer ring = kind.equals("spsc") ? SpscRingBuffer.attach(shm, 0) : MpscRingBuffer.attach(shm, 0);
            while (ring.read((type, buffer, offset, length) -> { }, 1) == 0) {
                Thread.onSpinWait();
            }
            System.out.println("READ " + ProcessHandle.current().pid());
            RingPeer.sleepUntilKilled();
        }
    }

    private static void produce(String name, String kind, int count) throws InterruptedException {
        try (SharedMemory shm = SharedMemory.open(name)) {
            RingBuffer ring = kind.equals("spsc") ? SpscRingBuffer.attach(shm, 0) : MpscRingBuffer.attach(shm, 0);
            for (int i = 0; i < count; i++) {
                ring.write(1, new byte[8]);
            }
            System.out.println("WROTE");
            RingPeer.sleepUntilKilled();
        }
    }

    private static void wrapAndDie(String name) {
        try (SharedMemory shm = SharedMemory.open(name)) {
            SpscRingBuffer ring = SpscRingBuffer.attach(shm, 0);
            for (int i = 0; i < 31; i++) {
                ring.tryWrite(1, new byte[120]);
            }
            System.out.println("WRITTEN");
            // The consumer must make room for the padding and the record first.
            while (!ring.tryWrite(2, MemorySegment.ofArray(new byte[200]), 0, 200, () -> {
                System.out.println("CLAIMED");
                RingPeer.sleepUntilKilled();
            })) {
                Thread.onSpinWait();
            }
        }
    }

    private static MemoryMap open(String object) {
        int rw = Mman.PROT_READ | Mman.PROT_WRITE;
        if (object.startsWith("shm:")) {
            return SharedMemory.open(object.substring(4));
        }
        return MemoryMap.createFileMapping(Path.of(object), 0, OBJECT_BYTES, rw, Mman.MAP_SHARED);
    }

    /** What a hostile peer does: another process's ftruncate, here through a file descriptor of our own. */
    static void shrink(String object, long keep) throws IOException {
        Path path = object.startsWith("shm:") ? Path.of("/dev/shm", object.substring(4)) : Path.of(object);
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
            channel.truncate(keep);
        }
    }
}
