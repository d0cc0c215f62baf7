package dev.mman.cli;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What Linux says about memory in {@code /proc} and {@code /sys}, read as plain files: no native
 * call, so {@code mman info} shows it even when the JVM denies native access. Every reader
 * returns null when the file is missing or says something it does not understand (another OS,
 * another kernel), so that unknown stays distinct from "no" or zero.
 */
final class KernelFiles {

    /** {@code CAP_IPC_LOCK}'s bit in the capability sets of {@code /proc/<pid>/status}. */
    static final int CAP_IPC_LOCK = 14;

    private static final Pattern CAP_EFF = Pattern.compile("(?m)^CapEff:\\s*([0-9a-fA-F]{1,16})\\s*$");
    private static final Pattern MAX_LOCKED = Pattern.compile("(?m)^Max locked memory\\s+(\\S+)\\s+\\S+\\s+bytes\\s*$");
    private static final Pattern POOL = Pattern.compile("hugepages-(\\d+)kB");

    /**
     * A size of explicit huge pages: how many the kernel holds ({@code nr_hugepages}), how many of
     * those are free, and how many more it may allocate on demand ({@code nr_overcommit_hugepages});
     * a count is null when its file cannot be read.
     */
    record HugePool(long size, Long reserved, Long free, Long overcommit) {}

    /** The soft {@code RLIMIT_MEMLOCK}: bytes, or unlimited. */
    record MemlockLimit(long bytes, boolean unlimited) {}

    private final Path proc;
    private final Path sys;

    /**
     * Reads below two roots, which are {@code /proc} and {@code /sys} but for tests.
     *
     * @param proc where {@code self/status} and {@code self/limits} are
     * @param sys where {@code kernel/mm} is
     */
    KernelFiles(Path proc, Path sys) {
        this.proc = proc;
        this.sys = sys;
    }

    /** The running system's files. */
    static KernelFiles system() {
        return new KernelFiles(Path.of("/proc"), Path.of("/sys"));
    }

    /** Whether this process holds {@code CAP_IPC_LOCK} in its effective set, or null when unknown. */
    Boolean capIpcLock() {
        Matcher capEff = CAP_EFF.matcher(read(proc.resolve("self/status")));
        if (!capEff.find()) {
            return null;
        }
        return (Long.parseUnsignedLong(capEff.group(1), 16) >>> CAP_IPC_LOCK & 1) == 1;
    }

    /** This process's soft {@code RLIMIT_MEMLOCK} from {@code /proc/self/limits}, or null when unknown. */
    MemlockLimit memlockLimit() {
        Matcher limit = MAX_LOCKED.matcher(read(proc.resolve("self/limits")));
        if (!limit.find()) {
            return null;
        }
        if (limit.group(1).equals("unlimited")) {
            return new MemlockLimit(Long.MAX_VALUE, true);
        }
        Long bytes = number(limit.group(1));
        return bytes == null ? null : new MemlockLimit(bytes, false);
    }

    /**
     * The explicit huge page sizes, smallest first, with the pages reserved, free and allowed
     * beyond the reservation in each; null when the kernel has no {@code /sys/kernel/mm/hugepages}.
     */
    List<HugePool> hugePools() {
        Path pools = sys.resolve("kernel/mm/hugepages");
        if (!Files.isDirectory(pools)) {
            return null;
        }
        List<HugePool> found = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(pools)) {
            for (Path pool : entries) {
                Matcher name = POOL.matcher(pool.getFileName().toString());
                if (name.matches()) {
                    found.add(new HugePool(Long.parseLong(name.group(1)) * 1024, count(pool, "nr_hugepages"),
                            count(pool, "free_hugepages"), count(pool, "nr_overcommit_hugepages")));
                }
            }
        } catch (IOException | NumberFormatException unreadable) {
            return null;
        }
        found.sort(Comparator.comparingLong(HugePool::size));
        return List.copyOf(found);
    }

    /**
     * The selected word of a transparent huge page setting, such as {@code enabled},
     * {@code defrag} or {@code shmem_enabled} (the one in brackets in {@code always [madvise] never}).
     *
     * @return the word; {@code unsupported} when the kernel has no transparent huge pages; null when
     *     this is not Linux or the file is missing or unreadable
     */
    String transparentHugePages(String setting) {
        Path thp = sys.resolve("kernel/mm/transparent_hugepage");
        if (!Files.isDirectory(thp)) {
            return Files.isDirectory(sys.resolve("kernel/mm")) ? "unsupported" : null;
        }
        Matcher selected = Pattern.compile("\\[([^\\]]+)]").matcher(read(thp.resolve(setting)));
        return selected.find() ? selected.group(1) : null;
    }

    /**
     * A line of {@code /proc/meminfo} in bytes, such as {@code MemTotal} or {@code MemAvailable},
     * or null when unknown.
     */
    Long memInfo(String key) {
        Matcher line = Pattern.compile("(?m)^" + Pattern.quote(key) + ":\\s+(\\d+) kB$")
                .matcher(read(proc.resolve("meminfo")));
        return line.find() ? Long.parseLong(line.group(1)) * 1024 : null;
    }

    private static Long count(Path pool, String file) {
        return number(read(pool.resolve(file)));
    }

    /** The file's text, or "" when it cannot be read. */
    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException | SecurityException unreadable) {
            return "";
        }
    }

    private static Long number(String text) {
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException notANumber) {
            return null;
        }
    }
}
