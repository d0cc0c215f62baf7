package dev.mman.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.Mman;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TouchEvictCommandTest {

    private static final int SIZE = (4 << 20) + 123;

    @RegisterExtension
    final TestFiles files = new TestFiles();
    private final long pages = (SIZE + Mman.pageSize() - 1) / Mman.pageSize();

    @Test
    void evictDropsEveryPageAndTouchBringsThemAllBack() throws IOException {
        Path a = files.cached("a.bin", SIZE);
        Path b = files.cached("b.bin", SIZE);

        Cli.Result evicted = Cli.run("evict", a.toString(), b.toString());
        assertEquals(0, evicted.exitCode(), evicted.err());
        assertEquals(List.of("evicted " + a + ": 4.0 MiB, 0/" + pages + " pages still resident",
                "evicted " + b + ": 4.0 MiB, 0/" + pages + " pages still resident"),
                evicted.out().lines().limit(2).toList());
        assertTrue(evicted.out().contains("   Evicted Pages: " + 2 * pages + " (8.0 MiB)\n"), evicted.out());
        assertResident(0, a);

        Cli.Result touched = Cli.run("touch", a.toString());
        assertEquals(0, touched.exitCode(), touched.err());
        assertEquals("touched " + a + ": 4.0 MiB, " + pages + "/" + pages + " pages resident",
                touched.out().lines().findFirst().orElseThrow());
        assertTrue(touched.out().contains("  Resident Pages: " + pages + "/" + pages + " "), touched.out());
        assertResident(pages, a);
        assertResident(0, b);
    }

    @Test
    void windowsReportPlainProgressLinesWhenNotOnATerminal() throws IOException {
        Path a = files.evicted("a.bin", 4 << 20);
        Cli.Result touched = Cli.run("touch", "--window", "1M", a.toString());
        assertEquals(0, touched.exitCode(), touched.err());
        assertResident(1024 * 1024 / Mman.pageSize() * 4, a);
        List<String> progress = touched.err().lines().toList();
        assertEquals(List.of("touch " + a + ": 1.0 MiB of 4.0 MiB (25%)", "touch " + a + ": 2.0 MiB of 4.0 MiB (50%)",
                "touch " + a + ": 3.0 MiB of 4.0 MiB (75%)"), progress);

        Cli.Result evicted = Cli.run("evict", "--window", "64K", a.toString());
        assertEquals(0, evicted.exitCode(), evicted.err());
        assertResident(0, a);
        assertEquals(9, evicted.err().lines().count(), "one line per tenth: " + evicted.err());
    }

    private static void assertResident(long expected, Path file) {
        Cli.Result result = Cli.run("residency", "--json", file.toString());
        assertTrue(result.out().contains("\"residentPages\":" + expected + ","), result.out());
    }
}
