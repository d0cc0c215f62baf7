package dev.mman.cli;

import dev.mman.cli.gallery.GalleryCommand;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;

/** The {@code mman} command, whose subcommands do the work; {@link Main} runs it. */
@Command(name = "mman", mixinStandardHelpOptions = true, versionProvider = MmanCommand.Version.class,
        description = "Memory mapping from the command line: system facts, page-cache tools and a chart gallery.",
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
     * The subcommands, in the order help lists them, each made only when it is needed: picocli reads
     * a command's annotations when it is added, and a cold JVM reads them slowly.
     */
    private static final Map<String, Supplier<Object>> SUBCOMMANDS = subcommands();

    /** The two subcommands that need every other: help lists them, completion covers them. */
    private static final Set<String> NEED_ALL = Set.of("help", "generate-completion");

    private static Map<String, Supplier<Object>> subcommands() {
        Map<String, Supplier<Object>> all = new LinkedHashMap<>();
        all.put("gallery", GalleryCommand::new);
        all.put("info", InfoCommand::new);
        all.put("residency", ResidencyCommand::new);
        all.put("touch", TouchCommand::new);
        all.put("evict", EvictCommand::new);
        all.put("lock", LockCommand::new);
        all.put("shm", ShmCommand::new);
        all.put("help", CommandLine.HelpCommand::new);
        all.put("generate-completion", AutoComplete.GenerateCompletion::new);
        return all;
    }

    /**
     * The configured command line with every subcommand, for tests that run it in process.
     *
     * @return a new command line
     */
    public static CommandLine commandLine() {
        return withSubcommands(SUBCOMMANDS.keySet());
    }

    /**
     * The configured command line for {@code args}: only the subcommand they name, when they name
     * one that needs no other and nothing before it but one {@code --verbose}; otherwise every
     * subcommand, so that usage, errors and suggestions are whole. Any other word before the name
     * ({@code -h}, an unknown or misspelt option, {@code --}, an {@code @file}) can make picocli print
     * the top-level usage, which lists every subcommand.
     *
     * @param args the command line
     * @return a new command line
     */
    static CommandLine commandLine(String[] args) {
        int at = args.length > 0 && args[0].equals("--verbose") ? 1 : 0; // twice is an error, with the usage
        if (at < args.length && SUBCOMMANDS.containsKey(args[at]) && !NEED_ALL.contains(args[at])) {
            return withSubcommands(Set.of(args[at]));
        }
        return commandLine();
    }

    private static CommandLine withSubcommands(Set<String> names) {
        CommandLine line = new CommandLine(new MmanCommand()).setExecutionExceptionHandler(new OneLineErrors());
        SUBCOMMANDS.forEach((name, make) -> {
            if (names.contains(name)) {
                line.addSubcommand(make.get());
            }
        });
        return line;
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
            return new String[] {Main.versionLine()};
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
