package dev.mman.testing;

import java.util.List;

/**
 * The one-line protocol by which a child JVM tells its test which exception a misuse raised.
 *
 * <p>The child prints {@code CAUGHT [label] java.lang.IllegalStateException: message} for each
 * labelled action that threw, and {@code RETURNED [label]} for one that did not. The test then
 * checks the type by label. A crash prints nothing, which is why the test also checks the exit code
 * and the crash logs.
 */
public final class Caught {

    private static final String CAUGHT = "CAUGHT ";
    private static final String RETURNED = "RETURNED ";

    private Caught() {}

    /** An action that may throw anything. */
    @FunctionalInterface
    public interface Action {
        /**
         * Does the misuse.
         *
         * @throws Throwable whatever it raises
         */
        void run() throws Throwable;
    }

    /**
     * Child side: runs {@code action} and prints what it threw, or that it returned.
     *
     * @param label names the action in the output; no spaces
     * @param action the misuse
     */
    public static void report(String label, Action action) {
        try {
            action.run();
            System.out.println(RETURNED + "[" + label + "]");
        } catch (Throwable t) {
            report(label, t);
        }
    }

    /**
     * Child side: prints a throwable that was caught elsewhere, for instance on another thread.
     *
     * @param label names the action in the output; no spaces
     * @param t what it threw
     */
    public static void report(String label, Throwable t) {
        String message = String.valueOf(t.getMessage()).replace('\n', ' ');
        System.out.println(CAUGHT + "[" + label + "] " + t.getClass().getName() + ": " + message);
    }

    /**
     * Test side: asserts that the action labelled {@code label} threw exactly {@code type}.
     *
     * @param result the child's result
     * @param label the label the child used
     * @param type the expected exception class
     * @return the exception's message, for further checks
     */
    public static String assertCaught(ChildResult result, String label, Class<? extends Throwable> type) {
        List<String> lines = outcomes(result, "[" + label + "]");
        if (lines.size() != 1) {
            throw result.failure("expected one outcome for '" + label + "', found " + lines.size());
        }
        return messageOf(result, lines.get(0), List.of(type));
    }

    /**
     * Test side: asserts that the action labelled {@code label} returned without throwing.
     *
     * @param result the child's result
     * @param label the label the child used
     */
    public static void assertReturned(ChildResult result, String label) {
        List<String> lines = outcomes(result, "[" + label + "]");
        if (!lines.equals(List.of(RETURNED + "[" + label + "]"))) {
            throw result.failure("expected '" + label + "' to return, found " + lines);
        }
    }

    /**
     * Test side: asserts that exactly {@code count} actions whose labels start with {@code labelPrefix}
     * were reported, and that each threw one of {@code types}.
     *
     * @param result the child's result
     * @param labelPrefix the common start of the labels
     * @param count how many such actions the child ran
     * @param types the acceptable exception classes
     */
    public static void assertAllCaught(ChildResult result, String labelPrefix, int count,
            List<Class<? extends Throwable>> types) {
        List<String> lines = outcomes(result, "[" + labelPrefix);
        if (lines.size() != count) {
            throw result.failure("expected " + count + " outcomes for '" + labelPrefix + "', found " + lines.size());
        }
        for (String line : lines) {
            messageOf(result, line, types);
        }
    }

    private static List<String> outcomes(ChildResult result, String labelStart) {
        return result.stdout().lines()
                .filter(l -> l.startsWith(CAUGHT + labelStart) || l.startsWith(RETURNED + labelStart))
                .toList();
    }

    private static String messageOf(ChildResult result, String line, List<Class<? extends Throwable>> types) {
        int labelEnd = line.indexOf("] ");
        int typeEnd = line.indexOf(": ", labelEnd);
        if (!line.startsWith(CAUGHT) || labelEnd < 0 || typeEnd < 0) {
            throw result.failure("the action did not throw: " + line);
        }
        String type = line.substring(labelEnd + 2, typeEnd);
        if (types.stream().noneMatch(t -> t.getName().equals(type))) {
            throw result.failure("expected " + types + " but the child caught " + type + " in: " + line);
        }
        return line.substring(typeEnd + 2);
    }
}
