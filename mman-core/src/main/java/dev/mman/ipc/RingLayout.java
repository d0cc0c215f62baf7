package dev.mman.ipc;

import dev.mman.MMapInvalidParameterException;

/**
 * The layout of {@link SpscRingBuffer} and {@link MpscRingBuffer} in shared memory, version
 * {@value #VERSION}: a contract between processes, and between languages. A program that follows
 * it can produce into or consume from a ring that Java formatted, or format one that Java attaches.
 * This class only describes; the ring classes read and write the memory.
 *
 * <h2>The whole ring</h2>
 * A ring starts at an 8-byte aligned address. Every number is in the machine's native byte order
 * (little-endian on every platform mman runs on) and every field is naturally aligned.
 * <pre>
 *  offset                      size                  what
 *  0                           512                   metadata
 *  512                         128 * producerSlots   producer slots (MPSC only; SPSC has 0)
 *  512 + 128 * producerSlots   capacity              the data area, which holds the records
 * </pre>
 *
 * <h2>Metadata</h2>
 * The producer position, the consumer position and the consumer's futex word each sit on their
 * own 128 bytes: a cache line and the neighbour that is prefetched with it.
 * <pre>
 *  offset  size  field              written by                 holds
 *     0     4    magic              format, last (release)     0x424d4d4d: the bytes "MMMB" in memory
 *     4     4    kind               format                     1 = SPSC, 2 = MPSC
 *     8     4    capacity           format                     data-area bytes: a power of two, 1024 to 2^30
 *    12     4    producerSlots      format                     0 for SPSC; 1 to 4096 for MPSC
 *    16     8    stallTimeoutNanos  format                     0 for SPSC; positive for MPSC
 *    24     4    version            format, before the magic   1
 *    28   100    reserved           format                     0
 *   128     8    tail               producers                  the producer position
 *   136     8    producer           the SPSC producer          its process identity from its first write, else 0
 *   144   112    reserved           format                     0
 *   256     8    head               the consumer               the consumer position
 *   264     8    consumer           the consumer               its process identity, from its first read; 0 before
 *   272   112    reserved           format                     0
 *   384     4    waiting            the consumer, producers    1 while the consumer sleeps on it (a futex word), else 0
 *   388   124    reserved           format                     0
 * </pre>
 * {@code format} zeroes the whole ring, writes the fields and the version, and publishes the
 * magic last with a release store. {@code attach} reads the magic with an acquire load and refuses
 * a ring whose magic, {@linkplain #VERSION version} or kind differ, or whose capacity, slot count
 * or stall timeout is out of range. A later version puts new fields into reserved bytes; the
 * offsets above stay. (Before layout versions, {@code format} left the version at 0; the layout
 * was otherwise the same.)
 *
 * <h2>Positions</h2>
 * {@code tail} and {@code head} count bytes since {@code format}, start at 0 and only grow (they
 * do not wrap in practice: 2<sup>63</sup> bytes). Position {@code p} is at data-area index
 * {@code p & (capacity - 1)}; {@code tail - head} bytes are claimed or unread, at most
 * {@code capacity}. An SPSC producer stores {@code tail} (opaque) after publishing a record; MPSC
 * producers claim room with a compare-and-set on {@code tail}. The consumer stores {@code head}
 * with a release store after zeroing what it has read; producers read it to see how much room
 * there is. Both are multiples of 8 and at most {@code 2^63 - 2^32} (room for one more lap), and
 * {@code head <= tail <= head + capacity}; mman refuses any other value as corruption.
 *
 * <h2>Peers</h2>
 * {@code producer} and {@code consumer} hold process identities as {@link LockLayout} describes
 * them (the state bits 0), stored with a release store: the consumer stores its own when it finds
 * another one there at a read, an SPSC producer at its first write. A producer blocked on a full
 * ring checks that the consumer still runs; a consumer may ask whether its producers do (for
 * MPSC, the owners of the producer slots). A program that does not store them leaves them 0,
 * which means "not known", never "dead".
 *
 * <h2>Records</h2>
 * A record starts at a multiple of 8 in the data area and never wraps around its end. Its header
 * is one 64-bit word:
 * <pre>
 *  bits  0..31   length   int32: 8 + the payload bytes (not rounded up)
 *  bits 32..63   type     int32: 1 or more, chosen by the producer; -1 = padding
 *  (in little-endian memory: length at byte 0, type at byte 4, the payload from byte 8)
 * </pre>
 * The next record starts {@link #alignedLength(long) alignedLength(length)} bytes further. mman's
 * producers write payloads of at most {@code capacity / 8 - 8} bytes; the consumer accepts any
 * length up to {@code capacity}. When a record would cross the end of the data area, the producer
 * claims the rest of the area too, writes a padding record there whose length runs to the end (its
 * payload is ignored), and puts the record at index 0.
 * <p>A producer copies the payload first and stores the header last, as one 64-bit release
 * store, so a header of 0 means "not published yet". The consumer reads a header with an acquire
 * load and hands the record on; after a batch it zeroes the bytes it has read, then stores
 * {@code head}, so the data area is zero wherever no record is published. The consumer refuses as
 * corruption a length below 8, a record that would end past the end of the data area or more than
 * {@code capacity} bytes after {@code head}, and a type of 0 or below other than padding.
 * <p>An SPSC producer stores {@code tail} after publishing, so one that dies in between leaves
 * published records (at most a padding and one record) at and after {@code tail}, and possibly
 * payload bytes it copied but never published. A producer that takes over (mman's, at its first
 * write) first moves {@code tail} past the published headers it finds there (or up to {@code head},
 * if the consumer read them already) and zeroes the next {@code capacity / 8} bytes up to the end
 * of the data area, so that no stale byte is read as a header later.
 *
 * <h2>Waking the consumer</h2>
 * Before it sleeps, the consumer stores 1 in {@code waiting}, looks once more for a record, and
 * sleeps in {@code FUTEX_WAIT} (shared, not private) on {@code waiting} while it holds 1; it
 * stores 0 when it wakes. After publishing, a producer reads {@code waiting}; when it is not 0,
 * the producer exchanges it with 0 and, if it got a value other than 0, calls {@code FUTEX_WAKE}
 * for one waiter. The publish and that read must not be reordered: mman's producers register
 * for {@code membarrier(MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED)}, which the consumer issues
 * before it sleeps; a producer that does not register must put a full fence between its header
 * store and its read of {@code waiting} (store the header sequentially consistent). A consumer
 * that cannot issue the barrier sleeps at most 1 ms at a time.
 *
 * <h2>Producer slots (MPSC)</h2>
 * Slot {@code i} starts at {@link #slotOffset(int) slotOffset(i)}:
 * <pre>
 *  offset  size  field     written by                      holds
 *     0     8    owner     producers, by compare-and-set   0 = free, else the owner's process identity
 *     8     8    start     the owner                       the position where its latest claim starts
 *    16     8    length    the owner                       the bytes of that claim, padding included
 *    24   104    reserved  format                          0
 * </pre>
 * The owner is a process identity as {@link LockLayout} describes it, with the two state bits 0.
 * A producer takes a slot with a compare-and-set of {@code owner} from 0, or from a dead process
 * whose last claim ends at or below {@code head}; it frees the slot by storing 0 (release). Before
 * each claim it stores {@code start} (the {@code tail} it read) and {@code length} (opaque), then
 * claims with a compare-and-set of {@code tail} from {@code start} to {@code start + length}.
 * When a claimed record stays unpublished for {@code stallTimeoutNanos}, the consumer skips the
 * range {@code [start, start + length)} if the owners of all slots that cover it are dead. A slot
 * whose owner is not 0 keeps {@code start} a position (as above) and {@code length} a multiple of
 * 8 from 0 to {@code capacity}; a claim to skip must end at or below {@code tail}. A hole below
 * {@code tail} that no slot covers, twice in a row, is corruption.
 *
 * <h2>Other programs</h2>
 * Every process that uses a ring sees the same native byte order (they run on one machine).
 * Each field is read and written with aligned loads and stores of its own size, which are atomic,
 * with the orderings named above. Nothing in the ring is an address, so each process may map it
 * anywhere.
 * {@code FUTEX_WAIT} and {@code FUTEX_WAKE} name the platform's shared address wait: on Linux
 * {@code futex} without {@code FUTEX_PRIVATE_FLAG}; on macOS {@code os_sync_wait_on_address}
 * with {@code OS_SYNC_WAIT_ON_ADDRESS_SHARED} (or {@code __ulock_wait} with
 * {@code UL_COMPARE_AND_WAIT_SHARED} before macOS 14.4), and their wakes; on Windows mman's
 * waiters poll the word, so a wake needs no call there.
 */
public final class RingLayout {

    /** The layout version this library writes at {@code format} and requires at {@code attach}. */
    public static final int VERSION = 1;
    /** The magic number, an int32 at {@link #MAGIC_OFFSET}: the bytes "MMMB" in little-endian memory. */
    public static final int MAGIC = 0x424d4d4d;
    /** The {@code kind} of a ring with one producer ({@link SpscRingBuffer}). */
    public static final int KIND_SPSC = 1;
    /** The {@code kind} of a ring with many producers ({@link MpscRingBuffer}). */
    public static final int KIND_MPSC = 2;

    /** Where the int32 magic sits in the metadata. */
    public static final long MAGIC_OFFSET = 0;
    /** Where the int32 kind sits in the metadata. */
    public static final long KIND_OFFSET = 4;
    /** Where the int32 capacity (data-area bytes) sits in the metadata. */
    public static final long CAPACITY_OFFSET = 8;
    /** Where the int32 number of producer slots sits in the metadata. */
    public static final long PRODUCER_SLOTS_OFFSET = 12;
    /** Where the int64 stall timeout, in nanoseconds, sits in the metadata. */
    public static final long STALL_TIMEOUT_OFFSET = 16;
    /** Where the int32 layout version sits in the metadata. */
    public static final long VERSION_OFFSET = 24;
    /** Where the int64 producer position sits in the metadata. */
    public static final long TAIL_OFFSET = 128;
    /** Where the int64 process identity of the SPSC producer sits in the metadata. */
    public static final long PRODUCER_OFFSET = 136;
    /** Where the int64 consumer position sits in the metadata. */
    public static final long HEAD_OFFSET = 256;
    /** Where the int64 process identity of the consumer sits in the metadata. */
    public static final long CONSUMER_OFFSET = 264;
    /** Where the int32 futex word the consumer sleeps on sits in the metadata. */
    public static final long WAITING_OFFSET = 384;
    /** The bytes of the metadata; the producer slots, or for SPSC the data area, follow. */
    public static final int METADATA_BYTES = 512;

    /** The bytes of one producer slot. */
    public static final int SLOT_BYTES = 128;
    /** Where the int64 owner identity sits in a producer slot. */
    public static final long SLOT_OWNER_OFFSET = 0;
    /** Where the int64 start position of the owner's latest claim sits in a producer slot. */
    public static final long SLOT_START_OFFSET = 8;
    /** Where the int64 length of the owner's latest claim sits in a producer slot. */
    public static final long SLOT_LENGTH_OFFSET = 16;
    /** The most producer slots a ring may have. */
    public static final int MAX_PRODUCER_SLOTS = 4096;

    /** The bytes of a record header. */
    public static final int RECORD_HEADER_BYTES = 8;
    /** Records start at multiples of this, in the data area. */
    public static final int RECORD_ALIGNMENT = 8;
    /** The type of a padding record, which fills the data area up to its end. */
    public static final int PADDING_TYPE = -1;
    /** The smallest capacity. */
    public static final int MIN_CAPACITY = 1024;
    /** The largest capacity. */
    public static final int MAX_CAPACITY = 1 << 30;

    private RingLayout() {}

    /**
     * Where producer slot {@code slot} starts, from the start of the ring.
     *
     * @param slot the slot index, from 0 to the ring's {@code producerSlots - 1}
     * @return {@code METADATA_BYTES + slot * SLOT_BYTES}
     * @throws MMapInvalidParameterException when {@code slot} is outside 0 to {@value #MAX_PRODUCER_SLOTS} - 1
     */
    public static long slotOffset(int slot) {
        return METADATA_BYTES + (long) within("slot", slot, MAX_PRODUCER_SLOTS - 1) * SLOT_BYTES;
    }

    /**
     * Where the data area starts, from the start of the ring.
     *
     * @param producerSlots the ring's {@code producerSlots}: 0 for SPSC
     * @return {@code METADATA_BYTES + producerSlots * SLOT_BYTES}
     * @throws MMapInvalidParameterException when {@code producerSlots} is outside 0 to {@value #MAX_PRODUCER_SLOTS}
     */
    public static long dataOffset(int producerSlots) {
        return METADATA_BYTES + (long) within("producerSlots", producerSlots, MAX_PRODUCER_SLOTS) * SLOT_BYTES;
    }

    private static int within(String name, int value, int most) {
        if (value < 0 || value > most) {
            throw new MMapInvalidParameterException("RingLayout: " + name + " " + value + " is outside 0 to " + most);
        }
        return value;
    }

    /**
     * The header word of a record.
     *
     * @param length {@value #RECORD_HEADER_BYTES} plus the payload bytes
     * @param type the record type, or {@value #PADDING_TYPE} for padding
     * @return {@code type} in the high 32 bits, {@code length} in the low 32 bits
     */
    public static long recordHeader(int length, int type) {
        return (long) type << 32 | (length & 0xFFFF_FFFFL);
    }

    /**
     * The length of a record, from its header word.
     *
     * @param header a header word, as {@link #recordHeader} makes it
     * @return its low 32 bits: {@value #RECORD_HEADER_BYTES} plus the payload bytes, for a valid record
     */
    public static int recordLength(long header) {
        return (int) header;
    }

    /**
     * The type of a record, from its header word.
     *
     * @param header a header word, as {@link #recordHeader} makes it
     * @return its high 32 bits
     */
    public static int recordType(long header) {
        return (int) (header >>> 32);
    }

    /**
     * How far the next record starts after one of {@code length} bytes.
     *
     * @param length a record length, header included
     * @return {@code length} rounded up to a multiple of {@value #RECORD_ALIGNMENT}
     */
    public static long alignedLength(long length) {
        return (length + RECORD_ALIGNMENT - 1) & -RECORD_ALIGNMENT;
    }
}
