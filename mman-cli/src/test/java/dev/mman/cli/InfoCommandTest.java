package dev.mman.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.Mman;
import dev.mman.SystemInfo;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InfoCommandTest {

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
        assertTrue(out.contains("transparent huge pages   " + SystemInfo.transparentHugePageMode()), out);
        assertTrue(out.contains("RLIMIT_MEMLOCK"), out);
        assertTrue(out.contains("native access            enabled"), out);
        assertTrue(out.contains("backend (why)            native: the default"), out);
    }

    @Test
    void printsTheSameFactsAsJson() {
        Cli.Result result = Cli.run("info", "--json");
        assertEquals(0, result.exitCode(), result.err());
        String json = result.out().strip();
        assertTrue(json.startsWith("{\"os\":\"Linux"), json);
        assertTrue(json.contains("\"pageSize\":" + Mman.pageSize()), json);
        assertTrue(json.contains("\"transparentHugePages\":\"" + SystemInfo.transparentHugePageMode() + "\""), json);
        assertTrue(json.contains("\"nativeAccess\":true"), json);
        assertTrue(json.contains("\"backend\":\"native: the default\""), json);
        String sizes = SystemInfo.hugePageSizes().toString().replace(" ", "");
        assertTrue(json.contains("\"hugePageSizes\":" + sizes), json);
        assertTrue(json.endsWith("}"), json);
    }

    @Test
    void withoutNativeAccessItSaysWhichFlagToAdd() throws Exception {
        List<String> command = ChildJvm.command(crashDir, List.of(), "info");
        command.remove("--enable-native-access=ALL-UNNAMED");
        Process process = new ProcessBuilder(command).start();
        String out = new String(process.getInputStream().readAllBytes());
        process.getErrorStream().readAllBytes();
        assertEquals(0, process.waitFor());
        ChildJvm.assertNoCrash(crashDir);
        assertTrue(out.contains("native access            not enabled"), out);
        assertTrue(out.contains("add --enable-native-access=ALL-UNNAMED to the java command"), out);
    }
}
