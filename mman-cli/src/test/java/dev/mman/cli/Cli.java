package dev.mman.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the mman command in this JVM and captures what it prints. */
final class Cli {

    record Result(int exitCode, String out, String err) {

        /** The stderr lines that are not progress lines. */
        long errorLines() {
            return err.lines().filter(line -> !line.isBlank()).count();
        }
    }

    private Cli() {}

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = MmanCommand.commandLine();
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        int code = command.execute(args);
        return new Result(code, out.toString(), err.toString());
    }
}
