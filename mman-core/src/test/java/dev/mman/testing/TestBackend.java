package dev.mman.testing;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mman.Backend;
import org.junit.jupiter.api.function.Executable;

/**
 * The backend this run of the suite maps with. The build runs the core suite three times, once per
 * value of {@code -Ddev.mman.backend}; tests ask here where the backends are allowed to differ.
 */
public final class TestBackend {

    private TestBackend() {}

    /**
     * The backend that mappings get by default in this JVM.
     *
     * @return {@link Backend#selected()}
     */
    public static Backend current() {
        return Backend.selected();
    }

    /**
     * Whether views die when their mapping is closed. They do except on {@code NIO}, where a buffer
     * is unmapped only by the garbage collector, so a view keeps working (and never crashes).
     *
     * @return false on {@code NIO}
     */
    public static boolean viewsDieOnClose() {
        return current() != Backend.NIO;
    }

    /**
     * Asserts what an access through a view of a closed mapping does here: it throws
     * {@link IllegalStateException}, except on {@code NIO}, where the view still reaches the old
     * memory (never unmapped memory) until the garbage collector unmaps the buffer.
     *
     * @param access a read or write through a view taken before {@code close()}
     */
    public static void assertClosedViewAccess(Executable access) {
        if (viewsDieOnClose()) {
            assertThrows(IllegalStateException.class, access);
        } else {
            assertDoesNotThrow(access, "on NIO a view outlives close() until the buffer is collected");
        }
    }

    /**
     * Whether one mapping can exceed 2 GiB ({@code NIO} cannot).
     *
     * @return false on {@code NIO}
     */
    public static boolean mapsOverTwoGibibytes() {
        return current() != Backend.NIO;
    }
}
