package dev.mman.cli;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.IGetter;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The commands' options, declared in code with picocli's programmatic API rather than with its
 * annotations. A command starts in a fresh JVM every time, and there reading annotations is most
 * of picocli's start: the JDK makes a proxy class for each annotation type, in the interpreter.
 * Measured with the launcher's AOT cache, building and parsing {@code residency}'s model took
 * 110-145 ms from annotations and 30-50 ms from code. The standard help options are declared here
 * too, since picocli's own mixin for them is annotated.
 *
 * <p>Each option is bound to its command's field by a getter and a setter, so a command reads
 * its options as fields, as it would with annotations.
 */
public final class Declare {

    private Declare() {}

    /**
     * A command named {@code name} whose work is {@code command} (a {@code Runnable} or
     * {@code Callable}), with {@code -h}/{@code --help}, {@code -V}/{@code --version} and the
     * description's lines, as picocli's standard help options give.
     *
     * @param name the command's name
     * @param command what runs it
     * @param description the lines of its description
     * @return the command, to which the caller adds its options
     */
    public static CommandSpec command(String name, Object command, String... description) {
        CommandSpec spec = CommandSpec.wrapWithoutInspection(command).name(name);
        spec.usageMessage().description(description);
        spec.versionProvider(new MmanCommand.Version());
        spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
                .description("Show this help message and exit.").build());
        spec.addOption(OptionSpec.builder("-V", "--version").versionHelp(true)
                .description("Print version information and exit.").build());
        return spec;
    }

    /**
     * An option without a value: true when given.
     *
     * @param set receives the value
     * @param description its line in the usage help
     * @param names its names
     * @return the option
     */
    public static OptionSpec flag(Consumer<Boolean> set, String description, String... names) {
        Binding<Boolean> binding = new Binding<>(() -> false, set); // every flag starts false
        return OptionSpec.builder(names).type(boolean.class).description(description).initialValue(false)
                .getter(binding).setter(binding).build();
    }

    /**
     * An option with a value of {@code type}, held by {@code get}/{@code set}; the caller may add a
     * converter, a default or a split before {@code build()}.
     *
     * @param <V> the value's type
     * @param type the value's type
     * @param get reads the value; what it reads now is the value picocli restores before each parse
     * @param set receives the value
     * @param label the value's name in the usage help
     * @param description its line in the usage help
     * @param names its names
     * @return the option's builder
     */
    public static <V> OptionSpec.Builder option(Class<V> type, Supplier<V> get, Consumer<V> set, String label,
            String description, String... names) {
        Binding<V> binding = new Binding<>(get, set);
        return OptionSpec.builder(names).type(type).paramLabel(label).description(description)
                .initialValue(get.get()).getter(binding).setter(binding);
    }

    /** A repeatable option whose values are collected in a {@code List} of {@code element}. */
    static <V> OptionSpec.Builder listOption(Class<V> element, Supplier<List<V>> get,
            Consumer<List<V>> set, String label, String description, String... names) {
        Binding<List<V>> binding = new Binding<>(get, set);
        return OptionSpec.builder(names).type(List.class).auxiliaryTypes(element).paramLabel(label)
                .description(description).initialValue(get.get()).getter(binding).setter(binding);
    }

    /** Positional parameters collected in a {@code List} of {@code element}. */
    static <V> PositionalParamSpec positionals(Class<V> element, Supplier<List<V>> get,
            Consumer<List<V>> set, String label, String arity, String description) {
        Binding<List<V>> binding = new Binding<>(get, set);
        return PositionalParamSpec.builder().type(List.class).auxiliaryTypes(element).paramLabel(label)
                .arity(arity).description(description).initialValue(get.get()).getter(binding).setter(binding).build();
    }

    /** A command's default behaviour when it is given no subcommand: its usage, then a usage error. */
    static void needsSubcommand(CommandSpec spec, String which) {
        spec.commandLine().usage(spec.commandLine().getErr());
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is needed" + which);
    }

    /**
     * A field seen through two lambdas. picocli's {@code IGetter} and {@code ISetter} have generic
     * methods, which a lambda cannot implement, hence this class.
     */
    private static final class Binding<V> implements IGetter, ISetter {
        private final Supplier<V> get;
        private final Consumer<V> set;

        Binding(Supplier<V> get, Consumer<V> set) {
            this.get = get;
            this.set = set;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T get() {
            return (T) get.get();
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T set(T value) {
            T old = get();
            set.accept((V) value);
            return old;
        }
    }
}
