package dev.mman;

import static dev.mman.Mman.PROT_READ;
import static dev.mman.Mman.PROT_WRITE;

import dev.mman.internal.Flags;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.Reference;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The safety protocol of one {@link MemoryMap}: the one class in mman where a mistake crashes the
 * JVM. Everything else either goes through it or touches no mapped memory.
 *
 * <p>Java reaches a mapping's memory only through segments of a <em>view arena</em>, which this
 * guard opens on first use and closes ("retires") before the memory is unmapped or loses rights.
 * The state is one volatile {@link Epoch}: the protection granted now and the views valid under it,
 * or null once closed. The kernel's protection only ever narrows after every view that was made
 * under the wider one has died.
 *
 * <p>What every caller must do:
 * <ul>
 * <li><b>Copies</b> ({@code read}, {@code write}, {@code fill}) are made here, through the current
 *     epoch's segment. One that meets {@link IllegalStateException} lost a race with a control call
 *     that closed the arena; it retries holding the monitor, where no control call can run.
 *     An {@link InternalError} from the access (a shrunk file) becomes an {@link MMapException}.</li>
 * <li><b>Views</b> handed to users come from {@link #viewable}, never from the region.</li>
 * <li><b>Native calls on the mapping's addresses</b> run inside {@link #control}, which holds the
 *     monitor and has checked that the mapping is open: nothing can unmap the range under them.</li>
 * <li><b>Unmapping, remapping or taking rights away</b> goes through {@link #close()},
 *     {@link #handOver} or {@link #protect}. They retire the views (with the extra handshakes,
 *     see {@link #retire}), hold off native fills, and only then change the memory.</li>
 * <li><b>Native fills</b> ({@code memset}, which faults like C does) run only through
 *     {@link #fillNatively}, which the three calls above wait for.</li>
 * </ul>
 * A new control call that only reads or advises needs {@link #control}; one that invalidates the
 * memory belongs here, next to the three above.
 *
 * <p><b>Confined mappings</b> ({@link MapOptions#confined}) belong to one thread. Every call checks
 * the thread first ({@link #open}), before any copy, native call or view, and the views come from a
 * confined arena, which other threads cannot use either. So no other thread can ever be inside an
 * access: closing the arena is thread-local, needs no handshake, and the memory can be unmapped or
 * narrowed right after it, with neither the extra handshakes nor a placeholder. mman's own helper
 * threads (parallel prefault) touch the memory only while the owner waits inside a control call.
 * Once the owner has ended, no thread can pass that check again, so on {@link Backend#NATIVE} any
 * thread may then close the mapping, leaving its views' arena unclosed: they stay unusable.
 */
final class MappingGuard {

    /** Handshakes after closing a view arena; see {@link #awaitLateAccesses()}. */
    private static final int EXTRA_HANDSHAKES = 4;

    /** The mapping, for messages. */
    private final MemoryMap owner;
    private final Region region;
    private final long size;
    /** Serializes the control calls, so that no native call runs on an address being unmapped. */
    private final Object monitor = new Object();
    /** {@code memset} for large fills of anonymous memory; null where fills stay with the JDK. */
    private final NativeFill nativeFill;
    /** The only thread that may use the mapping, or null for any. */
    private final Thread confinedTo;
    /** The current protection epoch; null once closed. Read without a lock on the hot path. */
    private volatile Epoch epoch;

    /**
     * The views valid under one protection. The arena is closed when rights are taken away, so
     * that every view of the old rights dies before the kernel enforces the new ones.
     *
     * <p>The arena is created on the first access, not with the mapping: closing a shared arena
     * is a handshake with every thread, which a mapping that Java never touched (or has not
     * touched since its rights were cut) does not need. Without an arena, {@code views} and
     * {@code segment} are null and no view of the mapping exists anywhere.
     *
     * @param views the arena and its whole-mapping segment, or null
     * @param segment the segment to access through: read-only without {@code PROT_WRITE}
     * @param prot the rights granted in this epoch
     */
    record Epoch(Region.Views views, MemorySegment segment, int prot) {

        static Epoch open(Region.Views views, int prot) {
            MemorySegment all = views.segment();
            return new Epoch(views, (prot & PROT_WRITE) != 0 ? all : all.asReadOnly(), prot);
        }

        static Epoch withoutViews(int prot) {
            return new Epoch(null, null, prot);
        }

        /** The arena to close to invalidate this epoch's views, or null when there is none. */
        Arena arena() {
            return views == null ? null : views.arena();
        }

        boolean allows(int rights) {
            return (prot & rights) == rights;
        }
    }

    MappingGuard(MemoryMap owner, Region region, long size, int prot, int flags, Thread confinedTo) {
        this.owner = owner;
        this.confinedTo = confinedTo;
        this.region = region;
        this.size = size;
        this.epoch = Epoch.withoutViews(prot);
        this.nativeFill = NativeFill.forMapping(region, flags, monitor);
    }

    boolean isOpen() {
        return epoch != null;
    }

    /** The protection now, for {@code toString}: never throws. */
    String describeProtection() {
        Epoch e = epoch;
        return e == null ? "closed" : Flags.protection(e.prot);
    }

    // ---------------------------------------------------------------- checks

    Epoch open(Supplier<String> call) {
        if (confinedTo != null && Thread.currentThread() != confinedTo) {
            throw wrongThread(call);
        }
        Epoch e = epoch;
        if (e == null) {
            throw new MMapException(call.get() + " on " + owner + ": the mapping is closed; create a new one");
        }
        return e;
    }

    /** The JDK's own exception for a confined arena used by another thread, with mman's message. */
    private WrongThreadException wrongThread(Supplier<String> call) {
        String ended = confinedTo.isAlive() ? "" : epoch == null ? "; that thread has ended, and the mapping is closed"
                : region.backend() == Backend.NATIVE
                ? "; that thread has ended without closing it, so any thread may close() it now"
                : "; that thread has ended without closing it, and Backend." + region.backend() + " cannot unmap it "
                        + "from another thread: it stays mapped until the JVM exits";
        return new WrongThreadException(call.get() + " on " + owner + " from thread " + Thread.currentThread().getName()
                + ": the mapping is confined to thread " + confinedTo.getName() + ", which alone may use it and its "
                + "views" + ended + "; map it without MapOptions.confined() to share it between threads");
    }

    /** Checks that the mapping is open, the range inside it and the rights granted now. */
    private Epoch allowed(String call, long offset, long length, int rights) {
        Epoch e = open(() -> call);
        Arguments.range(() -> call, offset, length, size);
        if (!e.allows(rights)) {
            throw new MMapException(call + " on " + owner + " needs " + Flags.protection(rights)
                    + "; call mprotect(" + Flags.protection(e.prot | rights) + ") first");
        }
        return e;
    }

    /** As {@link #allowed}, and makes sure the epoch has a segment to access the memory through. */
    private Epoch accessible(String call, long offset, long length, int rights) {
        Epoch e = allowed(call, offset, length, rights);
        if (e.segment == null) {
            withViews();
            return accessible(call, offset, length, rights);
        }
        return e;
    }

    /** The epoch to hand a view out of: open, readable, and with a segment. */
    Epoch viewable(String call) {
        Epoch e = open(() -> call);
        if (!e.allows(PROT_READ)) {
            throw new MMapException(call + " on " + owner + ": a view needs PROT_READ; call mprotect first");
        }
        if (e.segment == null) {
            withViews();
            return viewable(call);
        }
        return e;
    }

    /**
     * Gives the current epoch an arena, unless another thread did or the mapping was closed;
     * the caller checks the epoch again afterwards, as its rights may have changed meanwhile.
     */
    private void withViews() {
        synchronized (monitor) {
            Epoch e = epoch;
            if (e != null && e.segment == null) {
                epoch = Epoch.open(region.openViews(confinedTo != null), e.prot);
            }
        }
    }

    /** Runs a control call holding the monitor, on an open mapping. */
    void control(Supplier<String> call, Consumer<Epoch> work) {
        synchronized (monitor) {
            try {
                work.accept(open(call));
            } finally {
                Reference.reachabilityFence(owner); // its lease must not unmap under a native call
            }
        }
    }

    /**
     * As {@link #control}, for a call with a result; a call that ends the mapping ({@code resize})
     * calls {@link #handOver} from inside.
     */
    <T> T compute(Supplier<String> call, Function<Epoch, T> work) {
        synchronized (monitor) {
            try {
                return work.apply(open(call));
            } finally {
                Reference.reachabilityFence(owner);
            }
        }
    }

    // ---------------------------------------------------------------- the data path

    // Each copy goes through the epoch's segment. IllegalStateException means a control call closed
    // the arena after the checks passed; the retry holds the monitor, so none can close it again.

    byte[] read(int length, long offset) {
        Epoch e = accessible("read", offset, length, PROT_READ);
        byte[] out = new byte[length];
        boolean interrupted = CloseInterrupts.before();
        try {
            MemorySegment.copy(e.segment, ValueLayout.JAVA_BYTE, offset, out, 0, length);
            return out;
        } catch (IllegalStateException raced) {
            CloseInterrupts.undo(interrupted);
            synchronized (monitor) {
                return read(length, offset);
            }
        } catch (InternalError fault) {
            throw faulted("read(" + length + ", " + offset + ")", fault);
        }
    }

    int read(long offset, byte[] into, int at, int length) {
        Objects.requireNonNull(into, "into");
        Arguments.arraySlice("read", into.length, at, length);
        Epoch e = accessible("read", offset, length, PROT_READ);
        boolean interrupted = CloseInterrupts.before();
        try {
            MemorySegment.copy(e.segment, ValueLayout.JAVA_BYTE, offset, into, at, length);
            return length;
        } catch (IllegalStateException raced) {
            CloseInterrupts.undo(interrupted);
            synchronized (monitor) {
                return read(offset, into, at, length);
            }
        } catch (InternalError fault) {
            throw faulted("read(" + offset + ", " + length + " bytes into the array at " + at + ")", fault);
        }
    }

    int write(byte[] data, long offset) {
        Objects.requireNonNull(data, "data");
        Epoch e = accessible("write", offset, data.length, PROT_WRITE);
        boolean interrupted = CloseInterrupts.before();
        try {
            MemorySegment.copy(data, 0, e.segment, ValueLayout.JAVA_BYTE, offset, data.length);
            return data.length;
        } catch (IllegalStateException raced) {
            CloseInterrupts.undo(interrupted);
            synchronized (monitor) {
                return write(data, offset);
            }
        } catch (InternalError fault) {
            throw faulted("write(" + data.length + " bytes, " + offset + ")", fault);
        }
    }

    void fill(long offset, long length, byte value) {
        if (nativeFill != null && NativeFill.pays(length)) {
            fillNatively(offset, length, value);
            return;
        }
        Epoch e = accessible("fill", offset, length, PROT_WRITE);
        boolean interrupted = CloseInterrupts.before();
        try {
            e.segment.asSlice(offset, length).fill(value);
        } catch (IllegalStateException raced) {
            CloseInterrupts.undo(interrupted);
            synchronized (monitor) {
                fill(offset, length, value);
            }
        } catch (InternalError fault) {
            throw faulted("fill(" + offset + ", " + length + ")", fault);
        }
    }

    /**
     * The exception for an access that faulted: the JDK turns the SIGBUS of a page the kernel could
     * not provide into an {@link InternalError}. The mapping says why ({@link MemoryMap#faultReason}).
     */
    private MMapException faulted(String call, InternalError fault) {
        return new MMapException(call + " on " + owner + " faulted: " + owner.faultReason(), fault);
    }

    // ---------------------------------------------------------------- native fills

    /**
     * A native fill, admitted only while no control call changes the memory, and checked again once
     * admitted. Kept out of {@link #fill}, so that the small fills' path stays short enough to inline.
     */
    private void fillNatively(long offset, long length, byte value) {
        try {
            nativeFill.fill(() -> allowed("fill", offset, length, PROT_WRITE), region.address() + offset, length, value);
        } finally {
            Reference.reachabilityFence(owner); // memset holds only the address: keep the lease reachable
        }
    }

    /** Waits until no native fill runs and keeps new ones out, when this mapping has native fills. */
    private void holdOffNativeFills() {
        if (nativeFill != null) {
            nativeFill.exclude();
        }
    }

    private void admitNativeFills() {
        if (nativeFill != null) {
            nativeFill.admit();
        }
    }

    // ---------------------------------------------------------------- calls that invalidate memory

    /**
     * Changes the protection. Adding rights keeps the views. Taking rights away retires them and
     * narrows in an order that no access can slip through: first the epoch grants only what both
     * the old and the new protection grant, then the kernel changes it, then the epoch grants the
     * new rights.
     */
    void protect(Supplier<String> call, int prot) {
        synchronized (monitor) {
            Epoch current = open(call);
            if ((current.prot & ~prot) == 0) {
                region.protect(prot);
                epoch = current.views == null ? Epoch.withoutViews(prot)
                        : Epoch.open(region.reopenViews(current.views), prot);
                return;
            }
            if (region.backend() != Backend.NATIVE) {
                throw region.backend().unsupported("mprotect");
            }
            // A placeholder cannot take rights away from memory that stays in use: the handshakes stay here.
            retire(call, current, "the protection is unchanged", false);
            holdOffNativeFills();
            try {
                // No view exists now, and no native fill runs. An access that starts before the
                // kernel has changed the protection waits on the monitor to create views, and then
                // sees the new rights.
                epoch = Epoch.withoutViews(current.prot & prot);
                try {
                    region.protect(prot);
                } catch (RuntimeException refused) {
                    epoch = Epoch.withoutViews(current.prot);
                    throw refused;
                }
                epoch = Epoch.withoutViews(prot);
            } finally {
                admitNativeFills();
            }
        }
    }

    /**
     * Unmaps the memory after retiring every view; does nothing when already closed.
     *
     * @throws MMapException when a view is in use by a native call on another thread (the mapping
     *     stays open)
     */
    void close() {
        boolean orphaned = confinedTo != null && Thread.currentThread() != confinedTo;
        if (orphaned && (confinedTo.isAlive() || region.backend() != Backend.NATIVE)) {
            throw wrongThread(() -> "close()");
        }
        synchronized (monitor) {
            Epoch e = epoch;
            if (orphaned && e != null) {
                // The owner has ended: no thread can ever pass its confined views' thread check, so
                // no access, fill or prefault can be in flight, and the views need no closing.
                epoch = null;
                region.release(false);
            } else if (e != null) {
                // A confined arena's close leaves no thread inside an access: nothing can come late.
                boolean viewed = e.arena() != null && confinedTo == null;
                handOver(() -> "close()", e, "it stays mapped", region.awaitsLateAccesses(), () -> {
                    region.release(viewed);
                    return null;
                });
            }
        }
    }

    /**
     * Ends this mapping in favour of what {@code successor} makes ({@code resize}): retires the
     * views, marks the mapping closed, and runs {@code successor} with no native fill in flight.
     * When {@code successor} throws, the mapping is open again with its protection, and no views.
     * Called holding the monitor, with the epoch the caller checked.
     *
     * @param releasesInertly whether {@code successor} releases the region with a placeholder
     *     ({@link Region#awaitsLateAccesses()}), so that the extra handshakes can wait for later
     */
    <T> T handOver(Supplier<String> call, Epoch e, String unchanged, boolean releasesInertly, Supplier<T> successor) {
        retire(call, e, unchanged, releasesInertly);
        holdOffNativeFills();
        try {
            epoch = null;
            try {
                return successor.get();
            } catch (RuntimeException refused) {
                epoch = Epoch.withoutViews(e.prot);
                throw refused;
            }
        } finally {
            admitNativeFills();
        }
    }

    /**
     * Closes the epoch's view arena, if it has one, so that no thread starts another access to the
     * memory behind it; a native call holding a view makes it fail with an {@link MMapException}
     * that says nothing changed ({@code unchanged}). Unless {@code deferred}, it then also waits
     * out the late accesses ({@link #awaitLateAccesses}).
     */
    private void retire(Supplier<String> call, Epoch e, String unchanged, boolean deferred) {
        if (e.arena() == null) {
            return; // no view was made in this epoch, or its views cannot be closed: no handshake
        }
        try {
            e.arena().close();
        } catch (IllegalStateException inUse) {
            throw new MMapException(call.get() + " on " + owner + ": a view is in use by a native call on another "
                    + "thread; " + unchanged + ", retry when that call has returned", inUse);
        }
        if (!deferred && confinedTo == null) {
            awaitLateAccesses(); // a confined arena was closed by the only thread that could access it
        }
    }

    /**
     * Waits until no thread can still be inside an access it began before a view arena was closed.
     *
     * <p>Closing a shared arena stops every thread at a handshake, and a thread caught inside an
     * access is made to throw. On JDK 25 that exception can be held back until a later safepoint
     * poll, so such a thread may still make the one access it had already checked after
     * {@code close()} returns (JDK-8364167); against memory that is unmapped or read-only by then,
     * that access crashes the JVM. Each further handshake, which closing an empty shared arena
     * performs, returns only when every running thread has passed another poll, and so that access.
     * The exception is only installed at a poll that allows asynchronous exceptions, and a thread may
     * pass several polls that do not first, so four are made: two still let one crash through in
     * about two thousand close-versus-reader races under heavy load, and four still did, rarely, on
     * a machine running four builds at once. {@code close()} therefore no longer relies on them: it
     * leaves a placeholder under a late access ({@link Placeholders}). {@code mprotect} and
     * {@code mremap} still do; only a JDK with that bug fixed (openjdk/jdk PR 30436) closes their
     * window.
     */
    static void awaitLateAccesses() {
        for (int i = 0; i < EXTRA_HANDSHAKES; i++) {
            Arena.ofShared().close();
        }
    }
}
