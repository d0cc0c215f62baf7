package dev.mman;

/**
 * An argument was rejected before any system call was made. Nothing was mapped, changed or
 * lost. The message names the bad value and says what would be accepted.
 */
public class MMapInvalidParameterException extends MMapException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message the bad value, why it is bad, and what would be right
     */
    public MMapInvalidParameterException(String message) {
        super(message);
    }
}
