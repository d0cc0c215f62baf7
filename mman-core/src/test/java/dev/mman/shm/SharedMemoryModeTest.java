package dev.mman.shm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mman.SharedMemory;
import dev.mman.testing.ChildJvm;
import dev.mman.testing.ChildResult;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The mode asked for is the mode the object gets, whatever the umask. A JVM cannot change its own
 * umask, so a child runs under {@code sh -c 'umask 022; exec java ...'}.
 */
class SharedMemoryModeTest {

    @TempDir
    Path dir;

    private final String prefix = "mman-mode-" + ProcessHandle.current().pid() + "-" + System.nanoTime();

    private List<String> names() {
        return java.util.stream.IntStream.range(0, SharedMemoryHolder.MODES.length)
                .mapToObj(i -> prefix + "-" + i).toList();
    }

    @AfterEach
    void removeNames() {
        names().forEach(SharedMemory::unlink);
    }

    @ParameterizedTest
    @ValueSource(strings = {"022", "077", "027"})
    void theModeAskedForIsTheModeGotUnderAnyUmask(String umask) {
        List<String> args = new java.util.ArrayList<>(List.of("modes"));
        args.addAll(names());
        ChildResult child = ChildJvm.in(dir).withLauncherPrefix("sh", "-c", "umask " + umask + "; exec \"$0\" \"$@\"")
                .run(SharedMemoryHolder.class, args.toArray(String[]::new)).assertCleanExit();
        assertEquals("UMASK 0" + umask, child.line("UMASK "), "the child really ran under that umask");
        System.out.println("under umask " + umask + ": " + child.lines("MODE "));
        assertEquals(List.of("MODE 0600 rw-------", "MODE 0660 rw-rw----", "MODE 0666 rw-rw-rw-", "MODE 0604 rw----r--",
                "MODE 0640 rw-r-----"), child.lines("MODE "));
    }
}
