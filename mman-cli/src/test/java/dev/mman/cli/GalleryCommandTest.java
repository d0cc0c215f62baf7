package dev.mman.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class GalleryCommandTest {

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    private static final List<String> CHARTS = List.of("medium-byte-layout.png", "advanced-copy-throughput.png",
            "mapping-cost.png", "page-residency.png");

    @Test
    void writesFourPngChartsAndSaysWhatItDid() throws IOException {
        try (TestFiles files = TestFiles.open()) {
            Path out = files.dir.resolve("gallery");
            Cli.Result result = Cli.run("gallery", "--out", out.toString());
            assertEquals(0, result.exitCode(), result.err());
            assertTrue(result.out().contains("Basic:    mapped 4096 anonymous bytes, wrote and read back "
                    + "\"Hello from mman!\""), result.out());
            assertTrue(result.out().contains("reads back record 15 = (15, 22.5)"), result.out());
            assertTrue(result.out().contains("mprotect(PROT_READ) then read 64 bytes (byte 63 = 63)"), result.out());
            List<String> lines = result.out().lines().toList();
            List<String> written = lines.subList(lines.size() - CHARTS.size(), lines.size());
            for (int i = 0; i < CHARTS.size(); i++) {
                Path chart = out.resolve(CHARTS.get(i));
                assertTrue(written.get(i).startsWith("wrote " + chart + " ("), written.get(i));
                assertTrue(Files.size(chart) > 10_000, chart + " is only " + Files.size(chart) + " bytes");
                try (InputStream in = Files.newInputStream(chart)) {
                    assertArrayEquals(PNG_SIGNATURE, in.readNBytes(8), chart + " is not a PNG");
                }
            }
            try (var left = Files.list(out)) {
                assertEquals(CHARTS.size(), left.count(), "the scratch files are gone, only the charts stay");
            }
        }
    }

    @Test
    void anOutFolderThatIsAFileIsAUsageError() throws IOException {
        try (TestFiles files = TestFiles.open()) {
            Path file = files.cached("not-a-folder", 10);
            Cli.Result result = Cli.run("gallery", "--out", file.toString());
            assertEquals(2, result.exitCode());
            assertTrue(result.err().contains("is not a folder"), result.err());
        }
    }
}
