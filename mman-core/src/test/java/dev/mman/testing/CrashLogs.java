package dev.mman.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Finds the {@code hs_err_pid*.log} files a child JVM left behind: any in the directory it was told
 * to use, and any new one in the working directory, where HotSpot falls back when it cannot write
 * the configured file.
 */
final class CrashLogs {

    private static final int HEADER_LINES = 20;
    private static final int STACK_LINES = 24;

    private final Path crashDir;
    private final Path workingDir;
    private final Set<Path> alreadyInWorkingDir;

    private CrashLogs(Path crashDir, Path workingDir, Set<Path> alreadyInWorkingDir) {
        this.crashDir = crashDir;
        this.workingDir = workingDir;
        this.alreadyInWorkingDir = alreadyInWorkingDir;
    }

    /** Remembers the crash logs present now, so that {@link #appeared()} reports only new ones. */
    static CrashLogs watching(Path crashDir, Path workingDir) {
        return new CrashLogs(crashDir, workingDir, Set.copyOf(list(workingDir)));
    }

    /** The crash logs written since {@link #watching}. */
    List<Path> appeared() {
        List<Path> found = new ArrayList<>(list(crashDir));
        for (Path log : list(workingDir)) {
            if (!alreadyInWorkingDir.contains(log)) {
                found.add(log);
            }
        }
        return found;
    }

    /**
     * The part of a crash log that tells what crashed: the header with the problematic frame, and
     * the crashing thread's stack. The test's directory is deleted afterwards, so this is all that
     * remains of it in the report.
     */
    static String summary(Path log) {
        List<String> lines;
        try {
            lines = Files.readAllLines(log);
        } catch (IOException e) {
            return log + " (unreadable: " + e + ")";
        }
        StringBuilder out = new StringBuilder(log.toString()).append('\n');
        int stack = -1;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (stack < 0 && line.startsWith("Current thread")) {
                stack = i;
            }
            if (i < HEADER_LINES || (stack >= 0 && i < stack + STACK_LINES)) {
                out.append(line).append('\n');
            }
        }
        return out.toString();
    }

    private static List<Path> list(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(CrashLogs::isCrashLog).collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException("could not list " + dir, e);
        }
    }

    private static boolean isCrashLog(Path file) {
        String name = file.getFileName().toString();
        return name.startsWith("hs_err_pid") && name.endsWith(".log");
    }
}
