package dev.mman.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * A small tmpfs that a test mounts to fill it up, since filling the real {@code /dev/shm} or disk
 * would disturb every other program. Mounting needs root (CAP_SYS_ADMIN): without it the test says
 * so in its output and is skipped through an assumption, the one case where it cannot check
 * anything. Callers unmount in a {@code finally} block.
 */
public final class Tmpfs {

    private final Path directory;

    private Tmpfs(Path directory) {
        this.directory = directory;
    }

    /**
     * Mounts a tmpfs of {@code size} on {@code directory}, or skips the test saying why.
     *
     * @param directory an empty directory the test owns
     * @param size the size as mount takes it, such as {@code 2m}
     * @return the mount, to {@link #unmount()} in a finally block
     */
    public static Tmpfs mountOrSkip(Path directory, String size) {
        Result mounted = run(List.of("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", directory.toString()));
        if (mounted.exitCode() != 0) {
            String why = "cannot mount a " + size + " tmpfs on " + directory + " (this needs root or CAP_SYS_ADMIN; "
                    + "running as " + System.getProperty("user.name") + "): " + mounted.output().strip()
                    + "; the test that fills a small file system is skipped";
            System.out.println("[Tmpfs] " + why);
            Assumptions.abort(why);
        }
        return new Tmpfs(directory);
    }

    /**
     * The mount point.
     *
     * @return the directory
     */
    public Path directory() {
        return directory;
    }

    /** Unmounts, lazily when a straggler still holds it (the child JVM is gone by then). */
    public void unmount() {
        if (run(List.of("umount", directory.toString())).exitCode() != 0) {
            Result lazy = run(List.of("umount", "-l", directory.toString()));
            if (lazy.exitCode() != 0) {
                throw new AssertionError("could not unmount " + directory + ": " + lazy.output());
            }
        }
    }

    private record Result(int exitCode, String output) {}

    private static Result run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return new Result(process.waitFor(), output);
        } catch (IOException e) {
            return new Result(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, e.toString());
        }
    }
}
