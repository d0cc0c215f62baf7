package dev.mman;

/**
 * Creating a mapping failed: {@code mmap}, {@code CreateFileMapping} or {@code MapViewOfFile}
 * returned an error. The message names the call, the errno and, where one exists, the limit
 * that was hit ({@code vm.max_map_count}, {@code ulimit -v}, the commit limit).
 */
public class MMapAllocationException extends MMapException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was asked, what went wrong and what to do
     * @param errno the native error code
     */
    public MMapAllocationException(String message, int errno) {
        super(message, errno);
    }
}
