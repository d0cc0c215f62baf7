package dev.mman.testing;

import dev.mman.Backend;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Starts a fresh JVM for code that might crash the process, so that a crash fails one test instead
 * of taking the whole suite down.
 *
 * <p>The child uses the same {@code java} binary as the test JVM and, unless told otherwise, the
 * same class path. It gets {@code --enable-native-access=ALL-UNNAMED}, {@code -Xshare:auto} and
 * {@code -XX:ErrorFile} pointing into a directory the test owns, so that a crash log lands where
 * {@link ChildResult#assertNoCrash()} looks. It maps with the same backend: {@code -Ddev.mman.backend}
 * is passed on when set. None of the test JVM's other options are inherited: in
 * particular JaCoCo's {@code -javaagent} stays behind, and {@code JAVA_TOOL_OPTIONS} and
 * {@code JDK_JAVA_OPTIONS} are removed from the child's environment, so nothing can slip an agent
 * or a different setting in.
 *
 * <pre>{@code
 * ChildJvm.in(tempDir).run(Scenarios.class, "view-after-close").assertCleanExit();
 * }</pre>
 */
public final class ChildJvm {

    /**
     * The coverage agent this JVM runs with, if any (the build's JaCoCo), handed on so that code
     * exercised only in child JVMs counts; the agent appends to the same file under a lock. No other
     * agent is handed on.
     */
    private static final List<String> COVERAGE_AGENT = ProcessHandle.current().info().arguments().stream()
            .flatMap(Arrays::stream).filter(option -> option.startsWith("-javaagent:") && option.contains("jacoco"))
            .toList();

    /** How long a child may run before it is killed and the test fails. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private final Path crashDir;
    private static final Pattern UNSUPPORTED =
            Pattern.compile("java\\.lang\\.UnsupportedOperationException: (.*)");

    private final List<String> extraOptions = new ArrayList<>();
    private String classPath = System.getProperty("java.class.path");
    private final List<String> launcherPrefix = new ArrayList<>();
    private boolean nativeAccessForClassPath = true;
    private boolean inheritsBackend = true;
    private Duration timeout = DEFAULT_TIMEOUT;

    private ChildJvm(Path crashDir) {
        this.crashDir = crashDir.toAbsolutePath();
    }

    /**
     * A child JVM whose crash logs go to {@code crashDir}.
     *
     * @param crashDir a directory the test owns, typically a {@code @TempDir}
     * @return the configuration, ready to {@link #run} or {@link #start}
     */
    public static ChildJvm in(Path crashDir) {
        return new ChildJvm(Objects.requireNonNull(crashDir, "crashDir"));
    }

    /**
     * Adds JVM options, placed before the main class.
     *
     * @param options for example {@code "--module-path", dir}
     * @return this
     */
    public ChildJvm withOptions(String... options) {
        extraOptions.addAll(Arrays.asList(options));
        return this;
    }

    /**
     * Replaces the class path, which is the test JVM's by default.
     *
     * @param path the new class path
     * @return this
     */
    public ChildJvm withClassPath(String path) {
        this.classPath = Objects.requireNonNull(path, "path");
        return this;
    }

    /**
     * Runs the JVM through a launcher command, such as {@code setpriv --inh-caps=-ipc_lock} to
     * start it without a capability.
     *
     * @param prefix the launcher and its arguments, placed before the java binary
     * @return this
     */
    public ChildJvm withLauncherPrefix(String... prefix) {
        launcherPrefix.addAll(Arrays.asList(prefix));
        return this;
    }

    /**
     * Leaves out {@code --enable-native-access=ALL-UNNAMED}, for a child that must run with native
     * access denied or granted to a named module only.
     *
     * @return this
     */
    public ChildJvm withoutNativeAccess() {
        this.nativeAccessForClassPath = false;
        return this;
    }

    /**
     * Leaves out the run's {@code -Ddev.mman.backend}, for a child that tests how a program without
     * the flag chooses its backend, or tests the native platform layer itself.
     *
     * @return this
     */
    public ChildJvm withDefaultBackend() {
        this.inheritsBackend = false;
        return this;
    }

    /**
     * Changes how long the child may run.
     *
     * @param limit the time limit
     * @return this
     */
    public ChildJvm withTimeout(Duration limit) {
        this.timeout = Objects.requireNonNull(limit, "limit");
        return this;
    }

    /**
     * Runs {@code main} with {@code args} to its end.
     *
     * @param main a class with a {@code public static void main(String[])}
     * @param args its arguments
     * @return what the child did; kill on timeout fails the test
     */
    public ChildResult run(Class<?> main, String... args) {
        return start(main.getName(), args).awaitExit();
    }

    /**
     * Starts {@code mainClass} with {@code args} and returns at once.
     *
     * @param mainClass the binary name of the main class
     * @param args its arguments
     * @return the running child
     */
    public RunningChild start(String mainClass, String... args) {
        List<String> command = new ArrayList<>(launcherPrefix);
        command.add(ProcessHandle.current().info().command().orElseThrow(
                () -> new IllegalStateException("the test JVM cannot tell which java binary runs it")));
        command.add("-Xshare:auto");
        command.add("-XX:ErrorFile=" + crashDir.resolve("hs_err_pid%p.log"));
        if (nativeAccessForClassPath) {
            command.add("--enable-native-access=ALL-UNNAMED");
        }
        String backend = System.getProperty(Backend.PROPERTY);
        if (backend != null && inheritsBackend) {
            command.add("-D" + Backend.PROPERTY + "=" + backend); // the child maps like this run; options may override
        }
        if (launcherPrefix.isEmpty()) {
            // A child run as another user (setpriv) could not write the coverage file, and would not start.
            command.addAll(COVERAGE_AGENT);
        }
        command.addAll(extraOptions);
        command.add("-cp");
        command.add(classPath);
        command.add(mainClass);
        command.addAll(Arrays.asList(args));

        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> environment = builder.environment();
        environment.remove("JAVA_TOOL_OPTIONS");
        environment.remove("JDK_JAVA_OPTIONS");
        CrashLogs logs = CrashLogs.watching(crashDir, Path.of("").toAbsolutePath());
        try {
            return new RunningChild(builder.start(), command, timeout, logs);
        } catch (IOException e) {
            throw new IllegalStateException("could not start " + command, e);
        }
    }

    /**
     * A test failure that carries everything known about the child, since its JVM is gone. When the
     * child died of an {@link UnsupportedOperationException} (a backend without the operation), that
     * exception is rebuilt as the cause, so that {@link NativeOnly} tests see it as if thrown here.
     */
    static AssertionError failure(String what, List<String> command, String stdout, String stderr) {
        AssertionError failure = new AssertionError(what + "\ncommand: " + String.join(" ", command)
                + "\n--- stdout ---\n" + stdout + "--- stderr ---\n" + stderr);
        Matcher unsupported = UNSUPPORTED.matcher(stderr);
        if (unsupported.find()) {
            failure.initCause(new UnsupportedOperationException(unsupported.group(1)));
        }
        return failure;
    }
}
