package dev.mman.ipc;

import dev.mman.MMapInvalidParameterException;
import dev.mman.MemoryMap;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.Objects;

/**
 * Checks where an IPC structure is placed, inside a mapping or any native segment, and hands out
 * its slice; and the shared access modes every structure uses on it.
 */
final class Regions {

    /** Structures hold 8-byte atomics, which must be naturally aligned. */
    static final long ALIGNMENT = 8;

    /** Native-order 64-bit access with a {@code (MemorySegment, long)} coordinate. */
    static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    /** Native-order 32-bit access with a {@code (MemorySegment, long)} coordinate. */
    static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private Regions() {}

    /**
     * Where a structure goes: {@code offset} in a mapping, or in a segment when {@code map} is
     * null. Each {@link #slice} checks the range again, so one placement serves the header first
     * and then the whole structure.
     *
     * @param map the mapping, or null
     * @param memory the segment, when {@code map} is null
     * @param offset where the structure starts, from the start of the mapping or segment
     */
    record Placement(MemoryMap map, MemorySegment memory, long offset) {

        static Placement in(MemoryMap map, long offset) {
            return new Placement(Objects.requireNonNull(map, "map"), null, offset);
        }

        static Placement in(MemorySegment memory, long offset) {
            return new Placement(null, Objects.requireNonNull(memory, "memory"), offset);
        }

        /** The mapping or the segment, whichever the structure was placed in, for messages. */
        Object owner() {
            return map != null ? map : memory;
        }

        /** The slice of {@code bytes} at the offset, as {@link Regions#slice} checks it. */
        MemorySegment slice(String call, long bytes) {
            return map != null ? Regions.slice(call, map, offset, bytes) : Regions.slice(call, memory, offset, bytes);
        }
    }

    /**
     * The writable slice {@code [offset, offset + bytes)} of {@code map}.
     *
     * @throws MMapInvalidParameterException when the range is outside the mapping, misaligned, or
     *     the mapping is not writable
     */
    static MemorySegment slice(String call, MemoryMap map, long offset, long bytes) {
        Objects.requireNonNull(map, "map");
        // A mapping starts on a page, so the offset alone decides the alignment.
        checkRange(call, offset, 0, bytes, map.size(), "mapping", "map at least");
        MemorySegment all = map.asSegment();
        if (all.isReadOnly()) {
            throw invalid(call + ": " + map + " is not writable; map it with PROT_READ | PROT_WRITE");
        }
        return all.asSlice(offset, bytes);
    }

    /**
     * The slice {@code [offset, offset + bytes)} of {@code memory}, which must be native,
     * writable, and hold the range with its first byte 8-byte aligned.
     *
     * @throws MMapInvalidParameterException naming the requirement that {@code memory} misses
     */
    static MemorySegment slice(String call, MemorySegment memory, long offset, long bytes) {
        Objects.requireNonNull(memory, "memory");
        if (!memory.isNative()) {
            throw invalid(call + ": " + memory + " is a heap segment; a shared structure needs native memory "
                    + "(a mapping's asSegment(), a slice of it, or memory from an Arena), since its words are "
                    + "waited on by address and shared between processes");
        }
        if (memory.isReadOnly()) {
            throw invalid(call + ": the segment is read-only; pass a writable segment (of a PROT_READ | PROT_WRITE "
                    + "mapping, or from an Arena)");
        }
        checkRange(call, offset, memory.address(), bytes, memory.byteSize(), "segment", "pass a segment of at least");
        return memory.asSlice(offset, bytes);
    }

    /**
     * Checks that {@code bytes} at {@code offset} lie inside {@code size} bytes that start at
     * address {@code base}, and that {@code base + offset} is a multiple of {@link #ALIGNMENT}.
     */
    private static void checkRange(String call, long offset, long base, long bytes, long size, String noun,
            String remedy) {
        if (offset < 0) {
            throw invalid(call + ": offset " + offset + " is negative");
        }
        if ((base + offset) % ALIGNMENT != 0) {
            if (base % ALIGNMENT != 0) {
                throw invalid(String.format("%s: the structure would start at address 0x%x (the %s's address "
                        + "0x%x + offset %d), which is not a multiple of %d; its 8-byte atomic words need that "
                        + "alignment: allocate the segment with an alignment of %d, or pick an offset that "
                        + "makes the sum a multiple of %d", call, base + offset, noun, base, offset, ALIGNMENT,
                        ALIGNMENT, ALIGNMENT));
            }
            long below = offset - offset % ALIGNMENT;
            // Only offsets where the structure fits are worth suggesting; past those the range check speaks.
            if (below <= size - bytes) {
                throw invalid(call + ": offset " + offset + " is not a multiple of " + ALIGNMENT + "; use " + below
                        + (below <= size - bytes - ALIGNMENT ? " or " + (below + ALIGNMENT) : ""));
            }
        }
        if (offset > size - bytes) {
            // offset + bytes overflows near Long.MAX_VALUE: then name an offset that fits instead.
            String fix = offset <= Long.MAX_VALUE - bytes ? remedy + " " + (offset + bytes) + " bytes"
                    : bytes > size ? "the structure needs " + bytes + " bytes from a small offset"
                    : "the last offset that fits is " + (size - bytes) / ALIGNMENT * ALIGNMENT;
            throw invalid(call + ": offset " + offset + " + " + bytes + " bytes ends past the end of the " + size
                    + "-byte " + noun + "; " + fix);
        }
    }

    /**
     * The refusal of a structure whose header carries another layout version than this library's.
     *
     * @param structure what was found, with its place: "the ring at offset 0"
     * @param layout the descriptor class that documents the layout
     */
    static MMapInvalidParameterException versionMismatch(String call, String structure, int found, int expected,
            Class<?> layout) {
        String origin = found == 0 ? " (version 0: formatted by an mman release older than layout versions)" : "";
        return invalid(call + ": " + structure + " has layout version " + found + origin + ", this library reads "
                + "version " + expected + " (" + layout.getSimpleName() + ".VERSION); attach with the mman "
                + "release that formatted it, or format it again while no process uses it");
    }

    static MMapInvalidParameterException invalid(String message) {
        return new MMapInvalidParameterException(message);
    }
}
