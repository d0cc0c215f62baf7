package dev.mman;

import static dev.mman.Mman.MAP_ANONYMOUS;
import static dev.mman.Mman.MAP_HUGETLB;

import dev.mman.internal.Platform;
import java.util.Locale;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Fills of anonymous native memory through the C library's {@code memset}, which is two to three
 * times as fast as the JDK's {@code MemorySegment.fill} from a few KiB up (measured with JMH), and the
 * guard that keeps such a fill off memory that is being unmapped or protected.
 *
 * <p>{@code memset} has none of the JDK's protection: a fault inside it kills the process. So it
 * is only used where no fault can come from outside the mapping's own control calls:
 * <ul>
 * <li>anonymous memory only: a file or shared-memory object can be truncated by another process,
 *     and the JDK's fill turns the resulting SIGBUS into an {@link InternalError} that mman reports,
 *     where {@code memset} would crash;</li>
 * <li>no huge pages: a private {@code MAP_HUGETLB} page that cannot be allocated at fault time
 *     raises SIGBUS too.</li>
 * </ul>
 * The remaining danger is the mapping's own {@code close()} and {@code mprotect()}: each holds
 * off new fills and waits for those in flight ({@link #exclude()}) before it unmaps or takes
 * rights away, and each fill checks the mapping's state again once it is admitted. ({@code resize}
 * refuses anonymous memory, so it never meets a native fill.)
 */
final class NativeFill {

    /**
     * From this many bytes a fill goes through {@code memset}. Measured on x86_64: at 1 KiB the
     * downcall plus the lock cost more than the JDK's fill (about 14 + 15 ns against 21 ns); at
     * 4 KiB {@code memset} takes 32 ns against 82 ns, and the gap stays 1.3-3x up to 1 MiB.
     */
    static final long THRESHOLD = 4096;

    /**
     * From this many bytes a fill first asks whether the range has been faulted in. The check
     * is one {@code mincore} of one page, under 1% of a fill this large.
     */
    static final long FRESH_CHECK = 8L << 20;

    /**
     * Only Linux populates for writing ({@code MADV_POPULATE_WRITE}, 5.14 and later); elsewhere
     * mman's {@code POPULATE} reads each page, which maps the shared zero page and leaves the
     * write fault to {@code memset} anyway.
     */
    private static final boolean POPULATES_FOR_WRITING =
            System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux");

    private final Platform platform;
    /** The mapping's monitor for control calls; {@link #exclude()} and {@link #admit()} run holding it. */
    private final Object control;
    /**
     * Fills hold it shared while {@code memset} runs; close and mprotect hold it exclusively. Made
     * by the first native fill, under {@link #control}, so that a mapping that never fills natively
     * does not carry it: a control call that finds none knows that no fill can start before it
     * releases the monitor. Not a {@code StampedLock}: its readers overtake a waiting writer, so
     * threads that fill without pause could keep close() waiting for seconds, while this lock
     * queues new fills behind the writer.
     */
    private volatile ReentrantReadWriteLock inFlight;

    private NativeFill(Platform platform, Object control) {
        this.platform = platform;
        this.control = control;
    }

    /**
     * The native fill for a mapping, when it may have one.
     *
     * @param region the mapping's memory
     * @param flags the mapping's {@code MAP_*} flags
     * @param control the monitor the mapping's control calls hold
     * @return the fill, or null when fills must stay with the JDK
     */
    static NativeFill forMapping(Region region, int flags, Object control) {
        boolean anonymous = (flags & MAP_ANONYMOUS) != 0 && (flags & MAP_HUGETLB) == 0;
        return anonymous && region instanceof NativeRegion mapped ? new NativeFill(mapped.platform(), control) : null;
    }

    /**
     * Whether a fill of this length is worth the native call.
     *
     * @param length bytes to fill
     * @return true from {@link #THRESHOLD} up
     */
    static boolean pays(long length) {
        return length >= THRESHOLD;
    }

    /**
     * Fills a range once no control call is changing the mapping.
     *
     * @param stillAllowed checks, once admitted, that the mapping is open and writable and the range
     *     inside it; throws when not
     * @param address the first byte
     * @param length bytes to fill
     * @param value the byte
     */
    void fill(Runnable stillAllowed, long address, long length, byte value) {
        ReentrantReadWriteLock lock = inFlight;
        if (lock == null) {
            synchronized (control) {
                if (inFlight == null) {
                    inFlight = new ReentrantReadWriteLock();
                }
                lock = inFlight;
            }
        }
        lock.readLock().lock();
        try {
            stillAllowed.run();
            if (POPULATES_FOR_WRITING && length >= FRESH_CHECK) {
                populateIfFresh(address, length);
            }
            platform.fill(address, length, value);
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Faults a fresh range in with {@code MADV_POPULATE_WRITE} before {@code memset} writes it.
     * The C library's {@code memset} uses {@code rep stosb} above 2 KiB, and on memory that is not
     * yet there every page fault interrupts that instruction, which then restarts slowly: on
     * fresh memory it ran at 0.5-0.6 GB/s where the JDK's vector fill faulted the same pages at
     * 0.6-1.0 GB/s (1 GiB, x86_64, glibc 2.36). The kernel faults a range in faster by itself, and
     * {@code memset} then runs at cache speed. Only the first page is asked about: a range whose
     * first page is resident has most likely been written before, and populating resident pages
     * costs a page-table walk (about 4 GB/s) for nothing. A failed populate is ignored;
     * {@code memset} then faults the pages in as before.
     */
    private void populateIfFresh(long address, long length) {
        long page = platform.pageSize();
        long first = address - Math.floorMod(address, page);
        try {
            if ((platform.residency(first, page)[0] & 1) == 0) {
                platform.advise(first, address + length - first, Advice.POPULATE, true);
            }
        } catch (MMapException ignored) {
            // Residency or populate unsupported or refused: memset faults the pages in itself.
        }
    }

    /**
     * Waits for the fills in flight and keeps new ones waiting, until {@link #admit()}. The caller
     * holds the control monitor until then.
     */
    void exclude() {
        ReentrantReadWriteLock lock = inFlight;
        if (lock != null) {
            lock.writeLock().lock();
        }
    }

    /** Lets fills run again; the caller still holds the control monitor it held for {@link #exclude()}. */
    void admit() {
        ReentrantReadWriteLock lock = inFlight;
        if (lock != null) {
            lock.writeLock().unlock();
        }
    }
}
