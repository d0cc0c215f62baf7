package dev.mman.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.SharedMemory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code mman shm} with one object mapped by a live child and an orphan left by a killed one.
 * Objects are 4 KiB each and carry this test's own prefix, which every command is filtered to,
 * so nothing of other programs sharing /dev/shm is touched.
 */
class ShmCommandTest {

    private final String prefix = "mman-cli-test-" + ProcessHandle.current().pid() + "-";
    private final String live = "/" + prefix + "live";
    private final String orphan = "/" + prefix + "orphan";
    private Process holder;

    @AfterEach
    void cleanUp() {
        if (holder != null) {
            holder.destroyForcibly();
        }
        SharedMemory.unlink(live);
        SharedMemory.unlink(orphan);
    }

    @Test
    void listShowsUsersCleanTakesOnlyTheOrphanAndRmTheRest() throws Exception {
        Process killed = hold(orphan);
        killed.destroyForcibly();
        assertTrue(killed.waitFor(30, TimeUnit.SECONDS));
        holder = hold(live);

        Cli.Result list = Cli.run("shm", "list", "--match", prefix + "*");
        assertEquals(0, list.exitCode(), list.err());
        List<String> lines = list.out().lines().toList();
        assertEquals(List.of("NAME", "SIZE", "MODE", "OWNER", "AGE", "PROCESSES"),
                List.of(lines.get(0).trim().split("\\s+")));
        String liveLine = lines.stream().filter(l -> l.startsWith(live + " ")).findFirst().orElseThrow();
        String orphanLine = lines.stream().filter(l -> l.startsWith(orphan + " ")).findFirst().orElseThrow();
        // Where some process cannot be inspected (pid 1 of a sandbox, for root without CAP_SYS_PTRACE),
        // the library keeps every object it could open, and clean must say so instead of removing.
        List<Long> uninspected = SharedMemory.list().stream().filter(i -> i.name().equals(orphan)).findFirst()
                .orElseThrow().uninspected();
        String hidden = uninspected.isEmpty() ? "" : " (" + uninspected.size() + " not inspectable)";
        assertTrue(liveLine.endsWith(" " + holder.pid() + hidden), liveLine);
        assertTrue(liveLine.contains("4.0 KiB"), liveLine);
        assertTrue(orphanLine.endsWith(uninspected.isEmpty() ? " -" : "  " + hidden.strip()), orphanLine);
        assertEquals("2 objects, 8.0 KiB, " + (uninspected.isEmpty() ? 1 : 0) + " used by no process", lines.getLast());

        Cli.Result json = Cli.run("shm", "list", "--json", "--match", prefix + "*");
        assertTrue(json.out().contains("\"processes\":[" + holder.pid() + "]"), json.out());

        Cli.Result dryRun = Cli.run("shm", "clean", "--dry-run", "--match", prefix + "*");
        assertEquals(0, dryRun.exitCode(), dryRun.err());
        assertTrue(dryRun.out().startsWith(uninspected.isEmpty() ? "would remove " + orphan + " (4.0 KiB"
                : "kept " + orphan + ": no process seen using it, but processes " + uninspected), dryRun.out());
        assertTrue(exists(orphan), "a dry run removes nothing");
        if (!uninspected.isEmpty()) {
            assertEquals("would remove 0 objects, 0 B", dryRun.out().lines().toList().getLast());
            assertEquals(0, Cli.run("shm", "rm", orphan).exitCode(), "the operator who knows better removes it");
        }

        Cli.Result notOldEnough = Cli.run("shm", "clean", "--older-than", "1d", "--match", prefix + "*");
        assertEquals("removed 0 objects, 0 B", notOldEnough.out().strip());
        assertEquals(uninspected.isEmpty(), exists(orphan));

        Cli.Result clean = Cli.run("shm", "clean", "--match", prefix + "*");
        assertEquals(0, clean.exitCode(), clean.err());
        assertEquals(uninspected.isEmpty() ? "removed 1 object, 4.0 KiB" : "removed 0 objects, 0 B",
                clean.out().lines().toList().getLast());
        assertFalse(exists(orphan));
        assertTrue(exists(live), "the object a live process maps stays");

        Cli.Result rm = Cli.run("shm", "rm", live.substring(1), "/" + prefix + "never");
        assertEquals(1, rm.exitCode());
        assertEquals("removed " + live, rm.out().strip());
        assertEquals("mman shm rm: no such object: /" + prefix + "never", rm.err().strip());
        assertFalse(exists(live));
        assertTrue(holder.isAlive(), "its process keeps its mapping");
    }

    @Test
    void badAgesAreUsageErrors() {
        assertEquals(2, Cli.run("shm", "clean", "--older-than", "soon").exitCode());
        assertEquals(2, Cli.run("shm").exitCode());
    }

    private static boolean exists(String name) {
        return Files.exists(Path.of("/dev/shm" + name));
    }

    private static Process hold(String name) throws IOException {
        Process process = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                ShmHolder.class.getName(), name).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("ready " + name, out.readLine());
        return process;
    }
}
