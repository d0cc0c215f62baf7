package dev.mman.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM that is still running. Its output is drained on background threads from the start,
 * so that a chatty child never blocks on a full pipe.
 */
public final class RunningChild {

    private final Process process;
    private final List<String> command;
    private final Duration timeout;
    private final CrashLogs crashLogs;
    private final Output stdout;
    private final Output stderr;

    RunningChild(Process process, List<String> command, Duration timeout, CrashLogs crashLogs) {
        this.process = process;
        this.command = command;
        this.timeout = timeout;
        this.crashLogs = crashLogs;
        this.stdout = Output.drain(process.getInputStream(), "stdout of " + process.pid());
        this.stderr = Output.drain(process.getErrorStream(), "stderr of " + process.pid());
    }

    /**
     * Waits until the child prints a line starting with {@code prefix}.
     *
     * @param prefix the start of the line
     * @return the whole line
     * @throws AssertionError when the child ends or the timeout passes first (the child is killed)
     */
    public String awaitLine(String prefix) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String line = stdout.awaitLine(prefix, deadline, process);
        if (line == null) {
            boolean alive = process.isAlive();
            process.destroyForcibly();
            throw ChildJvm.failure("the child " + (alive ? "did not print" : "ended without printing")
                    + " a line starting with '" + prefix + "' within " + timeout,
                    command, stdout.text(), stderr.text());
        }
        return line;
    }

    /**
     * Kills the child with SIGKILL (on Linux {@link Process#destroyForcibly()} sends exactly that)
     * and waits for it to be gone.
     *
     * @return what the child did before it died
     */
    public ChildResult killForcibly() {
        process.destroyForcibly();
        return awaitExit();
    }

    /**
     * Waits for the child to end.
     *
     * @return its exit code, output and crash logs
     * @throws AssertionError when it runs longer than the timeout; it is killed first
     */
    public ChildResult awaitExit() {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw ChildJvm.failure("the child ran longer than " + timeout + " and was killed",
                        command, stdout.text(), stderr.text());
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the child", e);
        }
        return new ChildResult(process.exitValue(), stdout.finish(), stderr.finish(), command, crashLogs.appeared());
    }

    /** One output stream of the child, collected line by line. */
    private static final class Output {

        private final StringBuilder text = new StringBuilder();
        private final Thread drainer;
        private boolean ended;

        private Output(InputStream in, String name) {
            this.drainer = Thread.ofPlatform().daemon().name(name).start(() -> pump(in));
        }

        static Output drain(InputStream in, String name) {
            return new Output(in, name);
        }

        private void pump(InputStream in) {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    synchronized (this) {
                        text.append(line).append('\n');
                        notifyAll();
                    }
                }
            } catch (IOException e) {
                // A killed child's pipe is closed under the reader: that is the end of its output, not a fault.
                synchronized (this) {
                    text.append("(output ended: ").append(e.getMessage()).append(")\n");
                }
            } finally {
                synchronized (this) {
                    ended = true;
                    notifyAll();
                }
            }
        }

        synchronized String awaitLine(String prefix, long deadline, Process process) {
            try {
                while (true) {
                    for (String line : text.toString().split("\n")) {
                        if (line.startsWith(prefix)) {
                            return line;
                        }
                    }
                    long left = deadline - System.nanoTime();
                    if (ended || left <= 0) {
                        return null;
                    }
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the child's output", e);
            }
        }

        synchronized String text() {
            return text.toString();
        }

        /** The whole output, once the child has exited and the pipe is drained. */
        String finish() {
            try {
                drainer.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return text();
        }
    }
}
