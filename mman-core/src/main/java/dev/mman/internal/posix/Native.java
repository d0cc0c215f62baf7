package dev.mman.internal.posix;

import dev.mman.internal.Downcall;
import dev.mman.internal.NativeCalls;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;

/**
 * The C library: downcall handles for its functions, each made on its first call ({@link Downcall};
 * those that report through {@code errno} capture it for {@link NativeCalls}), and each thread's
 * scratch room for by-reference arguments.
 */
public final class Native {

    private static final Linker LINKER = Linker.nativeLinker();
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    private Native() {}

    /**
     * A downcall handle for a C library function that reports through {@code errno}.
     *
     * @param name the function
     * @param descriptor its C signature
     * @param extra options beyond the errno capture, such as the first variadic argument
     * @return the handle, made on first use, whose first argument is the segment that receives
     *     {@code errno}
     * @throws UnsatisfiedLinkError when the C library has no such function
     */
    public static Downcall withErrno(String name, FunctionDescriptor descriptor, Linker.Option... extra) {
        Linker.Option[] options = new Linker.Option[extra.length + 1];
        options[0] = CAPTURE_ERRNO;
        System.arraycopy(extra, 0, options, 1, extra.length);
        return new Downcall(find(name), descriptor, options);
    }

    /**
     * A downcall handle for a C library function that does not report through {@code errno}.
     *
     * @param name the function
     * @param descriptor its C signature
     * @return the handle, made on first use
     * @throws UnsatisfiedLinkError when the C library has no such function
     */
    public static Downcall plain(String name, FunctionDescriptor descriptor) {
        return new Downcall(find(name), descriptor);
    }

    private static MemorySegment find(String name) {
        return LINKER.defaultLookup().find(name).orElseThrow(
                () -> new UnsatisfiedLinkError("the C library has no function " + name));
    }

    /** What a thread's scratch room holds at first: a path of this many bytes, or a {@code struct stat}. */
    private static final long FIRST_SCRATCH_SIZE = 512;

    /**
     * Each thread's room for the by-reference arguments of one call (a path, a name, a
     * {@code struct stat}), so that opening a file does not pay for an arena and a malloc per
     * argument. A user fills it, makes its call and reads the result before it makes another
     * call that needs the room.
     */
    private static final ThreadLocal<MemorySegment> SCRATCH =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(FIRST_SCRATCH_SIZE, 16));

    /**
     * This thread's scratch room, at least {@code bytes} long and aligned to 16.
     *
     * @param bytes how many bytes the call needs
     * @return the room; its contents are whatever the last call left
     */
    public static MemorySegment scratch(long bytes) {
        MemorySegment room = SCRATCH.get();
        if (room.byteSize() < bytes) {
            room = Arena.ofAuto().allocate(bytes, 16);
            SCRATCH.set(room);
        }
        return room;
    }

    /**
     * {@code text} as a NUL-terminated UTF-8 string in this thread's scratch room.
     *
     * @param text a path or name
     * @return the room, holding the string at offset 0
     */
    static MemorySegment scratchString(String text) {
        MemorySegment room = scratch(text.length() * 3L + 1); // UTF-8 needs at most three bytes per char
        room.setString(0, text);
        return room;
    }

    /**
     * Whether the C library has a function, for symbols that only newer OS releases have (or that
     * tell one OS from another).
     *
     * @param name the symbol
     * @return true when the default lookup finds it
     */
    public static boolean has(String name) {
        return LINKER.defaultLookup().find(name).isPresent();
    }
}
