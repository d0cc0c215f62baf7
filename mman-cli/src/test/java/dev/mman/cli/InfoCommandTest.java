package dev.mman.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.Mman;
import dev.mman.SystemInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InfoCommandTest {

    private static final List<String> DENIED = List.of("--illegal-native-access=deny");

    /** The JSON types each field may have; a field missing here fails the test, so each new one declares its own. */
    private static final Map<String, Set<String>> TYPES = Map.ofEntries(
            Map.entry("os", Set.of("string")),
            Map.entry("arch", Set.of("string")),
            Map.entry("jdk", Set.of("string")),
            Map.entry("platform", Set.of("string", "null")),
            Map.entry("pageSize", Set.of("number", "null")),
            Map.entry("allocationGranularity", Set.of("number", "null")),
            Map.entry("hugePageSizes", Set.of("array", "null")),
            Map.entry("hugePages", Set.of("array", "null")),
            Map.entry("transparentHugePages", Set.of("string", "null")),
            Map.entry("transparentHugePagesDefrag", Set.of("string", "null")),
            Map.entry("transparentHugePagesShmem", Set.of("string", "null")),
            Map.entry("capIpcLock", Set.of("boolean", "null")),
            Map.entry("memlockLimit", Set.of("number", "null")),
            Map.entry("memlockUnlimited", Set.of("boolean", "null")),
            Map.entry("nativeAccess", Set.of("boolean")),
            Map.entry("nativeCalls", Set.of("string")),
            Map.entry("nativeAccessFlag", Set.of("string")),
            Map.entry("backend", Set.of("string")));

    @TempDir
    Path crashDir;

    @Test
    void printsEveryFactAsText() {
        Cli.Result result = Cli.run("info");
        assertEquals(0, result.exitCode(), result.err());
        String out = result.out();
        assertTrue(out.contains("os                       Linux"), out);
        assertTrue(out.contains("jdk                      " + Runtime.version()), out);
        assertTrue(out.contains("page size                " + Mman.pageSize() + " bytes"), out);
        assertTrue(out.contains("allocation granularity   " + Mman.allocationGranularity() + " bytes"), out);
        assertTrue(out.contains("huge page sizes"), out);
        assertTrue(out.contains("huge pages reserved      2.0 MiB: "), out);
        assertTrue(out.contains("transparent huge pages   " + SystemInfo.transparentHugePageMode()), out);
        assertTrue(out.contains("THP defrag               " + KernelFiles.system().transparentHugePages("defrag")), out);
        assertTrue(out.contains("THP shmem_enabled        " + KernelFiles.system().transparentHugePages("shmem_enabled")),
                out);
        assertTrue(out.contains("CAP_IPC_LOCK             "), out);
        assertTrue(out.contains("RLIMIT_MEMLOCK"), out);
        assertTrue(out.contains("native access            enabled"), out);
        assertTrue(out.contains("backend (why)            native: the default"), out);
    }

    @Test
    void printsTheSameFactsAsJsonWithNumbersAsNumbers() {
        Cli.Result result = Cli.run("info", "--json");
        assertEquals(0, result.exitCode(), result.err());
        Map<?, ?> facts = (Map<?, ?>) JsonReader.read(result.out());
        assertTypes(facts);
        assertEquals(Mman.pageSize(), facts.get("pageSize"));
        assertEquals(SystemInfo.transparentHugePageMode(), facts.get("transparentHugePages"));
        assertEquals(true, facts.get("nativeAccess"));
        assertEquals("enabled", facts.get("nativeCalls"));
        assertFalse(facts.containsKey("nativeAccessFlag"), "the flag is only named when it is missing");
        assertEquals("native: the default", facts.get("backend"));
        assertEquals(SystemInfo.hugePageSizes(), facts.get("hugePageSizes"));
        long limit = SystemInfo.lockedMemoryLimit();
        assertEquals(limit == Long.MAX_VALUE ? null : limit, facts.get("memlockLimit"));
        assertEquals(limit == Long.MAX_VALUE, facts.get("memlockUnlimited"));
        for (Object pool : (List<?>) facts.get("hugePages")) {
            Map<?, ?> entry = (Map<?, ?>) pool;
            assertEquals(Set.of("size", "reserved", "free", "overcommit"), entry.keySet());
            assertTrue(entry.values().stream().allMatch(Long.class::isInstance), entry.toString());
        }
    }

    @Test
    void withoutNativeAccessItSaysWhichFlagToAddAndThatTheJdkWarned() throws Exception {
        ChildJvm.Finished result = ChildJvm.run(crashDir, List.of(), List.of(), "info");
        assertEquals(0, result.exitCode(), result.err());
        assertTrue(result.out().contains("native access            not enabled: mman works, and the JDK warned on "
                + "its first native call; add --enable-native-access=ALL-UNNAMED to the java command"), result.out());
        assertTrue(result.err().contains("WARNING: A restricted method"), "the warning the line speaks of: " + result.err());
        assertTrue(result.out().contains("page size                " + Mman.pageSize() + " bytes"), result.out());
    }

    @Test
    void deniedNativeAccessIsToldAsSuchAndTheKernelFactsStillShow() throws Exception {
        ChildJvm.Finished denied = ChildJvm.run(crashDir, List.of(), DENIED, "info");
        assertEquals(0, denied.exitCode(), denied.err());
        String out = denied.out();
        assertTrue(out.contains("native access            denied (--illegal-native-access=deny): mappings fall back "
                + "to Backend.JDK"), out);
        assertTrue(out.contains("add --enable-native-access=ALL-UNNAMED to the java command"), out);
        assertFalse(out.contains("mman works"), "under deny mman's native calls do not work: " + out);
        assertTrue(out.contains("page size                unknown: native access is denied"), out);
        assertTrue(out.contains("backend (why)            jdk: native access is denied"), out);
        // The /proc and /sys lines are the same as with native access.
        List<String> enabled = Cli.run("info").out().lines().toList();
        for (String label : List.of("huge page sizes", "huge pages reserved", "transparent huge pages", "THP defrag",
                "THP shmem_enabled", "CAP_IPC_LOCK", "RLIMIT_MEMLOCK")) {
            String line = enabled.stream().filter(l -> l.startsWith(label + " ")).findFirst().orElseThrow();
            assertTrue(out.lines().anyMatch(line::equals), "under deny, the same line: " + line + "\n" + out);
        }
        assertFalse(denied.err().contains("WARNING: A restricted method"), denied.err());
    }

    @Test
    void deniedJsonKeepsEveryFieldsTypeAndNullsWhatCannotBeKnown() throws Exception {
        Map<?, ?> enabled = (Map<?, ?>) JsonReader.read(Cli.run("info", "--json").out());
        ChildJvm.Finished run = ChildJvm.run(crashDir, List.of(), DENIED, "info", "--json");
        assertEquals(0, run.exitCode(), run.err());
        Map<?, ?> denied = (Map<?, ?>) JsonReader.read(run.out());
        assertTypes(denied);
        assertNull(denied.get("pageSize"));
        assertNull(denied.get("platform"));
        assertEquals(false, denied.get("nativeAccess"));
        assertEquals("denied", denied.get("nativeCalls"));
        assertEquals("--enable-native-access=ALL-UNNAMED", denied.get("nativeAccessFlag"));
        for (String kernelFact : List.of("hugePageSizes", "hugePages", "transparentHugePages",
                "transparentHugePagesDefrag", "transparentHugePagesShmem", "capIpcLock", "memlockLimit",
                "memlockUnlimited")) {
            assertNotNull(denied.get(kernelFact), kernelFact);
            assertEquals(enabled.get(kernelFact), denied.get(kernelFact), kernelFact);
        }
    }

    @Test
    void withoutCapIpcLockTheLimitIsSaidToApply() throws Exception {
        List<String> wrapper = List.of();
        if (ChildJvm.isRoot()) {
            assertTrue(ChildJvm.onPath("setpriv"), "setpriv (util-linux) starts root's child without CAP_IPC_LOCK");
            wrapper = List.of("setpriv", "--inh-caps=-all", "--bounding-set=-ipc_lock", "--");
        }
        ChildJvm.Finished result = ChildJvm.run(crashDir, wrapper, "info");
        assertEquals(0, result.exitCode(), result.err());
        assertTrue(result.out().contains("CAP_IPC_LOCK             no: mlock stops at RLIMIT_MEMLOCK"), result.out());
        assertTrue(result.out().lines().anyMatch(line -> line.startsWith("RLIMIT_MEMLOCK")
                && (line.endsWith("unlimited") || line.endsWith("mlock stops here (no CAP_IPC_LOCK): raise it with "
                        + "`ulimit -l`"))), result.out());
        Map<?, ?> facts = (Map<?, ?>) JsonReader.read(ChildJvm.run(crashDir, wrapper, "info", "--json").out());
        assertEquals(false, facts.get("capIpcLock"));
    }

    @Test
    void withCapIpcLockTheLimitIsSaidNotToApply() {
        KernelFiles.MemlockLimit eightMiB = new KernelFiles.MemlockLimit(8 << 20, false);
        List<InfoCommand.Fact> facts = InfoCommand.memlock(eightMiB, true, "unknown");
        assertEquals("8388608 bytes (8.0 MiB); does not apply: this process has CAP_IPC_LOCK", facts.get(0).text());
        assertEquals(8L << 20, facts.get(0).value());
        assertEquals(false, facts.get(1).value());
        assertEquals("8388608 bytes (8.0 MiB)", InfoCommand.memlock(eightMiB, null, "unknown").get(0).text(),
                "unknown capabilities: no claim either way");
        List<InfoCommand.Fact> unlimited = InfoCommand.memlock(new KernelFiles.MemlockLimit(Long.MAX_VALUE, true),
                false, "unknown");
        assertEquals("unlimited", unlimited.get(0).text());
        assertNull(unlimited.get(0).value(), "no number for unlimited: memlockUnlimited says it");
        assertEquals(true, unlimited.get(1).value());
    }

    @Test
    void hugePagesSayHowManyAreReservedAndWhatToDoWhenNoneAre() {
        InfoCommand.Fact none = InfoCommand.hugePages(List.of(new KernelFiles.HugePool(2L << 20, 0L, 0L, 0L)));
        assertEquals("2.0 MiB: 0 reserved, 0 free (MAP_HUGETLB fails until some are reserved: sysctl "
                + "vm.nr_hugepages=N)", none.text());
        InfoCommand.Fact onDemand = InfoCommand.hugePages(List.of(new KernelFiles.HugePool(2L << 20, 0L, 0L, 8L)));
        assertEquals("2.0 MiB: 0 reserved, 0 free, 8 more on demand", onDemand.text(), "overcommit: no hint");
        InfoCommand.Fact some = InfoCommand.hugePages(List.of(new KernelFiles.HugePool(2L << 20, 16L, 12L, 0L),
                new KernelFiles.HugePool(1L << 30, 0L, null, null)));
        assertEquals("2.0 MiB: 16 reserved, 12 free; 1.0 GiB: 0 reserved, ? free", some.text());
        assertEquals(List.of(Map.of("size", 2L << 20, "reserved", 16L, "free", 12L, "overcommit", 0L)),
                InfoCommand.hugePages(List.of(new KernelFiles.HugePool(2L << 20, 16L, 12L, 0L))).value());
        assertNull(InfoCommand.hugePages(null).value());
    }

    @Test
    void thePageCacheCommandsUnderDenyEndWithTheFlagToAddNotAUsageError() throws Exception {
        Path file = Files.write(crashDir.resolve("data.bin"), new byte[8192]);
        ChildJvm.Finished result = ChildJvm.run(crashDir, List.of(), DENIED, "residency", file.toString());
        assertEquals(1, result.exitCode(), result.err());
        List<String> errors = result.err().lines().filter(line -> line.startsWith("mman ")).toList();
        assertEquals(1, errors.size(), result.err());
        assertTrue(errors.get(0).startsWith("mman residency: native access is denied")
                && errors.get(0).contains("--enable-native-access=ALL-UNNAMED"), errors.get(0));
        assertEquals("", result.out());
    }

    @Test
    void theNativeCallsStateFollowsTheFlagAndTheJvmOptions() {
        assertEquals(InfoCommand.NativeCalls.ENABLED, InfoCommand.nativeCalls(true, null, List.of()));
        assertEquals(InfoCommand.NativeCalls.WARNED, InfoCommand.nativeCalls(false, null, List.of("-Xmx1g")));
        assertEquals(InfoCommand.NativeCalls.ALLOWED,
                InfoCommand.nativeCalls(false, null, List.of("--illegal-native-access=allow")));
        dev.mman.MMapException refused = new dev.mman.MMapException("native access is denied");
        assertEquals(InfoCommand.NativeCalls.DENIED, InfoCommand.nativeCalls(false, refused, DENIED));
        assertEquals(InfoCommand.NativeCalls.UNAVAILABLE, InfoCommand.nativeCalls(true, refused, List.of()));
    }

    private static void assertTypes(Map<?, ?> facts) {
        for (Map.Entry<?, ?> fact : facts.entrySet()) {
            Set<String> allowed = TYPES.get((String) fact.getKey());
            assertNotNull(allowed, "a field without a declared type: " + fact.getKey());
            assertTrue(allowed.contains(JsonReader.type(fact.getValue())),
                    fact.getKey() + " is " + JsonReader.type(fact.getValue()) + ", not one of " + allowed);
        }
        assertTrue(facts.keySet().containsAll(TYPES.keySet().stream().filter(k -> !k.equals("nativeAccessFlag")).toList()),
                "every field is always there: " + facts.keySet());
    }
}
