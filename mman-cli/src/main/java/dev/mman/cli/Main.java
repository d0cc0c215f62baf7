package dev.mman.cli;

import dev.mman.Mman;

/**
 * The entry point of the runnable jar. It is apart from {@link MmanCommand} so that the quickest
 * answers load no picocli class, and it leaves through {@code System.exit} only for a failure:
 * since JDK 21 an exit first sets up the platform logger (to log the exit), which costs a command
 * about 15 ms of a 60 ms start.
 */
public final class Main {

    private Main() {}

    /**
     * Runs the command line; the exit code is 0 when it succeeds, and otherwise the one {@link MmanCommand} lists.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            // What scripts call to probe for the tool: it needs no parsing, and picocli's model costs
            // more than the JVM's own start.
            System.out.println(versionLine());
            return;
        }
        int code = MmanCommand.commandLine(args).execute(args);
        if (code != 0) {
            System.exit(code);
        }
        // Every thread mman starts is a daemon, so the JVM ends here with exit code 0.
    }

    /** The one line {@code --version} prints; {@code concat}, since a first string concatenation costs a bootstrap. */
    static String versionLine() {
        return "mman ".concat(Mman.VERSION);
    }
}
