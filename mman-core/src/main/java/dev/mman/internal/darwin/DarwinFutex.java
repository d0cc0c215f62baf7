package dev.mman.internal.darwin;

/**
 * The numbers of macOS's address-wait calls, and the pure translations mman needs around them.
 * Two families exist: {@code os_sync_wait_on_address} and friends, public since macOS 14.4, and the
 * older private {@code __ulock_wait}/{@code __ulock_wake} that libc++ and others use on earlier
 * releases. Both wait in the kernel on a 32-bit word, and both can key the wait on the physical
 * page ("shared"), so waiters in different processes that map the same memory meet.
 */
final class DarwinFutex {

    /** {@code UL_COMPARE_AND_WAIT_SHARED}: compare a 32-bit word and wait, across processes. */
    static final int UL_COMPARE_AND_WAIT_SHARED = 3;
    /** {@code ULF_WAKE_ALL}: wake every waiter instead of one. */
    static final int ULF_WAKE_ALL = 0x100;
    /** {@code OS_SYNC_WAIT_ON_ADDRESS_SHARED}. */
    static final int OS_SYNC_WAIT_ON_ADDRESS_SHARED = 1;
    /** {@code OS_SYNC_WAKE_BY_ADDRESS_SHARED}. */
    static final int OS_SYNC_WAKE_BY_ADDRESS_SHARED = 1;
    /** {@code OS_CLOCK_MACH_ABSOLUTE_TIME}, the only clock {@code os_sync_wait_on_address_with_timeout} takes. */
    static final int OS_CLOCK_MACH_ABSOLUTE_TIME = 32;
    /** The futex word's size, given to the {@code os_sync} calls. */
    static final long WORD_SIZE = 4;

    private DarwinFutex() {}

    /**
     * The operation for {@code __ulock_wake}.
     *
     * @param count how many sleepers the caller wants woken
     * @return the shared compare-and-wait operation, with {@link #ULF_WAKE_ALL} unless one is enough
     */
    static int ulockWakeOperation(int count) {
        return count == 1 ? UL_COMPARE_AND_WAIT_SHARED : UL_COMPARE_AND_WAIT_SHARED | ULF_WAKE_ALL;
    }

    /**
     * The timeout for {@code __ulock_wait}, whose last argument is an unsigned 32-bit count of
     * microseconds where 0 means "forever". Rounds up, so a short positive timeout never turns into
     * 0, and caps at {@link Integer#MAX_VALUE} (about 35 minutes): callers re-check and wait again.
     *
     * @param timeoutNanos the timeout, positive
     * @return microseconds, between 1 and {@link Integer#MAX_VALUE}
     */
    static int ulockTimeoutMicros(long timeoutNanos) {
        long micros = timeoutNanos / 1000 + (timeoutNanos % 1000 == 0 ? 0 : 1);
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, micros));
    }

    /**
     * Whether {@code os_sync_wake_by_address_all} rather than {@code _any} serves a wake.
     *
     * @param count how many sleepers the caller wants woken
     * @return true for more than one
     */
    static boolean wakeAll(int count) {
        return count != 1;
    }
}
