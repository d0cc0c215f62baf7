package dev.mman.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Building only the subcommand a command line names changes nothing it prints or returns: each
 * command line runs the same with {@link MmanCommand#commandLine(String[])} as with every
 * subcommand. {@code -h residency} once printed a top-level usage that listed residency alone.
 */
class SubcommandSelectionTest {

    @TempDir
    Path dir;

    /** The exit code, stdout and stderr of one run; the elapsed time, the one thing that varies, left out. */
    private static String run(CommandLine line, String[] args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(err, true));
        int code = line.execute(args);
        return code + "\n--out--\n" + out.toString().replaceAll("Elapsed: .*", "Elapsed") + "\n--err--\n" + err;
    }

    @Test
    void everyCommandLineRunsAsIfEverySubcommandWereThere() throws Exception {
        Path help = Files.writeString(dir.resolve("help-args"), "-h residency\n");
        Path named = Files.writeString(dir.resolve("named-args"), "residency --help\n");
        Path file = Files.write(dir.resolve("data.bin"), new byte[8192]);
        List<String[]> lines = List.of(new String[] {"-h", "residency"}, new String[] {"--help", "residency"},
                new String[] {"-x", "residency"}, new String[] {"--verb", "residency", "--help"},
                new String[] {"--verbose=true", "residency", "--help"}, new String[] {"--verbose=maybe", "residency"},
                new String[] {"--", "residency"}, new String[] {"--verbose", "--", "residency"},
                new String[] {"-V", "residency"}, new String[] {"-hV", "info"},
                new String[] {"--verbose", "residency", "--help"}, new String[] {"--verbose", "--verbose", "residency"},
                new String[] {"residency", "residency"}, new String[] {"residency", "-q", file.toString()},
                new String[] {"residency", "--help"}, new String[] {"residency"}, new String[] {"residency", "--bogus"},
                new String[] {"residency", "help"}, new String[] {"help", "residency"},
                new String[] {"@" + help}, new String[] {"@" + named}, new String[] {"residency", "@" + named},
                new String[] {"shm"}, new String[] {"shm", "bogus"}, new String[] {"shm", "--help"},
                new String[] {"info", "bogus"}, new String[] {"--verbose", "info", "--bogus"},
                new String[] {"gallery", "--help"}, new String[] {"lock", "--help"}, new String[] {"touch", "--help"},
                new String[] {"evict", "-h"}, new String[] {""}, new String[] {"", "residency"});
        List<String> differ = new ArrayList<>();
        for (String[] args : lines) {
            String all = run(MmanCommand.commandLine(), args);
            String selected = run(MmanCommand.commandLine(args), args);
            if (!all.equals(selected)) {
                differ.add(String.join(" ", args) + "\n" + all + "\n-- with the subcommand alone --\n" + selected);
            }
        }
        assertEquals(List.of(), differ);
    }
}
