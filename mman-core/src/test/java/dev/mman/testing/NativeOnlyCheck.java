package dev.mman.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.Backend;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Runs a {@link NativeOnly} test as written on {@code Backend.NATIVE}, and on any other backend
 * requires it to fail with that backend's {@link UnsupportedOperationException} for the named
 * operation, possibly wrapped (a future's {@code ExecutionException}, for example).
 */
public final class NativeOnlyCheck implements InvocationInterceptor {

    /** Made by JUnit through {@link NativeOnly}. */
    public NativeOnlyCheck() {}

    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
            ExtensionContext context) throws Throwable {
        check(invocation, context);
    }

    @Override
    public void interceptTestTemplateMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
            ExtensionContext context) throws Throwable {
        check(invocation, context);
    }

    private static void check(Invocation<Void> invocation, ExtensionContext context) throws Throwable {
        Backend backend = TestBackend.current();
        if (backend == Backend.NATIVE) {
            invocation.proceed();
            return;
        }
        String operation = operation(context);
        Throwable thrown = null;
        try {
            invocation.proceed();
        } catch (Throwable t) {
            thrown = t;
        }
        UnsupportedOperationException unsupported = unsupported(thrown);
        if (unsupported == null) {
            throw new AssertionError("on Backend." + backend + " this test needs " + operation
                    + ", which must throw UnsupportedOperationException, but the test "
                    + (thrown == null ? "passed" : "threw " + thrown), thrown);
        }
        String message = String.valueOf(unsupported.getMessage());
        assertTrue(message.startsWith(operation + " is not supported by Backend." + backend)
                && message.contains("Backend.NATIVE supports it"), () -> "unexpected refusal: " + message);
    }

    private static String operation(ExtensionContext context) {
        AnnotatedElement method = context.getRequiredTestMethod();
        return AnnotationSupport.findAnnotation(method, NativeOnly.class)
                .or(() -> AnnotationSupport.findAnnotation(context.getRequiredTestClass(), NativeOnly.class))
                .orElseThrow()
                .value();
    }

    private static UnsupportedOperationException unsupported(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof UnsupportedOperationException u) {
                return u;
            }
        }
        return null;
    }
}
