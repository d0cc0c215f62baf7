package dev.mman.cli;

import dev.mman.Backend;
import dev.mman.MMapException;
import dev.mman.SystemInfo;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mman info}: what this machine and JVM offer for memory mapping. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Print OS, JDK, page sizes, huge pages, RLIMIT_MEMLOCK and whether native access is enabled.")
final class InfoCommand implements Runnable {

    @Option(names = "--json", description = "Print the same facts as one JSON object.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        Map<String, Object> facts = facts();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.write(facts));
        } else {
            facts.forEach((name, value) -> out.printf("%-24s %s%n", label(name), describe(name, value)));
        }
        out.flush();
    }

    static Map<String, Object> facts() {
        // Asked first: the JDK counts native access as enabled once it has warned about a first call.
        boolean enabled = SystemInfo.nativeAccessEnabled();
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        facts.put("arch", System.getProperty("os.arch"));
        facts.put("jdk", Runtime.version().toString() + " (" + System.getProperty("java.vendor") + ", "
                + System.getProperty("java.home") + ")");
        facts.put("platform", ask(SystemInfo::platform));
        facts.put("pageSize", ask(SystemInfo::pageSize));
        facts.put("allocationGranularity", ask(SystemInfo::allocationGranularity));
        facts.put("hugePageSizes", ask(SystemInfo::hugePageSizes));
        facts.put("transparentHugePages", ask(SystemInfo::transparentHugePageMode));
        facts.put("memlockLimit", ask(() -> {
            long limit = SystemInfo.lockedMemoryLimit();
            return limit == Long.MAX_VALUE ? "unlimited" : limit;
        }));
        facts.put("nativeAccess", enabled);
        if (!enabled) {
            facts.put("nativeAccessFlag", SystemInfo.nativeAccessFlag());
        }
        facts.put("backend", ask(Backend::selectionReason));
        return facts;
    }

    /** A value, or the reason it cannot be had, so that info still reports everything else. */
    private static Object ask(Supplier<Object> fact) {
        try {
            return fact.get();
        } catch (MMapException e) {
            return "unavailable: " + e.getMessage();
        }
    }

    private static String label(String name) {
        return switch (name) {
            case "pageSize" -> "page size";
            case "allocationGranularity" -> "allocation granularity";
            case "hugePageSizes" -> "huge page sizes";
            case "transparentHugePages" -> "transparent huge pages";
            case "memlockLimit" -> "RLIMIT_MEMLOCK";
            case "nativeAccess" -> "native access";
            case "nativeAccessFlag" -> "native access flag";
            case "backend" -> "backend (why)";
            default -> name;
        };
    }

    private static String describe(String name, Object value) {
        return switch (name) {
            case "pageSize", "allocationGranularity", "memlockLimit" ->
                    value instanceof Long bytes ? bytes + " bytes (" + Sizes.human(bytes) + ")" : value.toString();
            case "hugePageSizes" -> value instanceof List<?> sizes
                    ? (sizes.isEmpty() ? "none" : String.join(", ", sizes.stream()
                            .map(size -> Sizes.human((Long) size)).toList()))
                    : value.toString();
            case "nativeAccess" -> Boolean.TRUE.equals(value) ? "enabled"
                    : "not enabled (mman works but the JDK warns): add " + SystemInfo.nativeAccessFlag()
                            + " to the java command";
            default -> value.toString();
        };
    }
}
