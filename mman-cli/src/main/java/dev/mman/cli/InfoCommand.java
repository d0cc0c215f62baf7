package dev.mman.cli;

import dev.mman.Backend;
import dev.mman.MMapException;
import dev.mman.SystemInfo;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code mman info}: what this machine and JVM offer for memory mapping.
 *
 * <p>The Linux facts of {@code /proc} and {@code /sys} (capabilities, limits, huge pages,
 * transparent huge pages) are read as plain files, so they show even when native access is
 * denied; the rest comes from {@link SystemInfo}, and is unknown when mman cannot make native
 * calls. In {@code --json} each field has one type: a number stays a number, and unknown is
 * {@code null}.
 */
final class InfoCommand implements Runnable {

    boolean json;

    CommandSpec spec;

    /** This command's declaration, for {@link MmanCommand}. */
    CommandSpec declare() {
        spec = Declare.command("info", this, "Print OS, JDK, page sizes, huge pages, CAP_IPC_LOCK, RLIMIT_MEMLOCK "
                + "and whether native access is enabled.");
        spec.addOption(Declare.flag(value -> json = value,
                "Print the same facts as one JSON object (unknown values are null).", "--json"));
        return spec;
    }

    /**
     * One fact: its JSON name and value, and its line for people.
     *
     * @param key the JSON field
     * @param label the text line's label, or null when the fact is told on another fact's line
     * @param value the JSON value: a string, number, boolean, list, map, or null when unknown
     * @param text what the text line says
     */
    record Fact(String key, String label, Object value, String text) {}

    /** How the JVM treats mman's native calls. */
    enum NativeCalls {
        /** Native access is enabled for mman: no warning, every backend. */
        ENABLED,
        /** Not enabled; the JDK allows the calls and warns once on the first. */
        WARNED,
        /** Not enabled; {@code --illegal-native-access=allow} lets the calls through without a warning. */
        ALLOWED,
        /** Not enabled, and {@code --illegal-native-access=deny} refuses every native call. */
        DENIED,
        /** Native calls cannot be made on this platform at all. */
        UNAVAILABLE
    }

    @Override
    public void run() {
        List<Fact> facts = facts(KernelFiles.system());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> object = new LinkedHashMap<>();
            facts.forEach(fact -> object.put(fact.key(), fact.value()));
            out.println(Json.write(object));
        } else {
            facts.stream().filter(fact -> fact.label() != null)
                    .forEach(fact -> out.printf("%-24s %s%n", fact.label(), fact.text()));
        }
        out.flush();
    }

    static List<Fact> facts(KernelFiles kernel) {
        // Asked first: the JDK counts native access as enabled once it has warned about a first call.
        boolean enabled = SystemInfo.nativeAccessEnabled();
        MMapException refused = failure(SystemInfo::pageSize);
        NativeCalls calls = nativeCalls(enabled, refused, jvmArguments());
        String unknown = switch (calls) {
            case DENIED -> "unknown: native access is denied";
            case UNAVAILABLE -> "unavailable: " + refused.getMessage();
            default -> "unknown";
        };

        List<Fact> facts = new ArrayList<>();
        facts.add(plain("os", "os", System.getProperty("os.name") + " " + System.getProperty("os.version")));
        facts.add(plain("arch", "arch", System.getProperty("os.arch")));
        facts.add(plain("jdk", "jdk", Runtime.version() + " (" + System.getProperty("java.vendor") + ", "
                + System.getProperty("java.home") + ")"));
        facts.add(known("platform", "platform", ask(SystemInfo::platform), unknown));
        facts.add(bytes("pageSize", "page size", ask(SystemInfo::pageSize), unknown));
        facts.add(bytes("allocationGranularity", "allocation granularity", ask(SystemInfo::allocationGranularity),
                unknown));

        List<KernelFiles.HugePool> pools = kernel.hugePools();
        List<Long> sizes = pools != null ? pools.stream().map(KernelFiles.HugePool::size).toList()
                : ask(SystemInfo::hugePageSizes);
        facts.add(new Fact("hugePageSizes", "huge page sizes", sizes, sizes == null ? unknown
                : sizes.isEmpty() ? "none" : sizes.stream().map(Sizes::human).collect(Collectors.joining(", "))));
        facts.add(hugePages(pools));

        String thpEnabled = kernel.transparentHugePages("enabled");
        if (thpEnabled == null) {
            thpEnabled = ask(SystemInfo::transparentHugePageMode);
        }
        facts.add(plain("transparentHugePages", "transparent huge pages", thpEnabled));
        facts.add(plain("transparentHugePagesDefrag", "THP defrag", kernel.transparentHugePages("defrag")));
        facts.add(plain("transparentHugePagesShmem", "THP shmem_enabled", kernel.transparentHugePages("shmem_enabled")));

        Boolean capIpcLock = kernel.capIpcLock();
        facts.add(new Fact("capIpcLock", "CAP_IPC_LOCK", capIpcLock, capIpcLock == null ? "unknown"
                : capIpcLock ? "yes: mlock is not limited by RLIMIT_MEMLOCK"
                : "no: mlock stops at RLIMIT_MEMLOCK"));
        facts.addAll(memlock(kernel.memlockLimit(), capIpcLock, unknown));

        facts.add(new Fact("nativeAccess", "native access", enabled, describe(calls)));
        facts.add(new Fact("nativeCalls", null, calls.name().toLowerCase(Locale.ROOT), null));
        if (!enabled) {
            facts.add(plain("nativeAccessFlag", "native access flag", SystemInfo.nativeAccessFlag()));
        }
        facts.add(plain("backend", "backend (why)", Backend.selectionReason()));
        return facts;
    }

    /** What the native access line says, which is what is true for this run. */
    static String describe(NativeCalls calls) {
        String add = "add " + SystemInfo.nativeAccessFlag() + " to the java command";
        return switch (calls) {
            case ENABLED -> "enabled";
            case WARNED -> "not enabled: mman works, and the JDK warned on its first native call; " + add;
            case ALLOWED -> "not enabled, but --illegal-native-access=allow lets mman's calls through without a "
                    + "warning; " + add;
            case DENIED -> "denied (--illegal-native-access=deny): mappings fall back to Backend.JDK, and mprotect, "
                    + "mlock, madvise, residency, SharedMemory and the page-cache commands fail; " + add;
            case UNAVAILABLE -> "enabled, but this platform has no native calls for mman";
        };
    }

    static NativeCalls nativeCalls(boolean enabled, MMapException refused, List<String> jvmArguments) {
        if (refused != null) {
            return enabled ? NativeCalls.UNAVAILABLE : NativeCalls.DENIED;
        }
        if (enabled) {
            return NativeCalls.ENABLED;
        }
        return jvmArguments.contains("--illegal-native-access=allow") ? NativeCalls.ALLOWED : NativeCalls.WARNED;
    }

    /** The RLIMIT_MEMLOCK line, which also says whether the limit binds this process. */
    static List<Fact> memlock(KernelFiles.MemlockLimit fromProc, Boolean capIpcLock, String unknown) {
        KernelFiles.MemlockLimit limit = fromProc;
        if (limit == null) {
            Long asked = ask(SystemInfo::lockedMemoryLimit);
            limit = asked == null ? null : new KernelFiles.MemlockLimit(asked, asked == Long.MAX_VALUE);
        }
        String text;
        if (limit == null) {
            text = unknown;
        } else {
            text = limit.unlimited() ? "unlimited" : limit.bytes() + " bytes (" + Sizes.human(limit.bytes()) + ")";
            if (Boolean.TRUE.equals(capIpcLock) && !limit.unlimited()) {
                text += "; does not apply: this process has CAP_IPC_LOCK";
            } else if (Boolean.FALSE.equals(capIpcLock) && !limit.unlimited()) {
                text += "; mlock stops here (no CAP_IPC_LOCK): raise it with `ulimit -l`";
            }
        }
        return List.of(
                new Fact("memlockLimit", "RLIMIT_MEMLOCK", limit == null || limit.unlimited() ? null : limit.bytes(),
                        text),
                new Fact("memlockUnlimited", null, limit == null ? null : limit.unlimited(), null));
    }

    /** The reserved and free huge pages of each size; JSON: a list of {size, reserved, free, overcommit}. */
    static Fact hugePages(List<KernelFiles.HugePool> pools) {
        if (pools == null) {
            return new Fact("hugePages", "huge pages reserved", null, "unknown (no /sys/kernel/mm/hugepages)");
        }
        List<Map<String, Object>> value = new ArrayList<>();
        List<String> text = new ArrayList<>();
        for (KernelFiles.HugePool pool : pools) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("size", pool.size());
            entry.put("reserved", pool.reserved());
            entry.put("free", pool.free());
            entry.put("overcommit", pool.overcommit());
            value.add(entry);
            text.add(Sizes.human(pool.size()) + ": " + count(pool.reserved()) + " reserved, " + count(pool.free())
                    + " free" + (pool.overcommit() != null && pool.overcommit() > 0
                            ? ", " + pool.overcommit() + " more on demand" : ""));
        }
        boolean none = pools.stream().allMatch(pool -> Long.valueOf(0).equals(pool.reserved())
                && Long.valueOf(0).equals(pool.overcommit()));
        String line = pools.isEmpty() ? "none" : String.join("; ", text)
                + (none ? " (MAP_HUGETLB fails until some are reserved: sysctl vm.nr_hugepages=N)" : "");
        return new Fact("hugePages", "huge pages reserved", value, line);
    }

    private static String count(Long pages) {
        return pages == null ? "?" : pages.toString();
    }

    private static Fact plain(String key, String label, String value) {
        return known(key, label, value, "unknown");
    }

    private static Fact known(String key, String label, String value, String unknown) {
        return new Fact(key, label, value, value == null ? unknown : value);
    }

    private static Fact bytes(String key, String label, Long value, String unknown) {
        return new Fact(key, label, value, value == null ? unknown : value + " bytes (" + Sizes.human(value) + ")");
    }

    /** A value, or null when mman cannot tell, so that info still reports everything else. */
    private static <T> T ask(Supplier<T> fact) {
        try {
            return fact.get();
        } catch (MMapException e) {
            return null;
        }
    }

    private static MMapException failure(Supplier<?> call) {
        try {
            call.get();
            return null;
        } catch (MMapException e) {
            return e;
        }
    }

    private static List<String> jvmArguments() {
        return ProcessHandle.current().info().arguments().map(Arrays::asList).orElse(List.of());
    }
}
