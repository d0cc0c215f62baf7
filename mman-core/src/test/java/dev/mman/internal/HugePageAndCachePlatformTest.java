package dev.mman.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mman.MMapException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The platform calls behind SystemInfo and PageCache, on the paths a normal Linux run does not take. */
class HugePageAndCachePlatformTest {

    @TempDir
    Path dir;

    @Test
    void theSelectedWordIsTheOneInBrackets() throws IOException {
        assertEquals("madvise", LinuxPlatform.selectedWord(Files.writeString(dir.resolve("thp"),
                "always [madvise] never\n")));
        assertEquals("always", LinuxPlatform.selectedWord(Files.writeString(dir.resolve("plain"), "always\n")));
        assertEquals("unsupported", LinuxPlatform.selectedWord(dir.resolve("missing")));
    }

    @Test
    void anUnsupportedPlatformRefusesTheCacheAndHugePageCallsWithItsReason() {
        Platform none = new Platforms.UnsupportedPlatform("no backend for Plan 9");
        assertEquals("no backend for Plan 9", assertThrows(MMapException.class, () -> none.dropCache(3, 0, 0))
                .getMessage());
        assertThrows(MMapException.class, none::hugePageSizes);
        assertThrows(MMapException.class, none::transparentHugePageMode);
    }
}
