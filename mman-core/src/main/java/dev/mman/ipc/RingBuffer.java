package dev.mman.ipc;

import static dev.mman.ipc.Regions.LONG;
import static dev.mman.ipc.RingLayout.CONSUMER_OFFSET;
import static dev.mman.ipc.RingLayout.HEAD_OFFSET;
import static dev.mman.ipc.RingLayout.TAIL_OFFSET;
import static dev.mman.ipc.RingLayout.WAITING_OFFSET;
import static dev.mman.ipc.RingLayout.alignedLength;
import static dev.mman.ipc.RingLayout.recordHeader;

import dev.mman.MMapException;
import dev.mman.internal.Platform;
import dev.mman.internal.ProcessIdentity;
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
 * {@link dev.mman.MemoryMap}), or in any native, writable {@link MemorySegment} that holds it at
 * an 8-byte aligned address (the overloads with a segment). It has no lifetime of its own: the
 * memory's governs, as the package documentation describes.
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
 * Every byte of the ring is input from other processes, checked where it is read
 * ({@link RingLayout} gives the rules); the package documentation says what a bad value, or a
 * shrunk object, ends in. The ring also records its consumer's process: a producer blocked in
 * {@code write} on a full ring whose consumer has died gets {@link ConsumerDiedException} within
 * about 100 ms; a consumer asks {@link #producersAlive()}. Deaths are told by pid and start time,
 * so the processes must see each other, as for {@link SharedLock}: one that cannot be seen counts
 * as dead.
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
    /** The consumer side: batch reads, and the futex sleep between them. */
    private final RingConsumer consumer;
    /** The producer side: room, padding, publishing and waking the consumer. */
    final RingProducer producer;

    RingBuffer(RingHeader header) {
        this.meta = header.region();
        this.guard = header.guard();
        this.capacity = header.capacity();
        this.mask = capacity - 1;
        this.data = meta.asSlice(header.dataOffset(), capacity);
        this.waitingWord = meta.asSlice(WAITING_OFFSET, Integer.BYTES);
        this.consumer = new RingConsumer(this);
        this.producer = new RingProducer(this);
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
     * @throws dev.mman.MMapInvalidParameterException when the type or length is out of range, or the
     *     payload does not lie inside {@code source}
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
     * @throws dev.mman.MMapInvalidParameterException when the type or length is out of range, or the
     *     payload does not lie inside {@code source}
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
                // A wait begins: the slow path checks that the object still covers the ring.
                guard.checkCovered("write");
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
        if (sourceOffset < 0 || sourceOffset > source.byteSize() - length) {
            throw Regions.invalid("tryWrite: source offset " + sourceOffset + " + length " + length + " does not lie "
                    + "inside the " + source.byteSize() + "-byte source segment; pass an offset from 0 to "
                    + Math.max(0, source.byteSize() - length));
        }
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
            producer.wakeConsumer();
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
     * The consumer position {@code head} passed the producer position {@code tail} this producer
     * read: throws {@link CorruptStructureException} unless the kind can explain it.
     *
     * @return true to have the claim retried
     */
    abstract boolean staleTail(long tail, long head);

    /**
     * Reserves room for a record of {@code alignedLength} bytes.
     *
     * @return the index in {@link #data} where its header goes, or -1 when there is no room
     */
    abstract long claim(long alignedLength);

    /** Publishes the claimed record, through {@link RingProducer#publish}. */
    abstract void commit(long index, long header);

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
            return consumer.read(handler, limit);
        } catch (InternalError fault) {
            throw guard.fault("read", fault);
        }
    }

    /**
     * The consumer met a zero header at {@code position} (the batch began at {@code head}):
     * nothing more was written yet, or a record was claimed and not published yet.
     *
     * @return where to go on reading, at most a lap after {@code head}, or -1 to stop for now
     */
    abstract long unpublishedEnd(long head, long position);

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
                consumer.sleep(left);
            }
        }
    }

    /**
     * Whether the producer position is stored after the records below it are published (SPSC):
     * then every position below it holds a record, and the consumer may be up to a record and a
     * padding past it. Otherwise (MPSC) it is claimed first, and the consumer never passes it.
     */
    abstract boolean tailFollowsPublish();

    /**
     * Describes the ring: kind, offset, capacity and positions; it never throws, and says so when
     * the memory can no longer be read.
     *
     * @return for example {@code SpscRingBuffer[offset 0, capacity 65536, head 128, tail 256]}, or
     *     {@code SpscRingBuffer[offset 0, capacity 65536, closed]} once its memory was closed
     */
    @Override
    public String toString() {
        String start = getClass().getSimpleName() + "[offset " + guard.offset() + ", capacity " + capacity;
        if (guard.closed()) {
            return start + ", closed]";
        }
        try {
            return start + ", head " + (long) LONG.getVolatile(meta, HEAD_OFFSET) + ", tail "
                    + (long) LONG.getVolatile(meta, TAIL_OFFSET) + "]";
        } catch (RuntimeException | InternalError unreadable) {
            return start + ", memory unreadable: " + unreadable.getClass().getSimpleName() + "]";
        }
    }
}
