package dev.mman.internal;

import dev.mman.MMapAllocationException;
import dev.mman.MMapException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.function.IntFunction;

/**
 * kernel32.dll: downcall handles that capture {@code GetLastError()}, and the call helper that
 * turns a failure into an {@link MMapException} with the error's name. Everything is looked up when
 * {@link #load} runs, never at class initialisation, so this class loads on any OS.
 */
final class Kernel32 {

    private final SymbolLookup library;
    private final StructLayout stateLayout = Linker.Option.captureStateLayout();
    private final VarHandle lastError;
    private final Linker.Option capture;

    private Kernel32(SymbolLookup library) {
        this.library = library;
        // Both names exist in the capture layout only on Windows, which load() has established.
        this.lastError = stateLayout.varHandle(MemoryLayout.PathElement.groupElement("GetLastError"));
        this.capture = Linker.Option.captureCallState("GetLastError");
    }

    /**
     * Opens kernel32.
     *
     * @return the library
     * @throws MMapException when there is no kernel32, that is, this is not Windows
     */
    static Kernel32 load() {
        SymbolLookup library;
        try {
            library = SymbolLookup.libraryLookup("kernel32", Arena.global());
        } catch (IllegalArgumentException missing) {
            throw new MMapException(notWindows("kernel32.dll") + " (" + missing.getMessage() + ")");
        }
        return new Kernel32(library);
    }

    /** The one message for a missing kernel32 or function: most likely os.name lies. */
    static String notWindows(String what) {
        return "the Windows backend could not load " + what + ": is this really Windows?";
    }

    /**
     * A function that every supported Windows (10 and later) has.
     *
     * @param name the exported name
     * @param descriptor its C signature
     * @return a handle whose first argument is the captured-state segment
     */
    MethodHandle function(String name, FunctionDescriptor descriptor) {
        MemorySegment symbol = library.find(name).orElseThrow(() -> new MMapException(notWindows(name)));
        return Native.LINKER.downcallHandle(symbol, descriptor, capture);
    }

    /**
     * A function that some Windows releases lack, such as {@code PrefetchVirtualMemory}.
     *
     * @param name the exported name
     * @param descriptor its C signature
     * @return the handle, or null
     */
    MethodHandle optionalFunction(String name, FunctionDescriptor descriptor) {
        return library.find(name).map(symbol -> Native.LINKER.downcallHandle(symbol, descriptor, capture))
                .orElse(null);
    }

    /** A Win32 call; the argument is where {@code GetLastError()} lands. */
    @FunctionalInterface
    interface Call {
        long invoke(MemorySegment state) throws Throwable;
    }

    /**
     * What a call returned and the error it left, for calls whose success can carry news
     * ({@code CreateFileMapping} reports {@code ERROR_ALREADY_EXISTS} while succeeding).
     *
     * @param value the return value
     * @param error {@code GetLastError()} right after the call
     */
    record Outcome(long value, int error) {}

    /**
     * Makes a call and keeps both its result and its error.
     *
     * @param request the call, for a message if it cannot be made at all
     * @param call the call
     * @return the outcome
     */
    Outcome invoke(String request, Call call) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(stateLayout);
            long value;
            try {
                value = call.invoke(state);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new MMapException(request + " could not be called", t);
            }
            return new Outcome(value, (int) lastError.get(state, 0L));
        }
    }

    /**
     * Makes a call that reports failure by returning {@code failed} (0 for {@code BOOL} and most
     * handles, -1 for {@code CreateFileW}).
     *
     * @param request the call and its arguments, for the message
     * @param failed the failure value
     * @param tolerated an error that is returned as {@code failed} instead of thrown, or 0 for none (a
     *     failure that left no error code still throws)
     * @param hint what to add to the message for an error
     * @param allocation whether a failure means the system refused memory
     * @param call the call
     * @return the call's result
     */
    long call(String request, long failed, int tolerated, IntFunction<String> hint, boolean allocation, Call call) {
        Outcome outcome = invoke(request, call);
        if (outcome.value() == failed && (tolerated == 0 || outcome.error() != tolerated)) {
            throw failure(request, outcome.error(), hint.apply(outcome.error()), allocation);
        }
        return outcome.value();
    }

    /**
     * The exception for a failed call.
     *
     * @param request the call
     * @param code {@code GetLastError()}
     * @param hint what to do, or null
     * @param allocation whether it is an allocation failure
     * @return the exception, carrying the Win32 code where POSIX carries errno
     */
    static MMapException failure(String request, int code, String hint, boolean allocation) {
        String message = WindowsConstants.failureMessage(request, code, hint);
        return allocation ? new MMapAllocationException(message, code) : new MMapException(message, code);
    }
}
