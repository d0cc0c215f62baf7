package dev.mman.ipc;

import static dev.mman.ipc.Regions.LONG;

import dev.mman.MMapException;
import java.lang.foreign.MemorySegment;

/**
 * Where one shared structure lives, for what concerns the memory under it rather than the
 * values in it: whether the shared object still covers the structure, what a fault in it means,
 * and how messages name it.
 *
 * <p>Why it exists: a peer process may shrink the shared object ({@code ftruncate}) under a live
 * mapping; touching a page past the new end raises SIGBUS. The JDK turns that signal into an
 * {@link InternalError} ("a fault occurred in an unsafe memory access operation") for plain,
 * volatile and bulk accesses, interpreted or compiled, and for compiled atomics; but the
 * interpreter's compare-and-set ({@code Unsafe_CompareAndSetLong}) is not guarded, and a SIGBUS
 * there kills the JVM. So every structure reads a word with a guarded load before its first
 * atomic on that word in a call ("the guard read"), and turns the {@code InternalError} into an
 * {@link MMapException} here. {@code SharedLockTruncationTest} pins the JDK behaviour.
 */
final class StructureGuard {

    private final String kind;
    private final Object memory;
    private final long offset;
    private final MemorySegment region;

    /**
     * @param kind the structure's class, for messages
     * @param memory the mapping or segment the caller placed it in, for messages
     * @param offset where it starts in {@code memory}
     * @param region the structure's bytes, at least 8
     */
    StructureGuard(String kind, Object memory, long offset, MemorySegment region) {
        this.kind = kind;
        this.memory = memory;
        this.offset = offset;
        this.region = region;
    }

    /**
     * Whether the shared object still reaches the structure's last word. A shrink cuts the end
     * off, so when the last page can be read every page before it can too.
     *
     * @throws IllegalStateException when the mapping was closed (as any access does)
     */
    boolean covered() {
        try {
            // A volatile load, whose value is not needed: the JIT may not drop it (a plain one it
            // could), and the JDK guards it as it does a plain one.
            LONG.getVolatile(region, region.byteSize() - Long.BYTES);
            return true;
        } catch (InternalError fault) {
            return false;
        }
    }

    /** Whether the memory under the structure was let go of: its mapping closed, or its segment's arena. */
    boolean closed() {
        return !region.scope().isAlive();
    }

    /** The slow paths' check, before a wait, a spin or a futex sleep. */
    void checkCovered(String call) {
        if (!covered()) {
            throw shrunk(call, null);
        }
    }

    /**
     * What a fault met in {@code call} means: when the object no longer covers the structure, an
     * {@link MMapException} that says so; otherwise the fault is not the shared object's doing
     * (a handler's own access, say) and is thrown as it is.
     */
    MMapException fault(String call, InternalError fault) {
        if (covered()) {
            throw fault;
        }
        return shrunk(call, fault);
    }

    /**
     * The same for a platform call that failed on the structure's memory, such as a futex call
     * that the kernel refused with {@code EFAULT} because the page is gone.
     */
    MMapException fault(String call, MMapException failure) {
        if (covered()) {
            throw failure;
        }
        return shrunk(call, failure);
    }

    private MMapException shrunk(String call, Throwable cause) {
        String message = describe() + ": " + call + " found the shared object shorter than the structure, which "
                + "spans bytes " + offset + " to " + (offset + region.byteSize()) + "; another process shrank it "
                + "(ftruncate) while it was in use: make the object large enough again and format the structure anew";
        return cause == null ? new MMapException(message) : new MMapException(message, cause);
    }

    /**
     * The refusal of a value that no correct peer writes.
     *
     * @param field the field, with its place: "head (offset 256)"
     * @param value what was found
     * @param rule what a correct peer keeps it to
     */
    CorruptStructureException corrupt(String field, long value, String rule) {
        return new CorruptStructureException(describe() + ": " + field + " is " + value + ", but " + rule
                + "; the structure is corrupt (written by other code, or formatted again while in use)", field, value);
    }

    /** The structure and its memory, never throwing. */
    String describe() {
        String where;
        try {
            where = String.valueOf(memory);
        } catch (RuntimeException e) {
            where = memory.getClass().getSimpleName();
        }
        return kind + " at offset " + offset + " of " + where;
    }

    /** Where the structure starts in the caller's memory. */
    long offset() {
        return offset;
    }
}
