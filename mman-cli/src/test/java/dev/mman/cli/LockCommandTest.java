package dev.mman.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class LockCommandTest {

    private static final int SIZE = 1 << 20;

    @RegisterExtension
    final TestFiles files = new TestFiles();


    @Test
    void locksAndReleasesAfterTheGivenTime() throws IOException {
        Path a = files.evicted("a.bin", SIZE);
        Path b = files.evicted("b.bin", SIZE);
        Cli.Result result = Cli.run("lock", "--seconds", "0", "--window", "256K", a.toString(), b.toString());
        assertEquals(0, result.exitCode(), result.err());
        List<String> lines = result.out().lines().toList();
        assertEquals("    Locked Pages: " + 2 * SIZE / dev.mman.Mman.pageSize() + " (2.0 MiB)", lines.get(2), result.out());
        assertEquals("locked 2.0 MiB (2097152 bytes); holding for 0 s", lines.getLast());
        Cli.Result resident = Cli.run("residency", "--json", a.toString(), b.toString());
        assertEquals(2, resident.out().split("\"percent\":100.00").length - 1, "mlock faulted every page in");
    }

    @Test
    void holdsTheLockUntilInterrupted() throws Exception {
        Path file = files.evicted("held.bin", SIZE);
        Process process = new ProcessBuilder(ChildJvm.command(files.dir, List.of(), "lock", file.toString()))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line = out.readLine();
            while (line != null && !line.startsWith("locked")) {
                line = out.readLine(); // the summary comes first
            }
            assertEquals("locked 1.0 MiB (1048576 bytes); holding until interrupted (Ctrl-C)", line);
            assertTrue(lockedKilobytes(process.pid()) >= SIZE / 1024, "VmLck of the holder");
            assertTrue(process.isAlive(), "it holds the lock");
            Process interrupt = new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start();
            assertEquals(0, interrupt.waitFor());
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "Ctrl-C ends it");
        } finally {
            process.destroyForcibly();
        }
        assertEquals(130, process.exitValue(), "the exit code of a process ended by SIGINT");
        ChildJvm.assertNoCrash(files.dir);
    }

    @Test
    void beyondTheLimitItSaysTheLimitWhatWasAskedAndHowToRaiseIt() throws Exception {
        Path file = files.cached("big.bin", SIZE);
        assertTrue(ChildJvm.onPath("prlimit"), "prlimit (util-linux) sets the child's RLIMIT_MEMLOCK");
        List<String> wrapper = new ArrayList<>();
        if (ChildJvm.isRoot()) {
            // root locks past any limit through CAP_IPC_LOCK; drop it to meet the limit like a user.
            assertTrue(ChildJvm.onPath("setpriv"), "setpriv (util-linux) drops CAP_IPC_LOCK for root");
            wrapper.addAll(List.of("setpriv", "--inh-caps=-all", "--bounding-set=-ipc_lock", "--"));
        }
        wrapper.addAll(List.of("prlimit", "--memlock=65536:65536"));

        ChildJvm.Finished result = ChildJvm.run(files.dir, wrapper, "lock", file.toString());

        assertEquals(1, result.exitCode(), result.err());
        assertTrue(result.out().contains("           Files: 0\n"), result.out());
        assertEquals(List.of("mman lock: " + file + ": cannot lock 1.0 MiB (1048576 bytes): RLIMIT_MEMLOCK is 64.0 KiB (65536 bytes); "
                + "raise it with `ulimit -l 1024` (KiB) or `ulimit -l unlimited`, a memlock line in "
                + "/etc/security/limits.conf, LimitMEMLOCK= for a systemd service, or run with CAP_IPC_LOCK"),
                result.err().lines().toList());
    }

    /** The memory available comes from a meminfo of the test's own, which says 512 KiB. */
    @Test
    void refusesToLockMoreDataThanTheMemoryAvailableAndSaysBothFigures() throws IOException {
        Path data = files.evicted("data.bin", SIZE);
        Cli.Result result = runWithMemoryAvailable(512, "--seconds", "0", data.toString());
        assertEquals(1, result.exitCode(), result.err());
        List<String> lines = result.err().lines().toList();
        assertEquals(1, lines.size(), result.err());
        assertTrue(lines.getFirst().startsWith("lock: refusing to lock 1.0 MiB (1048576 bytes) of data: only 512 KiB "
                + "(524288 bytes) of memory is available (MemAvailable)"), lines.getFirst());
        assertTrue(lines.getFirst().endsWith("or add --force"), lines.getFirst());
    }

    /** A sparse file far longer than the memory available, with one page of data: only that page counts, and is locked. */
    @Test
    void theHolesOfASparseFileDoNotCountTowardTheMemoryAvailable() throws IOException {
        Path sparse = files.dir.resolve("sparse.bin");
        try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(sparse.toFile(), "rw")) {
            file.setLength(64L << 20);
            file.seek(32L << 20);
            file.write(1);
        }
        long page = dev.mman.Mman.pageSize();
        Cli.Result result = runWithMemoryAvailable(512, "--seconds", "0", sparse.toString());
        assertEquals(0, result.exitCode(), result.err());
        assertTrue(result.out().contains("Locked Pages: 1 ("), result.out());
        assertTrue(result.out().strip().endsWith("locked " + Sizes.human(page) + " (" + page + " bytes); holding for 0 s"),
                result.out());
    }

    /** Runs {@code lock args} as its own command, against a meminfo whose MemAvailable is {@code kib}. */
    private Cli.Result runWithMemoryAvailable(long kib, String... args) throws IOException {
        Path proc = Files.createDirectories(files.dir.resolve("proc"));
        Files.writeString(proc.resolve("meminfo"), "MemTotal:       1048576 kB\nMemAvailable:   " + kib + " kB\n");
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine line = new picocli.CommandLine(new LockCommand(new KernelFiles(proc, files.dir)).declare())
                .setExecutionExceptionHandler(new MmanCommand.OneLineErrors());
        line.setOut(new java.io.PrintWriter(out, true));
        line.setErr(new java.io.PrintWriter(err, true));
        int code = line.execute(args);
        return new Cli.Result(code, out.toString(), err.toString());
    }

    @Test
    void aTouchThatCannotFitSaysSo() {
        assertTrue(TouchCommand.shortfall(Long.MAX_VALUE / 2).startsWith("it cannot fit: 4096 PiB is more than the "),
                TouchCommand.shortfall(Long.MAX_VALUE / 2));
        assertTrue(TouchCommand.shortfall(4096).startsWith("the rest was dropped again or not read ("));
    }

    private static long lockedKilobytes(long pid) throws IOException {
        return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                .filter(line -> line.startsWith("VmLck:"))
                .mapToLong(line -> Long.parseLong(line.replaceAll("\\D", "")))
                .findFirst().orElseThrow();
    }
}
