package dev.mman.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test that needs an operation only {@code Backend.NATIVE} has. The suite runs once per
 * backend; on {@code NATIVE} the test runs as written, and on {@code JDK} and {@code NIO} it must
 * instead end with the {@link UnsupportedOperationException} that names the operation, the backend
 * in use and {@code Backend.NATIVE}. So the test is never skipped: on each backend it asserts what
 * that backend promises.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
@ExtendWith(NativeOnlyCheck.class)
public @interface NativeOnly {

    /**
     * The operation as the exception names it, for example {@code "mprotect"} or
     * {@code "residency (mincore)"}.
     *
     * @return the operation's name
     */
    String value();
}
