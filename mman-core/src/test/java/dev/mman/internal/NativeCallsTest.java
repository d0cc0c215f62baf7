package dev.mman.internal;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertThrowsExactly;

import dev.mman.MMapAllocationException;
import dev.mman.MMapException;
import dev.mman.internal.posix.ErrnoTable;
import dev.mman.internal.posix.Native;
import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.util.Map;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

/**
 * The one call helper, driven by a real failing call ({@code close(-1)}, EBADF) so that the errno
 * really travels through the captured state. Windows uses the same path with another code and
 * other names, which {@code WindowsTranslationTest} checks.
 */
class NativeCallsTest {

    private static final int EBADF = 9;
    private static final Downcall CLOSE = Native.withErrno("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    private final NativeCalls calls = NativeCalls.errno(new ErrnoTable(Map.of())::describe);

    private long closeNothing(IntPredicate tolerated, boolean allocation) {
        return calls.call(() -> "close(-1)", -1, tolerated, code -> code == EBADF ? "no such descriptor" : null,
                allocation, state -> (int) CLOSE.handle().invokeExact(state, -1));
    }

    @Test
    void aFailureNamesTheRequestTheErrnoAndTheHint() {
        MMapException e = assertThrowsExactly(MMapException.class, () -> closeNothing(NativeCalls.NONE, false));
        assertEquals("close(-1) failed: EBADF (Bad file descriptor). Hint: no such descriptor", e.getMessage());
        assertEquals(EBADF, e.errno());
        assertInstanceOf(MMapAllocationException.class,
                assertThrows(MMapException.class, () -> closeNothing(NativeCalls.NONE, true)));
    }

    @Test
    void aToleratedFailureReturnsTheFailureValueAndLeavesItsCode() {
        assertEquals(-1, closeNothing(code -> code == EBADF, false));
        assertEquals(EBADF, calls.lastCode());
        assertEquals(-1, closeNothing(NativeCalls.ANY, false));
    }

    @Test
    void anOutcomeKeepsTheResultAndTheCode() {
        assertEquals(new NativeCalls.Outcome(-1, EBADF),
                calls.outcome(() -> "close(-1)", state -> (int) CLOSE.handle().invokeExact(state, -1)));
    }

    @Test
    void aCallThatCannotBeMadeSaysSoAndUncheckedErrorsPassThrough() {
        IOException checked = new IOException("no");
        MMapException e = assertThrowsExactly(MMapException.class, () -> calls.outcome(() -> "f(1)", state -> {
            throw checked;
        }));
        assertEquals("f(1) could not be called", e.getMessage());
        assertSame(checked, e.getCause());
        IllegalStateException unchecked = new IllegalStateException();
        assertSame(unchecked, assertThrows(IllegalStateException.class,
                () -> calls.call(() -> "f", -1, NativeCalls.NONE, NativeCalls.NO_HINT, false, state -> {
                    throw unchecked;
                })));
    }

    @Test
    void messagesWithoutAHintEndAtTheName() {
        assertEquals("x failed: E (text)", NativeCalls.failure("x", 1, "E (text)", null, false).getMessage());
        assertEquals("mprotect(0x1000, 4096)", NativeCalls.rangeRequest("mprotect", 0x1000, 4096));
    }
}
