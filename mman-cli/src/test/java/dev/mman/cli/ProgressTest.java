package dev.mman.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressTest {

    @Test
    void onATerminalTheBarIsRedrawnInPlaceWithBytesAndRate() {
        StringWriter err = new StringWriter();
        try (Progress progress = new Progress(new PrintWriter(err), "touch big.bin", 4L << 30, true)) {
            progress.advance(1L << 30);
            String bar = progress.bar(System.nanoTime());
            assertTrue(bar.matches("touch big\\.bin \\[#{7}-{23}]  25% 1\\.0 GiB / 4\\.0 GiB .+/s"), bar);
            progress.advance(3L << 30);
        }
        String drawn = err.toString();
        assertTrue(drawn.startsWith("\rtouch big.bin ["), drawn);
        assertTrue(drawn.contains("\rtouch big.bin [" + "#".repeat(30) + "] 100% 4.0 GiB / 4.0 GiB"), drawn);
        assertTrue(drawn.endsWith(System.lineSeparator()), "the bar's line is finished at the end");
    }

    @Test
    void elsewhereItPrintsAPlainLinePerTenthAndNothingAtTheEnd() {
        StringWriter err = new StringWriter();
        try (Progress progress = new Progress(new PrintWriter(err), "evict x", 1000, false)) {
            for (int i = 0; i < 20; i++) {
                progress.advance(50);
            }
        }
        assertEquals(9, err.toString().lines().count(), err.toString());
        assertEquals("evict x: 100 B of 1000 B (10%)", err.toString().lines().findFirst().orElseThrow());
        assertTrue(err.toString().indexOf('\r') < 0);
    }

    @Test
    void sizesReadAndPrintBinaryUnits() {
        assertEquals(4096, Sizes.parse("4096"));
        assertEquals(64 << 10, Sizes.parse("64K"));
        assertEquals(256L << 20, Sizes.parse("256MiB"));
        assertEquals(1L << 30, Sizes.parse("1g"));
        assertEquals("1.5 GiB", Sizes.human(3L << 29));
        assertEquals("999 B", Sizes.human(999));
        assertEquals("256 MiB", Sizes.human(256L << 20));
    }
}
