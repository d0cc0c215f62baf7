package dev.mman.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.Mman;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What every file-taking subcommand does with files it cannot use, and with bad usage. */
class BadInputsTest {

    @RegisterExtension
    final TestFiles files = new TestFiles();


    @ParameterizedTest
    @ValueSource(strings = {"residency", "touch", "evict", "lock"})
    void aMissingFileIsOneLineAndExitCodeOne(String command) {
        Path missing = files.dir.resolve("missing.bin");
        assertOneLineFailure(run(command, missing.toString()), missing + ": no such file");
    }

    @ParameterizedTest
    @ValueSource(strings = {"residency", "touch", "evict", "lock"})
    void anEmptyFileIsOneLineAndExitCodeOne(String command) throws IOException {
        Path empty = files.empty("empty.bin");
        assertOneLineFailure(run(command, empty.toString()), empty + ": is empty");
    }

    @ParameterizedTest
    @ValueSource(strings = {"residency", "touch", "evict", "lock"})
    void aBadFileAmongGoodOnesIsOneLineAndTheRestIsStillDone(String command) throws IOException {
        Path good = files.evicted("good.bin", 64 * 1024);
        Cli.Result result = run(command, good.toString(), files.dir.resolve("typo.bin").toString());
        assertOneLineFailure(result, "typo.bin: no such file");
        assertTrue(result.out().contains("Files: 1\n"), "the good file was done: " + result.out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"residency", "touch", "evict", "lock"})
    void anUnreadableFileIsOneLineAndExitCodeOne(String command) throws Exception {
        Path secret = files.cached("secret.bin", 8192);
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("---------"));
        List<String> wrapper = new ArrayList<>();
        if (ChildJvm.isRoot()) {
            // root reads anything through CAP_DAC_OVERRIDE; without it, it is refused like anyone.
            assertTrue(ChildJvm.onPath("setpriv"), "setpriv (util-linux) is needed to test this as root");
            wrapper.addAll(List.of("setpriv", "--inh-caps=-all", "--bounding-set=-dac_override,-dac_read_search",
                    "--"));
        }
        List<String> args = new ArrayList<>(List.of(command));
        if (command.equals("lock")) {
            args.add("--seconds=0");
        }
        args.add(secret.toString());
        ChildJvm.Finished result = ChildJvm.run(files.dir, wrapper, args.toArray(String[]::new));
        assertEquals(1, result.exitCode(), result.err());
        assertEquals(List.of("mman " + command + ": " + secret + ": permission denied; it needs to be readable"),
                result.err().lines().toList());
    }

    @Test
    void verboseAddsTheStackTrace() {
        Cli.Result result = Cli.run("residency", "--verbose", "--batch", files.dir.resolve("missing.list").toString());
        assertEquals(1, result.exitCode());
        assertTrue(result.err().lines().count() > 3, result.err());
        assertTrue(result.err().contains("\tat dev.mman.cli."), result.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"residency", "touch", "evict", "lock"})
    void noFileIsAUsageErrorWithExitCodeTwo(String command) {
        Cli.Result result = Cli.run(command);
        assertEquals(2, result.exitCode());
        assertTrue(result.err().startsWith("Missing required parameter: 'PATH'"), result.err());
    }

    @Test
    void unknownOptionsAndBadWindowsAreUsageErrors() throws IOException {
        Path file = files.cached("x.bin", 8192);
        assertEquals(2, Cli.run("residency", "--frobnicate", file.toString()).exitCode());
        assertEquals(2, Cli.run("no-such-command").exitCode());
        Cli.Result badWindow = Cli.run("touch", "--window", "1000", file.toString());
        assertEquals(2, badWindow.exitCode());
        assertTrue(badWindow.err().contains("not a positive multiple of the page size"), badWindow.err());
        assertEquals(2, Cli.run("touch", "--window", "lots", file.toString()).exitCode());
        assertEquals(2, Cli.run("lock", "--seconds", "-1", file.toString()).exitCode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"gallery", "info", "residency", "touch", "evict", "lock"})
    void everySubcommandHasHelp(String command) {
        Cli.Result result = Cli.run(command, "--help");
        assertEquals(0, result.exitCode());
        assertTrue(result.out().startsWith("Usage: mman " + command), result.out());
    }

    @Test
    void versionPrintsTheLibraryVersion() {
        Cli.Result result = Cli.run("--version");
        assertEquals(0, result.exitCode());
        assertEquals("mman " + Mman.VERSION, result.out().strip());
    }

    @Test
    void noSubcommandShowsUsageAndExitsWithTwo() {
        Cli.Result result = Cli.run();
        assertEquals(2, result.exitCode());
        assertTrue(result.err().contains("Usage: mman"), result.err());
    }

    private static Cli.Result run(String command, String... files) {
        List<String> args = new ArrayList<>(List.of(command));
        if (command.equals("lock")) {
            args.add("--seconds=0");
        }
        args.addAll(List.of(files));
        return Cli.run(args.toArray(String[]::new));
    }

    private static void assertOneLineFailure(Cli.Result result, String expected) {
        assertEquals(1, result.exitCode(), result.err());
        List<String> lines = result.err().lines().toList();
        assertEquals(1, lines.size(), result.err());
        assertTrue(lines.getFirst().startsWith("mman "), lines.getFirst());
        assertTrue(lines.getFirst().contains(expected), lines.getFirst());
        assertFalse(result.err().contains("\tat "), "no stack trace without --verbose");
    }
}
