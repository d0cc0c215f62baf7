package dev.mman;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Runs a probe class in a child JVM (same java, same class path) that prints {@code key=value}
 * lines, and checks that it exited cleanly without a crash log.
 */
final class ChildJvm {

    private ChildJvm() {}

    /**
     * Runs {@code probe} and returns what it printed.
     *
     * @param prefix a command that wraps the JVM (such as {@code setpriv ...}), or empty
     * @param jvmOptions options placed before the class path
     * @param crashDir where the child's crash log would go
     */
    static Properties run(List<String> prefix, List<String> jvmOptions, Class<?> probe, Path crashDir)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(prefix);
        command.add(ProcessHandle.current().info().command().orElseThrow());
        // Keep the coverage agent, so that the child's calls count too.
        Arrays.stream(ProcessHandle.current().info().arguments().orElseThrow())
                .filter(argument -> argument.startsWith("-javaagent:"))
                .forEach(command::add);
        command.add("-XX:ErrorFile=" + crashDir.resolve("hs_err_pid%p.log"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), probe.getName()));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, child.waitFor(), output);
        try (Stream<Path> files = Files.list(crashDir)) {
            assertFalse(files.anyMatch(f -> f.getFileName().toString().startsWith("hs_err")), "the child JVM crashed");
        }
        Properties printed = new Properties();
        printed.load(new StringReader(output));
        return printed;
    }
}
