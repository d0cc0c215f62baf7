package dev.mman.cli;

import dev.mman.SharedMemory;
import dev.mman.SharedMemoryInfo;
import java.io.PrintWriter;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code mman shm}: POSIX shared memory as an operator sees it, the {@code ipcs}/{@code ipcrm}
 * that POSIX shared memory never had. Built on {@link SharedMemory#list()} and
 * {@link SharedMemory#removeUnused}, so it sees what they see (Linux only).
 */
final class ShmCommand implements Runnable {

    private CommandSpec spec;

    /** This command and its three subcommands, for {@link MmanCommand}. */
    static CommandSpec declare() {
        ShmCommand shm = new ShmCommand();
        shm.spec = Declare.command("shm", shm, "List and remove named POSIX shared-memory objects (/dev/shm on Linux).");
        shm.spec.addSubcommand("list", new ListObjects().declare());
        shm.spec.addSubcommand("clean", new Clean().declare());
        shm.spec.addSubcommand("rm", new Remove().declare());
        return shm.spec;
    }

    @Override
    public void run() {
        Declare.needsSubcommand(spec, ": list, clean or rm");
    }

    /** Options that choose objects by name. */
    static final class NameFilter {
        private String glob;

        /** Adds {@code --match} to {@code spec}. */
        void declareOn(CommandSpec spec) {
            spec.addOption(Declare.option(String.class, () -> glob, value -> glob = value, "GLOB",
                    "Only objects whose name (without the leading slash) matches GLOB, such as 'myapp-*'.", "--match")
                    .build());
        }

        boolean accepts(SharedMemoryInfo info) {
            if (glob == null) {
                return true;
            }
            PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
            return matcher.matches(Path.of(info.name().substring(1)));
        }
    }

    /** {@code mman shm list}. */
    static final class ListObjects implements Callable<Integer> {
        private final NameFilter filter = new NameFilter();
        private boolean json;
        private CommandSpec spec;

        CommandSpec declare() {
            spec = Declare.command("list", this,
                    "Show each object: name, size, mode, owner, age and the processes that map or hold it.");
            filter.declareOn(spec);
            spec.addOption(Declare.flag(value -> json = value, "One JSON object with a record per object.", "--json"));
            return spec;
        }

        @Override
        public Integer call() {
            List<SharedMemoryInfo> objects = SharedMemory.list().stream().filter(filter::accepts).toList();
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                List<Object> records = new ArrayList<>();
                for (SharedMemoryInfo info : objects) {
                    java.util.Map<String, Object> record = new java.util.LinkedHashMap<>();
                    record.put("name", info.name());
                    record.put("size", info.size());
                    record.put("mode", String.format(Locale.ROOT, "%04o", info.mode()));
                    record.put("owner", info.owner());
                    record.put("ageSeconds", info.age().toSeconds());
                    record.put("processes", info.processes());
                    record.put("uninspected", info.uninspected());
                    record.put("unused", info.unused());
                    records.add(record);
                }
                out.println(Json.write(java.util.Map.of("objects", records)));
            } else {
                out.print(table(objects));
                out.println(objects.size() + (objects.size() == 1 ? " object, " : " objects, ")
                        + Sizes.human(objects.stream().mapToLong(SharedMemoryInfo::size).sum()) + ", "
                        + objects.stream().filter(SharedMemoryInfo::unused).count() + " used by no process");
            }
            out.flush();
            return 0;
        }
    }

    /** {@code mman shm clean}. */
    static final class Clean implements Callable<Integer> {
        private final NameFilter filter = new NameFilter();
        private Duration olderThan;
        private boolean dryRun;
        private CommandSpec spec;

        CommandSpec declare() {
            spec = Declare.command("clean", this, "Remove the names of objects that no process maps or holds (see "
                    + "the library's SharedMemory.removeUnused).",
                    "An object that a process this user cannot inspect might use is kept.");
            filter.declareOn(spec);
            spec.addOption(Declare.option(Duration.class, () -> olderThan, value -> olderThan = value, "AGE",
                    "Only objects at least this old (last sized): 30s, 10m, 2h, 1d.", "--older-than")
                    .converters(new Ages()).defaultValue("0s").build());
            spec.addOption(Declare.flag(value -> dryRun = value, "Only show what would be removed.", "-n", "--dry-run"));
            return spec;
        }

        @Override
        public Integer call() {
            List<SharedMemoryInfo> gone = SharedMemory.removeUnused(olderThan, filter::accepts, dryRun);
            PrintWriter out = spec.commandLine().getOut();
            for (SharedMemoryInfo info : gone) {
                out.println((dryRun ? "would remove " : "removed ") + info.name() + " (" + Sizes.human(info.size())
                        + ", owner " + info.owner() + ", " + Ages.human(info.age()) + " old)");
            }
            for (SharedMemoryInfo info : SharedMemory.list()) {
                if (info.processes().isEmpty() && !info.uninspected().isEmpty() && filter.accepts(info)
                        && info.age().compareTo(olderThan) >= 0) {
                    out.println("kept " + info.name() + ": no process seen using it, but processes "
                            + info.uninspected() + " could not be inspected (another user's, or not dumpable); "
                            + "if they do not use it, remove it with `mman shm rm " + info.name() + "`");
                }
            }
            out.println((dryRun ? "would remove " : "removed ") + gone.size()
                    + (gone.size() == 1 ? " object, " : " objects, ")
                    + Sizes.human(gone.stream().mapToLong(SharedMemoryInfo::size).sum()));
            out.flush();
            return 0;
        }
    }

    /** {@code mman shm rm NAME}. */
    static final class Remove implements Callable<Integer> {
        private List<String> names;
        private CommandSpec spec;

        CommandSpec declare() {
            spec = Declare.command("rm", this, "Remove one object's name; processes that map it keep their memory.");
            spec.addPositional(Declare.positionals(String.class, () -> names, value -> names = value, "NAME", "1..*",
                    "Names, with or without the leading slash."));
            return spec;
        }

        @Override
        public Integer call() {
            int failed = 0;
            List<String> missing = new ArrayList<>();
            for (String name : names) {
                String canonical = name.startsWith("/") ? name : "/" + name;
                if (SharedMemory.unlink(canonical)) {
                    spec.commandLine().getOut().println("removed " + canonical);
                } else {
                    missing.add(canonical);
                    failed++;
                }
            }
            if (!missing.isEmpty()) {
                spec.commandLine().getErr().println("mman shm rm: no such object: "
                        + missing.stream().collect(Collectors.joining(", ")));
            }
            spec.commandLine().getOut().flush();
            spec.commandLine().getErr().flush();
            return failed == 0 ? 0 : MmanCommand.FAILURE;
        }
    }

    /** Reads and writes ages such as {@code 90s}, {@code 10m}, {@code 2h}, {@code 1d}. */
    static final class Ages implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String text) {
            String t = text.strip().toLowerCase(Locale.ROOT);
            try {
                if (t.isEmpty()) {
                    throw new NumberFormatException();
                }
                char unit = t.charAt(t.length() - 1);
                long seconds = Character.isDigit(unit) ? 1 : switch (unit) {
                    case 's' -> 1;
                    case 'm' -> 60;
                    case 'h' -> 3600;
                    case 'd' -> 86400;
                    default -> throw new NumberFormatException();
                };
                String number = Character.isDigit(unit) ? t : t.substring(0, t.length() - 1);
                long value = Long.parseLong(number);
                if (value < 0) {
                    throw new NumberFormatException();
                }
                return Duration.ofSeconds(Math.multiplyExact(value, seconds));
            } catch (NumberFormatException | ArithmeticException e) {
                throw new CommandLine.TypeConversionException("'" + text + "' is not an age; write for example 30s, "
                        + "10m, 2h or 1d");
            }
        }

        static String human(Duration age) {
            long s = age.toSeconds();
            return s < 120 ? s + " s" : s < 7200 ? s / 60 + " min" : s < 172800 ? s / 3600 + " h" : s / 86400 + " d";
        }
    }

    private static String table(List<SharedMemoryInfo> objects) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"NAME", "SIZE", "MODE", "OWNER", "AGE", "PROCESSES"});
        for (SharedMemoryInfo info : objects) {
            String users = info.processes().stream().map(String::valueOf).collect(Collectors.joining(","));
            if (!info.uninspected().isEmpty()) {
                users += (users.isEmpty() ? "" : " ") + "(" + info.uninspected().size() + " not inspectable)";
            }
            rows.add(new String[] {info.name(), Sizes.human(info.size()), String.format(Locale.ROOT, "%04o",
                    info.mode()), info.owner(), Ages.human(info.age()), users.isEmpty() ? "-" : users});
        }
        int[] widths = new int[6];
        rows.forEach(row -> {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        });
        StringBuilder text = new StringBuilder();
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                text.append(i == row.length - 1 ? row[i] : String.format(Locale.ROOT, "%-" + widths[i] + "s  ", row[i]));
            }
            text.append(System.lineSeparator());
        }
        return text.toString();
    }
}
