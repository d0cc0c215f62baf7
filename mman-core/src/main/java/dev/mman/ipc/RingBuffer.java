package dev.mman.ipc;

import static dev.mman.ipc.Regions.INT;
import static dev.mman.ipc.Regions.LONG;
import static dev.mman.ipc.RingLayout.CONSUMER_OFFSET;
import static dev.mman.ipc.RingLayout.HEAD_OFFSET;
import static dev.mman.ipc.RingLayout.PADDING_TYPE;
import static dev.mman.ipc.RingLayout.TAIL_OFFSET;
import static dev.mman.ipc.RingLayout.WAITING_OFFSET;
import static dev.mman.ipc.RingLayout.alignedLength;
import static dev.mman.ipc.RingLayout.recordHeader;
import static dev.mman.ipc.RingLayout.recordLength;
import static dev.mman.ipc.RingLayout.recordType;

import dev.mman.MMapException;
import dev.mman.internal.Platform;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.Objects;

/**
 * A queue of variable-length records inside a shared mapping, written by producers and read by one
 * consumer, possibly all in different processes.
 *
 * <h2>Records</h2>
 * Each record is an 8-byte header (its length and a type chosen by the producer, at least 1)
 * followed by the payload, and starts at a multiple of 8. A record never wraps around the end of
 * the data area; the producer pads the end instead. The producer publishes a record by storing
 * its header last; the consumer reads records while their headers are set, and zeroes what it
 * has read before handing the space back, so a zero header means "not published yet" and the
 * consumer never polls the producer's position.
 *
 * <h2>Layout</h2>
 * A metadata area comes first: a magic number, the kind, the capacity, the layout version, then
 * the producer position, the consumer position and the consumer's futex word, each on its own 128
 * bytes so that producer and consumer do not share a cache line (nor its prefetched neighbour).
 * The data area of {@link #capacity()} bytes follows. {@link RingLayout} gives every byte, for
 * programs in other languages.
 *
 * <h2>Memory</h2>
 * A ring lives in a shared mapping ({@code format} and {@code attach} with a
 * {@link dev.mman.MemoryMap}), or in any native {@link MemorySegment} that is writable and holds
 * the ring at an 8-byte aligned address (the overloads with a segment): a slice of a mapping, or
 * memory from an {@link java.lang.foreign.Arena} for threads of one process. A ring holds no
 * lifetime of its own: the memory's governs. A ring in a mapping behaves as the mapping's views
 * do ({@link dev.mman.MemoryMap#asSegment()}): once the mapping is closed, or an {@code mprotect}
 * takes rights away, every call that touches the ring throws {@link IllegalStateException}, and
 * none can fault. A ring in a segment lives as long as the segment's scope: once its arena is
 * closed, every such call throws {@link IllegalStateException}; a segment of a confined arena may
 * be used only by its owner thread (others get {@link WrongThreadException}). A segment made from
 * a raw address ({@code MemorySegment.ofAddress(...).reinterpret(...)}) has no lifetime at all:
 * freeing or unmapping its memory while a ring in it is used crashes the process, as any access
 * through such a segment does.
 *
 * <h2>Waiting</h2>
 * {@link #read(MessageHandler, int, Duration)} spins, then yields, then announces that it sleeps
 * and sleeps in {@code FUTEX_WAIT}. A producer reads that announcement after publishing each
 * record and makes the {@code FUTEX_WAKE} system call only when the consumer really sleeps.
 * A producer's publish and its read of the announcement must not be reordered, or a wake-up could
 * be lost. Rather than a full fence in every publish, the sleeping consumer pays for that order
 * once, with {@code membarrier(MEMBARRIER_CMD_GLOBAL_EXPEDITED)} across the processes that use
 * rings. Where the kernel refuses {@code membarrier}, producers fence every publish instead; and a
 * consumer that cannot issue it sleeps at most 1 ms at a time.
 *
 * <h2>Threads</h2>
 * There is one consumer: {@code read} must not run in two threads at a time. The producer side is
 * described by each kind. The blocking {@code read} sleeps in a system call for up to 100 ms at a
 * time, so on a virtual thread it pins the carrier meanwhile; {@code write} on a full ring parks
 * and does not pin.
 *
 * <h2>Hostile peers</h2>
 * Every byte of the ring is input from other processes. Each value is checked where it is read
 * ({@link RingLayout} gives the rules): a bad one ends in {@link CorruptStructureException}, which
 * names the ring, the field and the value; no handler is given bytes outside the data area, no
 * unread record is overwritten, and nothing is sized by a shared value. The ring records its
 * consumer's process: a producer blocked in {@code write} on a full ring whose consumer has died
 * gets {@link ConsumerDiedException} within about {@value RingPeers#CHECK_MILLIS} ms; a consumer
 * asks {@link #producersAlive()}. A peer that shrinks the shared object under the ring makes the
 * calls that touch it throw {@link dev.mman.MMapException}, naming the ring and its memory, where
 * the JDK would otherwise crash or throw its raw {@link InternalError}; one moment remains in
 * which a shrink still crashes the JVM: between the guarded read of a word and the
 * compare-and-set on it, while the calling code still runs in the interpreter (the JDK guards its
 * compiled atomics, not its interpreted compare-and-set). The guarded read comes immediately
 * before the atomic, so the window is a few dozen nanoseconds in the first calls of a process.
 */
public abstract sealed class RingBuffer permits SpscRingBuffer, MpscRingBuffer {

    /** The bytes of a record header ({@link RingLayout#RECORD_HEADER_BYTES}). */
    public static final int HEADER_BYTES = RingLayout.RECORD_HEADER_BYTES;
    /** Records start at multiples of this ({@link RingLayout#RECORD_ALIGNMENT}). */
    public static final int RECORD_ALIGNMENT = RingLayout.RECORD_ALIGNMENT;
    /** The smallest capacity ({@link RingLayout#MIN_CAPACITY}). */
    public static final int MIN_CAPACITY = RingLayout.MIN_CAPACITY;
    /** The largest capacity ({@link RingLayout#MAX_CAPACITY}). */
    public static final int MAX_CAPACITY = RingLayout.MAX_CAPACITY;

    final MemorySegment meta;
    final MemorySegment data;
    final int capacity;
    final long mask;
    final Platform platform = Platform.current();
    /** Names the ring and its memory in messages, and tells a shrunk object from other faults. */
    final StructureGuard guard;
    final long mine = ProcessIdentity.current();
    final MemorySegment waitingWord;
    /** The consumer's futex sleep and the checks before it. */
    private final ConsumerSleep sleeper;
    /** The producer's last view of the consumer position, checked when read; each kind says who guards it. */
    private long headCache;
    /** Whether this process must fence each publish, because the consumer cannot do it for us. */
    private final boolean fencedPublish = !Barriers.REGISTERED;

    /** Whether this process is a target of the consumer's process-wide barrier; decided once. */
    private static final class Barriers {
        static final boolean REGISTERED = Platform.current().registerForProcessBarriers();
    }

    RingBuffer(RingHeader header) {
        this.meta = header.region();
        this.guard = header.guard();
        this.capacity = header.capacity();
        this.mask = capacity - 1;
        this.data = meta.asSlice(header.dataOffset(), capacity);
        this.waitingWord = meta.asSlice(WAITING_OFFSET, Integer.BYTES);
        this.sleeper = new ConsumerSleep(this);
    }

    // ---------------------------------------------------------------- producing

    /**
     * The size of the data area.
     *
     * @return bytes, a power of two
     */
    public int capacity() {
        return capacity;
    }

    /**
     * The longest payload one record can carry: an eighth of the capacity, less the header.
     *
     * @return bytes
     */
    public int maxMessageLength() {
        return capacity / 8 - HEADER_BYTES;
    }

    /**
     * Appends one record if there is room, and returns at once.
     *
     * @param type the record type, at least 1
     * @param source the payload
     * @param sourceOffset where the payload starts in {@code source}
     * @param length the payload length, from 0 to {@link #maxMessageLength()}
     * @return false when the ring is too full right now
     * @throws dev.mman.MMapInvalidParameterException when the type or length is out of range
     * @throws IndexOutOfBoundsException when the payload lies outside {@code source}
     * @throws CorruptStructureException when the ring holds a value no correct peer writes
     * @throws MMapException when the shared object no longer covers the ring
     */
    public boolean tryWrite(int type, MemorySegment source, long sourceOffset, int length) {
        return tryWrite(type, source, sourceOffset, length, null);
    }

    /**
     * Appends a whole array as one record if there is room, and returns at once.
     *
     * @param type the record type, at least 1
     * @param payload the bytes, at most {@link #maxMessageLength()}
     * @return false when the ring is too full right now
     * @throws dev.mman.MMapInvalidParameterException when the type or length is out of range
     * @throws CorruptStructureException when the ring holds a value no correct peer writes
     * @throws MMapException when the shared object no longer covers the ring
     */
    public boolean tryWrite(int type, byte[] payload) {
        return tryWrite(type, MemorySegment.ofArray(Objects.requireNonNull(payload, "payload")), 0, payload.length);
    }

    /**
     * Appends one record, waiting for room as long as a consumer runs: it spins, yields, then
     * parks for 50 µs at a time, and every {@value RingPeers#CHECK_MILLIS} ms checks that the
     * consumer lives and the shared object still covers the ring.
     *
     * @param type the record type, at least 1
     * @param source the payload
     * @param sourceOffset where the payload starts in {@code source}
     * @param length the payload length, from 0 to {@link #maxMessageLength()}
     * @throws InterruptedException when the thread is interrupted while the ring is full
     * @throws dev.mman.MMapInvalidParameterException when the type or length is out of range
     * @throws ConsumerDiedException when the ring is full and its consumer process has exited
     * @throws CorruptStructureException when the ring holds a value no correct peer writes
     * @throws MMapException when the shared object no longer covers the ring
     */
    public void write(int type, MemorySegment source, long sourceOffset, int length) throws InterruptedException {
        RingPeers.Backoff backoff = null;
        while (!tryWrite(type, source, sourceOffset, length, null)) {
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while waiting for room in " + this);
            }
            if (backoff == null) {
                backoff = new RingPeers.Backoff();
            }
            if (backoff.checkDue()) {
                checkConsumer();
            }
            backoff.idle();
        }
    }

    /**
     * Appends a whole array as one record, waiting for room as
     * {@link #write(int, MemorySegment, long, int)} does.
     *
     * @param type the record type, at least 1
     * @param payload the bytes, at most {@link #maxMessageLength()}
     * @throws InterruptedException when the thread is interrupted while the ring is full
     * @throws ConsumerDiedException when the ring is full and its consumer process has exited
     */
    public void write(int type, byte[] payload) throws InterruptedException {
        write(type, MemorySegment.ofArray(Objects.requireNonNull(payload, "payload")), 0, payload.length);
    }

    /** The write path, with a hook that runs between copying and publishing, for tests that kill a writer. */
    boolean tryWrite(int type, MemorySegment source, long sourceOffset, int length, Runnable beforeCommit) {
        Objects.requireNonNull(source, "source");
        checkRecord(type, length);
        Objects.checkFromIndexSize(sourceOffset, length, source.byteSize());
        int recordLength = HEADER_BYTES + length;
        try {
            long index = claim(alignedLength(recordLength));
            if (index < 0) {
                return false;
            }
            MemorySegment.copy(source, sourceOffset, data, index + HEADER_BYTES, length);
            if (beforeCommit != null) {
                beforeCommit.run();
            }
            commit(index, recordHeader(recordLength, type));
            wakeConsumer();
            return true;
        } catch (InternalError fault) {
            throw guard.fault("tryWrite", fault);
        }
    }

    private void checkRecord(int type, int length) {
        if (type < 1) {
            throw Regions.invalid("tryWrite: type " + type + " is reserved; record types start at 1");
        }
        if (length < 0 || length > maxMessageLength()) {
            throw Regions.invalid("tryWrite: length " + length + " is outside 0.." + maxMessageLength()
                    + ", the most a record of this " + capacity + "-byte ring can carry; use a capacity of at "
                    + "least "
                    + RingHeader.suggestCapacity((int) Math.min(MAX_CAPACITY, 8L * (length + HEADER_BYTES))));
        }
    }

    /** The blocked producer's check: the ring is still there, and so is somebody to empty it. */
    private void checkConsumer() {
        try {
            guard.checkCovered("write");
            long consumer = (long) LONG.getAcquire(meta, CONSUMER_OFFSET);
            if (!RingPeers.alive(consumer)) {
                throw RingPeers.consumerDied(guard, consumer);
            }
        } catch (InternalError fault) {
            throw guard.fault("write", fault);
        }
    }

    /**
     * The bytes to claim at producer position {@code tail} for a record: the record itself, or
     * when it would not fit before the end of the data area, the padding up to the end as well.
     */
    final long claimSize(long tail, long alignedLength) {
        long toEnd = capacity - (tail & mask);
        return alignedLength <= toEnd ? alignedLength : toEnd + alignedLength;
    }

    /**
     * Whether {@code required} bytes at {@code tail}, a checked position, are free. The consumer
     * position is reread only when the cached one does not show room, and checked then: a head
     * ahead of the tail would let the producer overwrite unread records.
     */
    final boolean hasRoom(long tail, long required) {
        long head = headCache;
        if (tail >= head && tail + required - head <= capacity) {
            return true;
        }
        head = (long) LONG.getVolatile(meta, HEAD_OFFSET);
        if (!RingChecks.isPosition(head)) {
            throw RingChecks.badHead(guard, head);
        }
        if (head > tail) {
            // SPSC: corrupt. MPSC: maybe a tail read before others claimed and the consumer read.
            return staleTail(tail, head);
        }
        if (tail - head > capacity) {
            throw RingChecks.tailTooFar(guard, tail, head, capacity);
        }
        headCache = head;
        return tail + required - head <= capacity;
    }

    /**
     * The consumer position {@code head} passed the producer position {@code tail} this producer
     * read: throws {@link CorruptStructureException} unless the kind can explain it.
     *
     * @return true to have the claim retried
     */
    abstract boolean staleTail(long tail, long head);

    /** Writes the padding of a claim that wraps, and returns the index of the record's header. */
    final long placeRecord(long tail, long required, long alignedLength) {
        long index = tail & mask;
        if (required == alignedLength) {
            return index;
        }
        LONG.setRelease(data, index, recordHeader((int) (required - alignedLength), PADDING_TYPE));
        return 0;
    }

    /**
     * Reserves room for a record of {@code alignedLength} bytes.
     *
     * @return the index in {@link #data} where its header goes, or -1 when there is no room
     */
    abstract long claim(long alignedLength);

    /** Publishes the claimed record, through {@link #publish}. */
    abstract void commit(long index, long header);

    /** Stores the word that makes a record visible to the consumer (see "Waiting" above). */
    final void publish(MemorySegment segment, long offset, long value) {
        if (fencedPublish) {
            LONG.setVolatile(segment, offset, value);
        } else {
            LONG.setRelease(segment, offset, value);
        }
    }

    private void wakeConsumer() {
        // The volatile read is also the guard read before the exchange (see "Hostile peers").
        if ((int) INT.getVolatile(meta, WAITING_OFFSET) != 0 && (int) INT.getAndSet(meta, WAITING_OFFSET, 0) != 0) {
            platform.futexWake(waitingWord, 1);
        }
    }

    // ---------------------------------------------------------------- peers

    /**
     * Whether the consumer may still read: false once the process that last read from the ring
     * has exited (checked by pid and start time); true while it runs, and before anyone has read.
     *
     * @return whether a consumer lives, as far as the ring tells
     * @throws MMapException when the shared object no longer covers the ring
     */
    public boolean consumerAlive() {
        try {
            return RingPeers.alive((long) LONG.getAcquire(meta, CONSUMER_OFFSET));
        } catch (InternalError fault) {
            throw guard.fault("consumerAlive", fault);
        }
    }

    /**
     * Whether a producer may still write: false once producers have written and every one of
     * them is gone; true before any has written. Each kind says what "gone" means. A consumer
     * that finds it false and then reads nothing has read every record there will be:
     * {@code while (ring.producersAlive() || ring.read(handler, 100) > 0) { ... }} checks in
     * that order.
     *
     * @return whether a producer lives, as far as the ring tells
     * @throws CorruptStructureException when the ring holds a value no correct peer writes
     * @throws MMapException when the shared object no longer covers the ring
     */
    public abstract boolean producersAlive();

    // ---------------------------------------------------------------- consuming

    /**
     * Hands up to {@code limit} waiting records to {@code handler}, in order, and returns at once.
     * A record counts as read once its handler is called, even if the handler throws.
     *
     * @param handler receives each record
     * @param limit the most records to read, at least 1
     * @return how many records were read, 0 when none is waiting
     * @throws CorruptStructureException when the ring holds a value no correct peer writes, such
     *     as a record that no producer wrote; the records before it are delivered
     * @throws MMapException when the shared object no longer covers the ring
     */
    public final int read(MessageHandler handler, int limit) {
        Objects.requireNonNull(handler, "handler");
        if (limit < 1) {
            throw Regions.invalid("read: limit " + limit + " is not positive; ask for at least 1 record");
        }
        try {
            return readBatch(handler, limit);
        } catch (InternalError fault) {
            throw guard.fault("read", fault);
        }
    }

    private int readBatch(MessageHandler handler, int limit) {
        if ((long) LONG.get(meta, CONSUMER_OFFSET) != mine) {
            LONG.setRelease(meta, CONSUMER_OFFSET, mine);
        }
        long head = (long) LONG.get(meta, HEAD_OFFSET);
        if (!RingChecks.isPosition(head)) {
            throw RingChecks.badHead(guard, head);
        }
        // One lap at most: past it lie this batch's own records, not yet zeroed.
        long lapEnd = head + capacity;
        long position = head;
        int count = 0;
        try {
            while (count < limit && position < lapEnd) {
                long index = position & mask;
                long header = (long) LONG.getAcquire(data, index);
                if (header == 0) {
                    long end = unpublishedEnd(head, position);
                    if (end < 0) {
                        break;
                    }
                    position = end;
                    continue;
                }
                if (!RingChecks.isRecord(header, position, index, capacity, lapEnd)) {
                    throw RingChecks.badRecord(guard, header, position, index, capacity, lapEnd);
                }
                int length = recordLength(header);
                int type = recordType(header);
                position += alignedLength(length);
                if (type != PADDING_TYPE) {
                    count++;
                    handler.onMessage(type, data, index + HEADER_BYTES, length - HEADER_BYTES);
                }
            }
        } finally {
            if (position != head) {
                free(head, position);
            }
        }
        return count;
    }

    /**
     * The consumer met a zero header at {@code position} (the batch began at {@code head}):
     * nothing more was written yet, or a record was claimed and not published yet.
     *
     * @return where to go on reading, at most a lap after {@code head}, or -1 to stop for now
     */
    abstract long unpublishedEnd(long head, long position);

    /** Hands the read range, at most a lap, back to the producers: zeroed, since a zero header means "unpublished". */
    private void free(long from, long to) {
        for (long position = from; position < to; ) {
            long index = position & mask;
            long length = Math.min(to - position, capacity - index);
            data.asSlice(index, length).fill((byte) 0);
            position += length;
        }
        LONG.setRelease(meta, HEAD_OFFSET, to);
    }

    /**
     * Like {@link #read(MessageHandler, int)}, but waits up to {@code timeout} for the first
     * record: it spins, yields, then sleeps on a futex until a producer wakes it.
     *
     * @param handler receives each record
     * @param limit the most records to read, at least 1
     * @param timeout the longest wait
     * @return how many records were read, 0 when the timeout passed first
     * @throws InterruptedException when the thread is interrupted while it waits (noticed within 100 ms)
     * @throws CorruptStructureException when the ring holds a value no correct peer writes
     * @throws MMapException when the shared object no longer covers the ring
     */
    public int read(MessageHandler handler, int limit, Duration timeout) throws InterruptedException {
        long deadline = Deadline.after(timeout);
        RingPeers.Backoff backoff = new RingPeers.Backoff();
        while (true) {
            int count = read(handler, limit);
            if (count > 0) {
                return count;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return 0;
            }
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while waiting for records in " + this);
            }
            if (backoff.spinning()) {
                backoff.idle();
            } else {
                sleeper.sleep(left);
            }
        }
    }

    /** Whether every record below the producer position is published once its producer is done with it. */
    abstract boolean publishedBelowTail();

    /**
     * Describes the ring: kind, offset, capacity and positions; it never throws, and says so when
     * the memory can no longer be read.
     *
     * @return for example {@code SpscRingBuffer[offset 0, capacity 65536, head 128, tail 256]}
     */
    @Override
    public String toString() {
        String start = getClass().getSimpleName() + "[offset " + guard.offset() + ", capacity " + capacity;
        try {
            return start + ", head " + (long) LONG.getVolatile(meta, HEAD_OFFSET) + ", tail "
                    + (long) LONG.getVolatile(meta, TAIL_OFFSET) + "]";
        } catch (RuntimeException | InternalError unreadable) {
            return start + ", memory unreadable: " + unreadable.getClass().getSimpleName() + "]";
        }
    }
}
