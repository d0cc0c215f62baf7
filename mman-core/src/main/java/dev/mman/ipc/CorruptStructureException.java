package dev.mman.ipc;

import dev.mman.MMapException;

/**
 * A ring or lock in shared memory holds a value that no correct peer writes: a position out of
 * range or order, a record header that claims bytes outside the data area, a producer slot whose
 * claim cannot be, a lock word that names another process in {@code unlock}. Every byte of a
 * shared structure is input from other processes; each bad value ends in this exception, whose
 * message names the structure, the memory it lives in, the field and the value. Nothing was
 * handed out of the data area, and no unread record was overwritten. The structure stays
 * corrupt: format it again once no process uses it.
 */
public class CorruptStructureException extends MMapException {

    private static final long serialVersionUID = 1L;

    /** The field that held the bad value. */
    private final String field;
    /** The bad value. */
    private final long value;

    CorruptStructureException(String message, String field, long value) {
        super(message);
        this.field = field;
        this.value = value;
    }

    /**
     * The field that held the bad value, with its place.
     *
     * @return for example {@code "head (offset 256)"}
     */
    public String field() {
        return field;
    }

    /**
     * The bad value.
     *
     * @return the value as read, widened to a long
     */
    public long value() {
        return value;
    }
}
