package dev.mman.testing;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

/**
 * What a child JVM did: exit code, output, and any crash log it left.
 *
 * @param exitCode the process exit code; 134 means HotSpot aborted, 137 means SIGKILL
 * @param stdout everything printed to standard output
 * @param stderr everything printed to standard error
 * @param command the command line, for failure messages
 * @param crashLogs the {@code hs_err_pid*.log} files that appeared while it ran
 */
public record ChildResult(int exitCode, String stdout, String stderr, List<String> command, List<Path> crashLogs) {

    /** The exit code of a JVM that crashed and aborted (128 + SIGABRT). */
    public static final int CRASHED = 134;

    /**
     * Asserts that the JVM did not crash: no crash log and no abort.
     *
     * @return this
     */
    public ChildResult assertNoCrash() {
        if (!crashLogs.isEmpty() || exitCode == CRASHED) {
            StringBuilder logs = new StringBuilder();
            crashLogs.forEach(log -> logs.append(CrashLogs.summary(log)));
            throw failure("the child JVM crashed (exit " + exitCode + ")\n" + logs);
        }
        return this;
    }

    /**
     * Asserts that the JVM ended normally with exit code 0 and did not crash.
     *
     * @return this
     */
    public ChildResult assertCleanExit() {
        return assertExit(0);
    }

    /**
     * Asserts the exit code and that the JVM did not crash.
     *
     * @param expected the exit code
     * @return this
     */
    public ChildResult assertExit(int expected) {
        assertNoCrash();
        if (exitCode != expected) {
            throw failure("the child exited with " + exitCode + ", expected " + expected);
        }
        return this;
    }

    /**
     * The lines of standard output that start with {@code prefix}.
     *
     * @param prefix the start of the line
     * @return the matching lines, in order
     */
    public List<String> lines(String prefix) {
        return stdout.lines().filter(line -> line.startsWith(prefix)).toList();
    }

    /**
     * The one line of standard output that starts with {@code prefix}.
     *
     * @param prefix the start of the line
     * @return the line
     * @throws AssertionError when there is no such line or more than one
     */
    public String line(String prefix) {
        List<String> found = lines(prefix);
        if (found.size() != 1) {
            throw failure("expected one line starting with '" + prefix + "', found " + found.size());
        }
        return found.get(0);
    }

    /**
     * A failure message that includes the child's command and output.
     *
     * @param what what went wrong
     * @return the error to throw
     */
    public AssertionError failure(String what) {
        return ChildJvm.failure(what, command, stdout, stderr);
    }

    /**
     * Standard output read as {@code key=value} lines, for probes that report what they saw.
     *
     * @return the properties the child printed
     */
    public Properties properties() {
        Properties printed = new Properties();
        try {
            printed.load(new StringReader(stdout));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return printed;
    }
}
