package dev.mman;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class SystemInfoTest {

    @Test
    void pageSizesAgreeWithMman() {
        assertEquals(Mman.pageSize(), SystemInfo.pageSize());
        assertEquals(Mman.allocationGranularity(), SystemInfo.allocationGranularity());
        assertTrue(SystemInfo.platform().startsWith("Linux "));
    }

    @Test
    void lockedMemoryLimitMatchesTheKernelsView() throws IOException {
        String line = Files.readAllLines(Path.of("/proc/self/limits")).stream()
                .filter(l -> l.startsWith("Max locked memory")).findFirst().orElseThrow();
        String soft = line.substring("Max locked memory".length()).trim().split("\\s+")[0];
        long expected = soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
        assertEquals(expected, SystemInfo.lockedMemoryLimit());
    }

    @Test
    void hugePageSizesListTheKernelsPoolsInOrder() throws IOException {
        List<Long> expected = new ArrayList<>();
        Path pools = Path.of("/sys/kernel/mm/hugepages");
        if (Files.isDirectory(pools)) {
            try (Stream<Path> list = Files.list(pools)) {
                list.map(p -> p.getFileName().toString().replaceAll("\\D", ""))
                        .map(kb -> Long.parseLong(kb) * 1024).sorted().forEach(expected::add);
            }
        }
        assertEquals(expected, SystemInfo.hugePageSizes());
    }

    @Test
    void transparentHugePageModeIsOneOfTheKernelsWords() {
        String mode = SystemInfo.transparentHugePageMode();
        assertTrue(List.of("always", "madvise", "never", "unsupported").contains(mode), mode);
    }

    @Test
    void nativeAccessIsEnabledForTheTestsAndTheFlagNamesTheClassPath() {
        assertTrue(SystemInfo.nativeAccessEnabled(), "surefire passes --enable-native-access=ALL-UNNAMED");
        assertEquals("--enable-native-access=ALL-UNNAMED", SystemInfo.nativeAccessFlag());
    }
}
