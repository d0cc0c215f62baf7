package dev.mman.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs the mman command in a separate JVM, optionally behind a wrapper such as {@code setpriv}
 * or {@code prlimit}, for what cannot happen in the test JVM: lowered limits, dropped
 * capabilities, a process that holds locks until it is stopped.
 */
final class ChildJvm {

    private ChildJvm() {}

    /** The JVM options a child gets unless a test asks for others: native access, as the launcher gives it. */
    static final List<String> NATIVE_ACCESS = List.of("--enable-native-access=ALL-UNNAMED");

    static List<String> command(Path crashDir, List<String> wrapper, String... args) {
        return command(crashDir, wrapper, NATIVE_ACCESS, args);
    }

    /**
     * The command line of a child that runs {@code mman args} behind {@code wrapper}, with
     * {@code jvmOptions} instead of {@link #NATIVE_ACCESS}: for example none, or
     * {@code --illegal-native-access=deny}; a {@code -cp} among them replaces the test class path.
     */
    static List<String> command(Path crashDir, List<String> wrapper, List<String> jvmOptions, String... args) {
        List<String> command = new ArrayList<>(wrapper);
        command.add(ProcessHandle.current().info().command().orElseThrow());
        command.addAll(jvmOptions);
        command.add("-XX:ErrorFile=" + crashDir.resolve("hs_err_pid%p.log"));
        if (!jvmOptions.contains("-cp")) {
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
        }
        command.add(Main.class.getName());
        command.addAll(List.of(args));
        return command;
    }

    record Finished(int exitCode, String out, String err) {}

    static Finished run(Path crashDir, List<String> wrapper, String... args) throws IOException, InterruptedException {
        return run(crashDir, wrapper, NATIVE_ACCESS, args);
    }

    /** Runs {@link #command(Path, List, List, String...)} to its end, and checks that it did not crash. */
    static Finished run(Path crashDir, List<String> wrapper, List<String> jvmOptions, String... args)
            throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command(crashDir, wrapper, jvmOptions, args)).start();
        process.getOutputStream().close();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the child JVM did not finish in 60 s");
        }
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertNoCrash(crashDir);
        return new Finished(process.exitValue(), out, err);
    }

    static void assertNoCrash(Path crashDir) throws IOException {
        try (Stream<Path> files = Files.list(crashDir)) {
            assertEquals(List.of(), files.filter(f -> f.getFileName().toString().startsWith("hs_err")).toList(),
                    "a child JVM crashed");
        }
    }

    static boolean onPath(String tool) {
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.of(path.split(":")).anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
    }

    static boolean isRoot() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream()
                .anyMatch(line -> line.matches("Uid:\\s+0\\s.*"));
    }
}
