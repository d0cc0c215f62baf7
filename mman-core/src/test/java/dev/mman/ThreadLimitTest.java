package dev.mman;

import static dev.mman.testing.Caught.assertCaught;
import static dev.mman.testing.Caught.assertReturned;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.testing.ChildJvm;
import dev.mman.testing.ChildResult;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process at its thread limit ({@code ulimit -u}; here {@code prlimit --nproc} on an unprivileged
 * user, as root ignores it). Before: the first native mapping threw the JDK's
 * {@link OutOfMemoryError} from the cleaner's class initializer, left its range mapped and mman
 * unusable ({@link NoClassDefFoundError} from every later mapping); a prefault on several threads
 * threw {@link OutOfMemoryError}. After: the first mapping is an {@link MMapAllocationException}
 * with nothing mapped, the next one works once a thread can start, a prefault does on the caller's
 * thread what no helper can, and a close that cannot start the placeholder reaper reaps itself.
 */
class ThreadLimitTest {

    @TempDir
    Path dir;

    @Test
    void atTheThreadLimitMappingsAreRefusedOrMadeAndNeverBreakMman() {
        boolean root = "root".equals(System.getProperty("user.name"));
        boolean tools = Files.isExecutable(Path.of("/usr/bin/setpriv")) && Files.isExecutable(Path.of("/usr/bin/prlimit"));
        Assumptions.assumeTrue(root && tools, "a thread limit for a child needs root, setpriv and prlimit");
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.startsWith(System.getProperty("user.home"))) // unreadable by nobody
                .collect(Collectors.joining(File.pathSeparator));
        ChildResult child = ChildJvm.in(dir).withClassPath(classPath).withOptions("-Xlog:disable")
                .withLauncherPrefix("prlimit", "--nproc=300", "setpriv", "--reuid=65534", "--regid=65534",
                        "--clear-groups")
                .run(ThreadLimitScenario.class).assertCleanExit();
        String refused = assertCaught(child, "no-cleaner", MMapAllocationException.class);
        assertTrue(refused.contains("thread limit"), refused);
        assertEquals("CLEANER true", child.line("CLEANER "), child.stdout());
        assertReturned(child, "prefault");
        assertEquals("RESIDENT true", child.line("RESIDENT "), "every page was faulted in: " + child.stdout());
        assertReturned(child, "used-close");
    }
}
