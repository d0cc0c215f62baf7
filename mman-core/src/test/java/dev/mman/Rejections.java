package dev.mman;

import static org.junit.jupiter.api.Assertions.assertThrowsExactly;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.function.Executable;

/** The one assertion every bad-input test makes: the exact exception type, and a message naming the bad value. */
final class Rejections {

    private Rejections() {}

    /**
     * A call that must be refused.
     *
     * @param name what the case shows, used as the test's display name
     * @param type the exact exception type expected
     * @param call the refused call
     * @param named what the message must contain: the bad value, flag name or path
     */
    record Rejection(String name, Class<? extends MMapException> type, Executable call, String... named) {
        @Override
        public String toString() {
            return name;
        }

        void verify() {
            assertRejected(type, call, named);
        }
    }

    static Rejection invalid(String name, Executable call, String... named) {
        return new Rejection(name, MMapInvalidParameterException.class, call, named);
    }

    static Rejection refused(String name, Executable call, String... named) {
        return new Rejection(name, MMapException.class, call, named);
    }

    static <T extends MMapException> T assertRejected(Class<T> type, Executable call, String... named) {
        T thrown = assertThrowsExactly(type, call);
        for (String fragment : named) {
            assertTrue(thrown.getMessage().contains(fragment),
                    () -> "the message should name '" + fragment + "': " + thrown.getMessage());
        }
        return thrown;
    }
}
