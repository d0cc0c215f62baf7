package dev.mman.shm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.MMapInvalidParameterException;
import dev.mman.SharedMemory;
import dev.mman.SharedMemoryInfo;
import dev.mman.testing.ChildJvm;
import dev.mman.testing.ChildResult;
import dev.mman.testing.RunningChild;
import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SharedMemory#list()} and {@link SharedMemory#removeUnused}: a live child that maps an object
 * is shown and its object kept; a child killed before its unlink leaves an orphan that is removed.
 * Every call here is filtered to this test's own names: other programs' objects are never touched.
 *
 * <p>As root, the children that create objects run as {@code nobody}: a root without
 * {@code CAP_SYS_PTRACE} (a container's, this sandbox's) cannot inspect a process with more
 * capabilities, such as the sandbox's pid 1, which then might use any of root's objects, so none of
 * them would ever count as unused. Another user's objects are not affected by root's processes.
 */
class SharedMemoryCleanupTest {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    @TempDir
    Path dir;

    private final String prefix = "mman-cleanup-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
    private final String name = prefix + "-object";
    private final Predicate<SharedMemoryInfo> mine = info -> info.name().startsWith("/" + prefix);
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));
    private static final boolean SETPRIV = Files.isExecutable(Path.of("/usr/bin/setpriv"));
    /** Who the creating children run as: nobody when this is root and can switch, otherwise this user. */
    private static final String CREATOR = ROOT && SETPRIV ? "nobody" : System.getProperty("user.name");

    @AfterEach
    void removeNames() throws IOException {
        SharedMemory.unlink(name);
        try (var leftovers = Files.list(Path.of("/dev/shm"))) {
            for (Path left : leftovers.filter(p -> p.getFileName().toString().contains(prefix)).toList()) {
                if (Files.isDirectory(left)) {
                    Files.delete(left);
                } else {
                    Files.deleteIfExists(left);
                }
            }
        }
    }

    @Test
    void aLiveChildThatMapsTheObjectIsShownAndTheObjectKept() {
        RunningChild holder = creator().start(SharedMemoryHolder.class.getName(), "hold", name);
        try {
            long pid = Long.parseLong(holder.awaitLine("HOLDING ").substring("HOLDING ".length()));
            SharedMemoryInfo info = find();
            System.out.println("list() while the child " + pid + " maps it: " + info);
            assertEquals(List.of(pid), info.processes());
            assertEquals(64 << 10, info.size());
            assertEquals(0600, info.mode());
            assertEquals(CREATOR, info.owner());
            assertEquals(List.of(), info.uninspected());
            assertFalse(info.unused());
            assertEquals(List.of(), SharedMemory.removeUnused(Duration.ZERO, mine, false));
            assertTrue(Files.exists(Path.of("/dev/shm", name)));
        } finally {
            holder.killForcibly();
        }
    }

    @Test
    void theOrphanOfAChildKilledBeforeItsUnlinkIsRemoved() {
        RunningChild holder = creator().start(SharedMemoryHolder.class.getName(), "hold", name);
        holder.awaitLine("HOLDING ");
        ChildResult killed = holder.killForcibly();
        assertEquals(137, killed.exitCode(), "SIGKILL: the child had no chance to unlink");

        SharedMemoryInfo orphan = find();
        System.out.println("list() after the child was killed: " + orphan);
        assertEquals(List.of(), orphan.processes());
        assertTrue(orphan.unused());

        List<SharedMemoryInfo> wouldGo = SharedMemory.removeUnused(Duration.ZERO, mine, true);
        assertEquals(List.of("/" + name), names(wouldGo), "a dry run says what it would remove");
        assertTrue(Files.exists(Path.of("/dev/shm", name)), "and removes nothing");
        assertEquals(List.of(), SharedMemory.removeUnused(Duration.ofDays(1), mine, false), "it is younger than a day");
        assertTrue(Files.exists(Path.of("/dev/shm", name)));

        List<SharedMemoryInfo> removed = SharedMemory.removeUnused(Duration.ZERO, mine, false);
        assertEquals(List.of("/" + name), names(removed));
        assertFalse(Files.exists(Path.of("/dev/shm", name)));
        assertFalse(SharedMemory.unlink(name), "the name is gone");
    }

    @Test
    void thisProcessCountsWhileItMapsTheObjectOrHoldsItOpen() throws IOException {
        long me = ProcessHandle.current().pid();
        try (SharedMemory shm = SharedMemory.create(name, 4096)) {
            assertEquals(List.of(me), find().processes(), "the mapping");
        }
        try (FileChannel held = FileChannel.open(Path.of("/dev/shm", name), StandardOpenOption.READ)) {
            assertEquals(List.of(me), find().processes(), "a descriptor without a mapping, as a creator has it "
                    + "between shm_open and mmap");
            assertEquals(List.of(), SharedMemory.removeUnused(Duration.ZERO, mine, true));
        }
        assertEquals(List.of(), find().processes());
    }

    @Test
    void semaphoresDirectoriesAndLinksAreNotListed() throws IOException {
        Path shm = Path.of("/dev/shm");
        Files.write(shm.resolve("sem." + prefix), new byte[32]);
        Files.createDirectory(shm.resolve(prefix + "-directory"));
        SharedMemory.create(name, 4096).close();
        Files.createSymbolicLink(shm.resolve(prefix + "-link"), shm.resolve(name));
        assertEquals(List.of("/" + name), names(SharedMemory.list().stream().filter(
                info -> info.name().contains(prefix)).toList()));
    }

    @Test
    void listingCopesWithProcessesThatComeAndGo() throws Exception {
        SharedMemory.create(name, 4096).close();
        List<Process> shortLived = new ArrayList<>();
        try {
            for (int round = 0; round < 20; round++) {
                shortLived.add(new ProcessBuilder("true").start());
                assertEquals(List.of(), find().processes());
            }
        } finally {
            for (Process process : shortLived) {
                process.waitFor();
            }
        }
    }

    @Test
    void aNegativeAgeIsRefusedWithWhatToPass() {
        MMapInvalidParameterException e = assertThrows(MMapInvalidParameterException.class,
                () -> SharedMemory.removeUnused(Duration.ofSeconds(-1)));
        assertTrue(e.getMessage().contains("Duration.ZERO"), e.getMessage());
    }

    /**
     * As an unprivileged user, other users' processes cannot be inspected: while another user runs
     * something, an object that only its owner may open stays certain, and one that anybody may open
     * names that process as a possible user and is not removed.
     */
    @Test
    void processesOfOtherUsersMakeOpenObjectsUncertain() throws Exception {
        if (!ROOT || !SETPRIV) {
            String why = "switching users needs root and /usr/bin/setpriv (root: " + ROOT + ", setpriv: " + SETPRIV
                    + "); the test of what another user's scan can see is skipped";
            System.out.println("[SharedMemoryCleanupTest] " + why);
            Assumptions.abort(why);
        }
        Process otherUser = new ProcessBuilder("setpriv", "--reuid=4242", "--regid=4242", "--clear-groups",
                "sleep", "600").start();
        try {
            ChildResult child = creator().run(SharedMemoryHolder.class, "list", prefix).assertCleanExit();
            System.out.println("list() as nobody while uid 4242 runs process " + otherUser.pid() + ": "
                    + child.lines("INFO "));
            assertEquals("INFO /" + prefix + "-open owner=nobody uninspected=[" + otherUser.pid() + "] removable=false",
                    child.line("INFO /" + prefix + "-open"));
            assertEquals("INFO /" + prefix + "-owned owner=nobody uninspected=[] removable=true",
                    child.line("INFO /" + prefix + "-owned"));
        } finally {
            otherUser.destroyForcibly().waitFor();
        }
    }

    /** A child JVM that runs as {@link #CREATOR}. */
    private ChildJvm creator() {
        ChildJvm child = ChildJvm.in(dir);
        return CREATOR.equals("nobody") ? child.withClassPath(classPathOutsideRoot())
                .withLauncherPrefix("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups") : child;
    }

    /** The build's own classes: the JUnit jars under /root are not readable by another user, and not needed. */
    private static String classPathOutsideRoot() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.startsWith(System.getProperty("user.home")))
                .collect(Collectors.joining(File.pathSeparator));
    }

    private SharedMemoryInfo find() {
        List<SharedMemoryInfo> found = SharedMemory.list().stream().filter(info -> info.name().equals("/" + name))
                .toList();
        assertEquals(1, found.size(), "list() should show /" + name + " once: " + found);
        return found.get(0);
    }

    private static List<String> names(List<SharedMemoryInfo> infos) {
        return infos.stream().map(SharedMemoryInfo::name).toList();
    }
}
