package dev.mman.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.Mman;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quick ways in: a command line that names one subcommand builds only that one, and the
 * answers that need every subcommand (help, completion, a mistyped name) still get them all.
 */
class StartPathsTest {

    private static final Set<String> ALL = Set.of("gallery", "info", "residency", "touch", "evict", "lock", "shm",
            "help", "generate-completion");

    @TempDir
    Path dir;

    @Test
    void aNamedSubcommandIsTheOnlyOneBuilt() {
        assertEquals(Set.of("residency"), MmanCommand.commandLine(new String[] {"residency", "x"}).getSubcommands().keySet());
        assertEquals(Set.of("touch"),
                MmanCommand.commandLine(new String[] {"--verbose", "touch", "-q", "x"}).getSubcommands().keySet());
    }

    @Test
    void helpCompletionAndUnknownNamesGetEverySubcommand() {
        for (String[] args : List.of(new String[] {"help", "touch"}, new String[] {"generate-completion"},
                new String[] {"resid", "x"}, new String[] {"--help"}, new String[0])) {
            assertEquals(ALL, MmanCommand.commandLine(args).getSubcommands().keySet(), String.join(" ", args));
        }
    }

    @Test
    void theInheritedVerboseOptionReachesALateSubcommand() {
        var line = MmanCommand.commandLine(new String[] {"residency"});
        assertTrue(line.getSubcommands().get("residency").getCommandSpec().findOption("--verbose") != null);
    }

    @Test
    void completionCoversEverySubcommand() {
        Cli.Result result = Cli.run("generate-completion");
        assertEquals(0, result.exitCode(), result.err());
        for (String name : List.of("gallery", "info", "residency", "touch", "evict", "lock", "shm")) {
            assertTrue(result.out().contains(name), name + " is missing from the completion script");
        }
    }

    @Test
    void theJarsEntryPointAnswersVersionAndExitsWithTheCommandsCode() throws Exception {
        ChildJvm.Finished version = ChildJvm.run(dir, List.of(), "--version");
        assertEquals(0, version.exitCode(), version.err());
        assertEquals("mman " + Mman.VERSION, version.out().strip());

        Path file = Files.write(dir.resolve("data.bin"), new byte[8192]);
        ChildJvm.Finished done = ChildJvm.run(dir, List.of(), "residency", "-q", file.toString());
        assertEquals(0, done.exitCode(), done.err());

        ChildJvm.Finished failed = ChildJvm.run(dir, List.of(), "residency", "-q", dir.resolve("missing").toString());
        assertEquals(MmanCommand.FAILURE, failed.exitCode(), failed.err());
        assertTrue(failed.err().contains("no such file"), failed.err());
    }
}
