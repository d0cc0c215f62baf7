package dev.mman.ipc;

import dev.mman.MMapInvalidParameterException;
import dev.mman.MemoryMap;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/** Checks where an IPC structure is placed inside a mapping, and hands out its slice. */
final class Regions {

    /** Structures hold 8-byte atomics, which must be naturally aligned. */
    static final long ALIGNMENT = 8;

    private Regions() {}

    /**
     * The writable slice {@code [offset, offset + bytes)} of {@code map}.
     *
     * @throws MMapInvalidParameterException when the range is outside the mapping, misaligned, or
     *     the mapping is not writable
     */
    static MemorySegment slice(String call, MemoryMap map, long offset, long bytes) {
        Objects.requireNonNull(map, "map");
        if (offset < 0) {
            throw invalid(call + ": offset " + offset + " is negative");
        }
        if (offset % ALIGNMENT != 0) {
            throw invalid(call + ": offset " + offset + " is not a multiple of " + ALIGNMENT + "; use "
                    + (offset - offset % ALIGNMENT) + " or " + (offset - offset % ALIGNMENT + ALIGNMENT));
        }
        if (offset > map.size() - bytes) {
            throw invalid(call + ": offset " + offset + " + " + bytes + " bytes ends past the end of the "
                    + map.size() + "-byte mapping; map at least " + (offset + bytes) + " bytes");
        }
        MemorySegment all = map.asSegment();
        if (all.isReadOnly()) {
            throw invalid(call + ": " + map + " is not writable; map it with PROT_READ | PROT_WRITE");
        }
        return all.asSlice(offset, bytes);
    }

    static MMapInvalidParameterException invalid(String message) {
        return new MMapInvalidParameterException(message);
    }
}
