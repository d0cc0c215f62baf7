package dev.mman;

/**
 * The base of every error mman reports.
 *
 * <p>A message always says what was asked, what went wrong (with the errno name and text when
 * a system call failed) and, where one helps, what to do about it. Catch this type to handle
 * every mman failure in one place.
 */
public class MMapException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The native error code, or 0 when the failure did not come from a system call. */
    private final int errno;

    /**
     * Creates an exception that did not come from a system call.
     *
     * @param message what was asked, what went wrong and what to do
     */
    public MMapException(String message) {
        this(message, 0);
    }

    /**
     * Creates an exception for a failed system call.
     *
     * @param message what was asked, what went wrong and what to do
     * @param errno the native error code ({@code errno} on POSIX, {@code GetLastError()} on
     *     Windows), or 0
     */
    public MMapException(String message, int errno) {
        super(message);
        this.errno = errno;
    }

    /**
     * Creates an exception that wraps a lower-level failure.
     *
     * @param message what was asked, what went wrong and what to do
     * @param cause the failure that was translated
     */
    public MMapException(String message, Throwable cause) {
        super(message, cause);
        this.errno = 0;
    }

    /**
     * Returns the native error code of the failed call.
     *
     * @return {@code errno} on POSIX or {@code GetLastError()} on Windows; 0 when the failure
     *     was found by mman itself before any system call
     */
    public int errno() {
        return errno;
    }
}
