package dev.mman;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The values with one source outside the code: the version from the POM, the page size from the system. */
class VersionTest {

    /** The parent's own version: the first version after its artifactId. */
    private static final Pattern PARENT_VERSION =
            Pattern.compile("<artifactId>mman-parent</artifactId>\\s*<version>([^<]+)</version>");

    @Test
    void versionIsThePomVersion() throws IOException {
        // Surefire runs in the module directory, so the parent POM is one level up.
        String pom = Files.readString(Path.of("..", "pom.xml"), StandardCharsets.UTF_8);
        Matcher matcher = PARENT_VERSION.matcher(pom);
        assertFalse(!matcher.find(), "../pom.xml should declare mman-parent's version");
        assertEquals(matcher.group(1), Mman.VERSION);
    }

    @Test
    void pageSizeIsWhatTheSystemReports() throws IOException, InterruptedException {
        Process getconf = new ProcessBuilder("getconf", "PAGESIZE").redirectErrorStream(true).start();
        String output = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        assertEquals(0, getconf.waitFor(), output);
        assertEquals(Long.parseLong(output), Mman.pageSize());
        assertEquals(Mman.pageSize(), MemoryMap.createAnonymous(1).pageSize());
    }
}
