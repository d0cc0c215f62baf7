package dev.mman.pool;

import dev.mman.MMapException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;

/**
 * The pool's memory, read and written so that memory another process took away cannot crash the
 * JVM. When the object under a shared mapping shrinks, touching a page past its new end raises
 * SIGBUS. The JDK turns that into an {@link InternalError} for plain segment reads and writes,
 * and for atomic operations only in code of its optimizing compiler (C2); an atomic operation
 * that the interpreter or the client compiler (C1) runs on such a page kills the process. Two
 * rules follow:
 * <ul>
 * <li>Every atomic is preceded, right before it and in the same call, by a plain read of the
 *     same word: when the page is gone, that read throws (or, compiled, arranges to throw) and
 *     the atomic operates on nothing. A shrink that lands between the read and the atomic still
 *     kills a process that runs this code interpreted or C1-compiled; {@link MemoryPool}'s class
 *     documentation says so.</li>
 * <li>In compiled code the JDK throws at the thread's next safepoint poll, not at the access, so
 *     every public call passes {@link #deliverFaults()} before it acts on what it read and before
 *     its {@code try} ends; then {@link #faulted} can name the pool and the object.</li>
 * </ul>
 */
final class PoolMemory {

    /** Atomic access to the bitmap and owner words. */
    private static final VarHandle WORD = ValueLayout.JAVA_LONG.varHandle();
    /**
     * A compare-and-set that keeps failing this often means that somebody rewrites the word
     * without pause: no process that follows the layout does, and waiting longer would hang.
     */
    private static final int MAX_CONTENDED_TRIES = 1 << 20;
    /** What the JDK says when it turned a SIGBUS into an {@link InternalError}. */
    private static final String JDK_FAULT = "unsafe memory access";

    /**
     * An empty method, called through a handle the JIT cannot inline (the field is deliberately
     * not final, so the handle is no constant to it): see {@link #deliverFaults()}.
     */
    private static MethodHandle barrier = findBarrier();

    private static MethodHandle findBarrier() {
        try {
            return MethodHandles.lookup().findStatic(PoolMemory.class, "barrier", MethodType.methodType(void.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static void barrier() {}

    /**
     * Makes the JDK report a fault of the accesses before this call here, inside the caller's
     * {@code try}. In code of the optimizing compiler the JDK does not throw at the faulting
     * access: it skips it (a read yields garbage) and throws the {@link InternalError} at the
     * thread's next safepoint poll, which, in a method that has no loop, is its return: outside
     * the {@code try}, in the pool's caller. A compiled method that is not inlined returns through
     * a poll, and the error it raises there is thrown at its call site; so every public call
     * passes through this empty one after its last access and before it acts on what it read.
     * It costs a call (a nanosecond or two), and no system call.
     */
    static void deliverFaults() {
        try {
            barrier.invokeExact();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("an empty method threw " + t, t);
        }
    }

    private final MemorySegment segment;

    PoolMemory(MemorySegment segment) {
        this.segment = segment;
    }

    MemorySegment segment() {
        return segment;
    }

    /** A plain read, which the JDK guards: a vanished page makes it throw {@link InternalError}. */
    long read(long at) {
        return segment.get(ValueLayout.JAVA_LONG, at);
    }

    /** A release store; stores are guarded like reads. */
    void storeRelease(long at, long value) {
        WORD.setRelease(segment, at, value);
    }

    /**
     * Replaces {@code expected} with {@code value} atomically; false when the word holds
     * something else. The plain read first is both the fault guard and a cheap early answer.
     */
    boolean compareAndSet(long at, long expected, long value) {
        return read(at) == expected && WORD.compareAndSet(segment, at, expected, value);
    }

    /**
     * Sets {@code bit} in the word at {@code at}, whatever the other bits do meanwhile.
     *
     * @param seen what a plain read of the word in this call returned: the guard of the first
     *     compare-and-set, and its expected value
     * @return false when the bit was set already
     */
    boolean setBit(String call, long at, long seen, long bit) {
        for (int tries = 0; (seen & bit) == 0; tries++) {
            long witness = (long) WORD.compareAndExchange(segment, at, seen, seen | bit);
            if (witness == seen) {
                return true;
            }
            seen = witness;
            checkTries(call, at, tries);
        }
        return false;
    }

    /**
     * Clears {@code bit} in the word at {@code at}, whatever the other bits do meanwhile.
     *
     * @return false when the bit was clear already
     */
    boolean clearBit(String call, long at, long bit) {
        long seen = read(at);
        for (int tries = 0; (seen & bit) != 0; tries++) {
            long witness = (long) WORD.compareAndExchange(segment, at, seen, seen & ~bit);
            if (witness == seen) {
                return true;
            }
            seen = witness;
            checkTries(call, at, tries);
        }
        return false;
    }

    private static void checkTries(String call, long at, int tries) {
        if (tries >= MAX_CONTENDED_TRIES) {
            throw new MMapException("MemoryPool." + call + ": the bitmap word at offset " + at + " changed under "
                    + MAX_CONTENDED_TRIES + " compare-and-sets in a row: a process is rewriting the pool's memory "
                    + "without following its layout (see PoolLayout)");
        }
    }

    /**
     * Checks that the memory still reaches {@code end}: when the object was shrunk, the last page
     * faults. Objects shrink from the end, so when the last byte is there, all are.
     */
    void checkCovers(long end) {
        read(end - Long.BYTES);
    }

    /**
     * mman's exception for a fault the JDK reported: the memory under the pool was taken away.
     * An {@link InternalError} of another kind is not ours to translate, so it is thrown as it is.
     *
     * @param call the call, such as {@code "MemoryPool.free(4096)"}, for the message
     * @param pool the pool, or how far the attach got, for the message
     * @param object what the memory is, for the message
     * @param end how many bytes the pool needs
     */
    static MMapException faulted(String call, Object pool, String object, long end, InternalError fault) {
        if (fault.getMessage() == null || !fault.getMessage().contains(JDK_FAULT)) {
            throw fault;
        }
        return new MMapException(call + " on " + pool + ": the memory faulted: " + object
                + " no longer covers the pool's " + end + " bytes; another process shrank it (ftruncate) while "
                + "it was mapped. The pool cannot be used until the object has its size again; then attach anew",
                fault);
    }
}
