package dev.mman.ipc;

import dev.mman.MMapException;

/**
 * A producer waited for room in a full ring whose consumer process has exited: nobody will make
 * room. Thrown by the blocking {@code write} about 100 ms after the
 * producer starts to wait or the consumer dies, whichever is later. The record was not written.
 * A new consumer that reads from the ring becomes its consumer, and writes wait for it again.
 */
public class ConsumerDiedException extends MMapException {

    private static final long serialVersionUID = 1L;

    /** The pid of the consumer that died. */
    private final long pid;

    ConsumerDiedException(String message, long pid) {
        super(message);
        this.pid = pid;
    }

    /**
     * The pid of the consumer that died.
     *
     * @return the pid the ring recorded
     */
    public long pid() {
        return pid;
    }
}
