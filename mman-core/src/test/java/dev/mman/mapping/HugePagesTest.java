package dev.mman.mapping;

import static dev.mman.Mman.MAP_HUGETLB;
import static dev.mman.Mman.MAP_PRIVATE;
import static dev.mman.Mman.PROT_READ;
import static dev.mman.Mman.PROT_WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.Advice;
import dev.mman.MMapAllocationException;
import dev.mman.MemoryMap;
import dev.mman.testing.NativeOnly;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class HugePagesTest {

    private static final long HUGE = 2L << 20;

    @Test
    @NativeOnly("MAP_HUGETLB")
    void mapHugetlbWorksWhereReservedAndOtherwiseNamesTheSysctl() throws IOException {
        long free = meminfo("HugePages_Free:");
        if (free > 0) {
            try (MemoryMap m = MemoryMap.createAnonymous(HUGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_HUGETLB)) {
                m.fill((byte) 1);
                assertEquals(1, m.read(1, HUGE - 1)[0]);
            }
        } else {
            MMapAllocationException e = assertThrows(MMapAllocationException.class,
                    () -> MemoryMap.createAnonymous(HUGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_HUGETLB));
            assertTrue(e.getMessage().contains("vm.nr_hugepages"), e.getMessage());
            assertTrue(e.getMessage().contains("MAP_HUGETLB"), e.getMessage());
        }
    }

    @Test
    @NativeOnly("madvise")
    void transparentHugePagesBackAnAdvisedRange() throws IOException {
        String mode = Files.readString(Path.of("/sys/kernel/mm/transparent_hugepage/enabled"));
        assertTrue(mode.contains("[madvise]") || mode.contains("[always]"),
                "this test needs THP in madvise or always mode, found: " + mode);
        try (MemoryMap m = MemoryMap.createAnonymous(8 * HUGE, PROT_READ | PROT_WRITE, MAP_PRIVATE)) {
            m.madvise(Advice.HUGEPAGE);
            m.fill((byte) 3);
            long hugeKb = anonHugePagesKb(m.address());
            System.out.println("AnonHugePages for the 16 MiB advised range: " + hugeKb + " kB");
            assertTrue(hugeKb >= 2048, "no transparent huge page backs the advised range");
            m.madvise(Advice.NOHUGEPAGE);
        }
    }

    /** AnonHugePages of the /proc/self/smaps entry that contains {@code address}. */
    private static long anonHugePagesKb(long address) throws IOException {
        List<String> smaps = Files.readAllLines(Path.of("/proc/self/smaps"));
        boolean inside = false;
        for (String line : smaps) {
            // Entry headers start with "start-end" in lower-case hex; field lines with a capitalised name.
            String first = line.substring(0, Math.max(0, line.indexOf(' ')));
            if (first.matches("[0-9a-f]+-[0-9a-f]+")) {
                String[] range = first.split("-");
                long start = Long.parseUnsignedLong(range[0], 16);
                long end = Long.parseUnsignedLong(range[1], 16);
                inside = Long.compareUnsigned(start, address) <= 0 && Long.compareUnsigned(address, end) < 0;
                continue;
            }
            if (inside && line.startsWith("AnonHugePages:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no smaps entry contains 0x" + Long.toHexString(address));
    }

    private static long meminfo(String key) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith(key)) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return 0;
    }
}
