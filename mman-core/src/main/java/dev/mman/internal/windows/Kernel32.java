package dev.mman.internal.windows;

import dev.mman.MMapException;
import dev.mman.internal.NativeCalls;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;

/**
 * kernel32.dll: downcall handles that capture {@code GetLastError()}, and Win32's convention for
 * {@link NativeCalls} (a call fails by returning 0 or {@code INVALID_HANDLE_VALUE}, and one code may
 * be expected). Everything is looked up when {@link #load} runs, never at class initialisation, so
 * this class loads on any OS.
 */
final class Kernel32 {

    private final SymbolLookup library;
    private final Linker.Option capture;
    private final NativeCalls calls;

    private Kernel32(SymbolLookup library) {
        this.library = library;
        // GetLastError exists in the capture layout only on Windows, which load() has established.
        this.capture = Linker.Option.captureCallState("GetLastError");
        this.calls = NativeCalls.lastError(WindowsConstants::describeError);
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
        return Linker.nativeLinker().downcallHandle(symbol, descriptor, capture);
    }

    /**
     * A function that some Windows releases lack, such as {@code PrefetchVirtualMemory}.
     *
     * @param name the exported name
     * @param descriptor its C signature
     * @return the handle, or null
     */
    MethodHandle optionalFunction(String name, FunctionDescriptor descriptor) {
        return library.find(name).map(symbol -> Linker.nativeLinker().downcallHandle(symbol, descriptor, capture))
                .orElse(null);
    }

    /**
     * Makes a call and keeps both its result and its error.
     *
     * @param request the call, for a message if it cannot be made at all
     * @param call the call
     * @return the outcome
     */
    NativeCalls.Outcome invoke(String request, NativeCalls.Call call) {
        return calls.outcome(() -> request, call);
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
    long call(String request, long failed, int tolerated, IntFunction<String> hint, boolean allocation,
            NativeCalls.Call call) {
        IntPredicate accepted = tolerated == 0 ? NativeCalls.NONE : code -> code == tolerated;
        return calls.call(() -> request, failed, accepted, hint, allocation, call);
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
        return NativeCalls.failure(request, code, WindowsConstants.describeError(code), hint, allocation);
    }
}
