package dev.mman.internal;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * A downcall handle that is made on the first call that needs it. Making a handle generates about
 * twenty classes (a stub and its lambda forms) that the JDK's AOT cache cannot hold, so a platform
 * that made all of its handles up front spent most of a short command's start-up on calls the
 * command never makes. The symbol is found at once, by the platform's constructor, so that a C
 * library that lacks a function still fails when the platform is made, as it did before.
 *
 * <p>Thread-safe without a lock: two threads that race on the first call each make a handle, and
 * the JDK gives both the same cached stub; either one may stay. Every later call pays one volatile
 * read, a plain load on x86_64 and aarch64.
 */
public final class Downcall {

    private final MemorySegment symbol;
    private final FunctionDescriptor descriptor;
    private final Linker.Option[] options;
    private volatile MethodHandle handle;

    /**
     * A handle to make later.
     *
     * @param symbol the function's address
     * @param descriptor its C signature
     * @param options the linker options, such as the call state to capture
     */
    public Downcall(MemorySegment symbol, FunctionDescriptor descriptor, Linker.Option... options) {
        this.symbol = symbol;
        this.descriptor = descriptor;
        this.options = options.clone();
    }

    /**
     * The handle, made now if no call has needed it before.
     *
     * @return the downcall handle
     */
    public MethodHandle handle() {
        MethodHandle made = handle;
        return made != null ? made : make();
    }

    private MethodHandle make() {
        MethodHandle made = Linker.nativeLinker().downcallHandle(symbol, descriptor, options);
        handle = made;
        return made;
    }
}
