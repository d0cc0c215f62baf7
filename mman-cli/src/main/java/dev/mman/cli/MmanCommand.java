package dev.mman.cli;

import dev.mman.cli.gallery.GalleryCommand;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;

/** The {@code mman} command, whose subcommands do the work; {@link Main} runs it. */
public final class MmanCommand implements Runnable {

    /** Exit code of a failure at run time. */
    static final int FAILURE = 1;

    private CommandSpec spec;

    /** The top-level command, with the option every subcommand inherits ({@link OneLineErrors} reads it). */
    private CommandSpec declare() {
        spec = Declare.command("mman", this,
                "Memory mapping from the command line: system facts, page-cache tools and a chart gallery.");
        spec.addOption(OptionSpec.builder("--verbose").type(boolean.class).scopeType(ScopeType.INHERIT)
                .description("On an error, print the stack trace too.").build());
        Map<String, String> codes = new LinkedHashMap<>();
        codes.put("0", "success");
        codes.put("1", "runtime failure, or some file of a batch failed (missing file, no permission, limit reached...)");
        codes.put("2", "usage error (unknown option, missing argument)");
        spec.usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(codes);
        return spec;
    }

    /**
     * The subcommands, in the order help lists them, each declared only when it is needed: even
     * in code, a model costs a cold JVM a few milliseconds per command.
     */
    private static final Map<String, Supplier<Object>> SUBCOMMANDS = subcommands();

    /** The two subcommands that need every other: help lists them, completion covers them. */
    private static final Set<String> NEED_ALL = Set.of("help", "generate-completion");

    private static Map<String, Supplier<Object>> subcommands() {
        Map<String, Supplier<Object>> all = new LinkedHashMap<>();
        all.put("gallery", () -> new GalleryCommand().declare());
        all.put("info", () -> new InfoCommand().declare());
        all.put("residency", () -> new ResidencyCommand().declare());
        all.put("touch", () -> new TouchCommand().declare());
        all.put("evict", () -> new EvictCommand().declare());
        all.put("lock", () -> new LockCommand().declare());
        all.put("shm", ShmCommand::declare);
        all.put("help", CommandLine.HelpCommand::new); // picocli's, annotated
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
        CommandLine line = new CommandLine(new MmanCommand().declare()).setExecutionExceptionHandler(new OneLineErrors());
        SUBCOMMANDS.forEach((name, make) -> {
            if (names.contains(name)) {
                line.addSubcommand(make.get());
            }
        });
        return line;
    }

    @Override
    public void run() {
        Declare.needsSubcommand(spec, "");
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
