package dev.mman.cli;

import dev.mman.Mman;
import dev.mman.cli.gallery.GalleryCommand;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;

/** The {@code mman} command: the entry point of the runnable jar. */
@Command(name = "mman", mixinStandardHelpOptions = true, versionProvider = MmanCommand.Version.class,
        description = "Memory mapping from the command line: system facts, page-cache tools and a chart gallery.",
        subcommands = {GalleryCommand.class, InfoCommand.class, ResidencyCommand.class, TouchCommand.class,
            EvictCommand.class, LockCommand.class, ShmCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:runtime failure, or some file of a batch failed (missing file, no permission, limit reached...)",
            "2:usage error (unknown option, missing argument)"})
public final class MmanCommand implements Runnable {

    /** Exit code of a failure at run time. */
    static final int FAILURE = 1;

    @CommandLine.Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "On an error, print the stack trace too.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * Runs the command and exits with its code.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            // The one answer that needs no parsing: picocli's model of every command costs more than
            // the JVM's own start, and --version is what scripts call to probe for the tool.
            System.out.println(new Version().getVersion()[0]);
            System.exit(0);
        }
        System.exit(commandLine().execute(args));
    }

    /**
     * The configured command line, for {@link #main} and for tests that run it in process.
     *
     * @return a new command line
     */
    public static CommandLine commandLine() {
        return new CommandLine(new MmanCommand()).setExecutionExceptionHandler(new OneLineErrors());
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is needed");
    }

    /** Supplies {@code --version} from the library's own version. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"mman " + Mman.VERSION};
        }
    }

    /**
     * Turns a failure into one line on stderr: users need what went wrong and what to do, not a
     * stack trace, unless they ask for it with {@code --verbose}.
     */
    static final class OneLineErrors implements IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception failure, CommandLine command, ParseResult parsed) {
            PrintWriter err = command.getErr();
            String name = command.getCommandSpec().qualifiedName();
            String message = failure.getMessage() == null ? failure.toString() : failure.getMessage();
            if (!(failure instanceof UserError) && !(failure instanceof dev.mman.MMapException)) {
                message = failure.getClass().getSimpleName() + ": " + message;
            }
            err.println(name + ": " + message.replace('\n', ' '));
            if (parsed.originalArgs().contains("--verbose")) {
                failure.printStackTrace(err);
            }
            err.flush();
            return FAILURE;
        }
    }
}
