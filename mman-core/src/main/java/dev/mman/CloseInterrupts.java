package dev.mman;

/**
 * Undoes a side effect of the JDK's shared-arena close on mman's own accesses.
 *
 * <p>On JDK 25, a thread that a shared arena's close catches inside an access to one of its
 * segments is made to throw through an asynchronous exception, and HotSpot installs that exception
 * the way it installed {@code Thread.stop}'s: it also sets the thread's interrupt status, to wake
 * it from a wait. The thread then sees an {@link IllegalStateException} and an interrupt that
 * nobody sent, and its next {@code sleep}, {@code wait}, blocking queue call or interruptible
 * channel fails with it. In a tight close race about one access loop in a hundred ends so
 * ({@code CountedCloseRaceTest}, {@code JdkCloseInterruptTest} pins it).
 *
 * <p>mman's own copies ({@code read}, {@code write}, {@code fill}) note the status before the
 * access and, when the access fails because a close raced it, clear an interrupt that was not
 * there before. An interrupt that another thread really sends in the nanoseconds between that note
 * and the failure is cleared with it; that is the smaller harm. Accesses through views
 * ({@link MemoryMap#asSegment()}, {@link MemoryMap#asByteBuffer()}) are the JDK's, and keep the
 * JDK's behaviour.
 */
final class CloseInterrupts {

    private CloseInterrupts() {}

    /** The status to hand to {@link #undo} when the access that follows fails. */
    static boolean before() {
        return Thread.currentThread().isInterrupted();
    }

    /** Clears the interrupt status a racing close set, when the thread was not interrupted before. */
    static void undo(boolean interruptedBefore) {
        if (!interruptedBefore) {
            Thread.interrupted();
        }
    }
}
