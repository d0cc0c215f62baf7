package dev.mman.internal;

import dev.mman.MMapAllocationException;
import dev.mman.MMapException;
import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;
import java.util.function.Supplier;

/**
 * Makes downcalls and turns their failures into {@link MMapException}s, one way for every system.
 * POSIX reports a failure through {@code errno} and Windows through {@code GetLastError()}, but the
 * JDK captures both into the same call-state struct, so one path can read the code, name it, add a
 * hint and pick the exception type. An instance knows which of the two codes its handles capture
 * and how its system names them; whether a call failed (-1, or 0, or {@code INVALID_HANDLE_VALUE})
 * is the caller's to say, since Win32 has no single convention.
 */
public final class NativeCalls {

    /** A hint function for calls that have nothing to add to the error. */
    public static final IntFunction<String> NO_HINT = code -> null;
    /** For calls that tolerate no failure. */
    public static final IntPredicate NONE = code -> false;
    /** For calls whose callers look at every failure themselves, with {@link #lastCode()}. */
    public static final IntPredicate ANY = code -> true;

    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();

    /**
     * Each thread's room for the captured call state. Reused by every call on the thread, so that a
     * short system call does not pay for an arena and a malloc; a call reads its code before the
     * thread can make another call.
     */
    private static final ThreadLocal<MemorySegment> STATE =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CAPTURE));

    /** A native call; the argument is where the JDK captures {@code errno} or {@code GetLastError()}. */
    @FunctionalInterface
    public interface Call {
        /**
         * Makes the call.
         *
         * @param state the captured call state, to pass as the handle's first argument
         * @return the call's result, widened to a long
         * @throws Throwable whatever the method handle throws
         */
        long invoke(MemorySegment state) throws Throwable;
    }

    /**
     * What a call returned and the code it left, for calls whose success can carry news
     * ({@code CreateFileMapping} reports {@code ERROR_ALREADY_EXISTS} while succeeding) or whose
     * failure the caller sorts out itself.
     *
     * @param value the return value
     * @param error the captured code right after the call
     */
    public record Outcome(long value, int error) {}

    private final VarHandle code;
    private final IntFunction<String> names;

    private NativeCalls(String captured, IntFunction<String> names) {
        this.code = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement(captured));
        this.names = names;
    }

    /**
     * Calls that report through {@code errno}.
     *
     * @param names how the system names an errno, such as {@code ENOMEM (Cannot allocate memory)}
     * @return the helper
     */
    public static NativeCalls errno(IntFunction<String> names) {
        return new NativeCalls("errno", names);
    }

    /**
     * Calls that report through {@code GetLastError()}. Only on Windows: the capture layout has that
     * field nowhere else.
     *
     * @param names how Windows names a code, such as {@code ERROR_ACCESS_DENIED (5)}
     * @return the helper
     */
    public static NativeCalls lastError(IntFunction<String> names) {
        return new NativeCalls("GetLastError", names);
    }

    /**
     * Makes a call and throws when it fails. The request text is built only when the call fails:
     * formatting it costs more than the system calls that mprotect, mlock or munmap make.
     *
     * @param request the call and its arguments, for the message
     * @param failed the result that means failure
     * @param tolerated the codes for which the call returns {@code failed} instead of throwing (the
     *     caller reads which with {@link #lastCode()})
     * @param hint what to add to the message for a code, or null
     * @param allocation whether a failure means the system refused memory
     * @param call the call
     * @return the call's result
     */
    public long call(Supplier<String> request, long failed, IntPredicate tolerated, IntFunction<String> hint,
            boolean allocation, Call call) {
        MemorySegment state = STATE.get();
        long result = invoke(request, state, call);
        if (result == failed) {
            int error = (int) code.get(state, 0L);
            if (!tolerated.test(error)) {
                throw failure(request.get(), error, hint, allocation);
            }
        }
        return result;
    }

    /**
     * Makes a call and keeps both its result and its code, throwing only when it cannot be made.
     *
     * @param request the call, for the message if it cannot be made at all
     * @param call the call
     * @return the outcome
     */
    public Outcome outcome(Supplier<String> request, Call call) {
        MemorySegment state = STATE.get();
        long value = invoke(request, state, call);
        return new Outcome(value, (int) code.get(state, 0L));
    }

    /**
     * The code that this thread's last call through a helper of this kind left.
     *
     * @return the errno or {@code GetLastError()} value
     */
    public int lastCode() {
        return (int) code.get(STATE.get(), 0L);
    }

    private static long invoke(Supplier<String> request, MemorySegment state, Call call) {
        try {
            return call.invoke(state);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new MMapException(request.get() + " could not be called", t);
        }
    }

    /**
     * The exception for a failed call, with the code named as this system names it.
     *
     * @param request the call and its arguments
     * @param error the code
     * @param hint what to add to the message for the code
     * @param allocation whether the system refused memory
     * @return the exception
     */
    public MMapException failure(String request, int error, IntFunction<String> hint, boolean allocation) {
        return failure(request, error, names.apply(error), hint.apply(error), allocation);
    }

    /**
     * The exception for a failed call: every platform's messages read
     * {@code request failed: NAME (text). Hint: ...}, and the exception carries the code.
     *
     * @param request the call and its arguments
     * @param error the code
     * @param named the code as the system names it
     * @param hint what to do about it, or null
     * @param allocation whether the system refused memory, which callers may answer by freeing some
     * @return an {@link MMapAllocationException} or a plain {@link MMapException}
     */
    public static MMapException failure(String request, int error, String named, String hint, boolean allocation) {
        String message = request + " failed: " + named;
        if (hint != null) {
            message += ". Hint: " + hint;
        }
        return allocation ? new MMapAllocationException(message, error) : new MMapException(message, error);
    }

    /**
     * How a call on an address range names itself in messages.
     *
     * @param call the function
     * @param address the start
     * @param size the length
     * @return for example {@code mprotect(0x7f0000000000, 4096)}
     */
    public static String rangeRequest(String call, long address, long size) {
        return String.format("%s(0x%x, %d)", call, address, size);
    }
}
