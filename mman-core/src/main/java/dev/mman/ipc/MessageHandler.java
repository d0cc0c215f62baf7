package dev.mman.ipc;

import java.lang.foreign.MemorySegment;

/**
 * Receives the records that {@link RingBuffer#read} takes from a ring.
 */
@FunctionalInterface
public interface MessageHandler {

    /**
     * Handles one record. The bytes belong to the ring: they are valid only until this method
     * returns, and must be copied to be kept.
     *
     * @param type the type the producer gave, at least 1
     * @param buffer the ring's data; read {@code [offset, offset + length)} only
     * @param offset where the payload starts in {@code buffer}
     * @param length the payload's length in bytes, possibly 0
     */
    void onMessage(int type, MemorySegment buffer, long offset, int length);
}
