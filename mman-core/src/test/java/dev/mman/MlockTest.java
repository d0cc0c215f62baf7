package dev.mman;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.testing.ChildJvm;
import dev.mman.testing.NativeOnly;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mlock within and beyond {@code RLIMIT_MEMLOCK}. Root holds {@code CAP_IPC_LOCK}, which lifts the
 * limit, so the limit itself is tested in a child JVM started without that capability.
 */
class MlockTest {

    private static final long MIB = 1 << 20;

    @Test
    @NativeOnly("mlock")
    void lockShowsInVmLckAndUnlockReleasesIt() throws IOException {
        long locked = LockedMemory.lockedKilobytes();
        try (MemoryMap m = MemoryMap.createAnonymous(MIB)) {
            m.mlock();
            long whileLocked = LockedMemory.lockedKilobytes();
            assertTrue(whileLocked >= locked + 1024, "VmLck went from " + locked + " to " + whileLocked + " kB");
            m.munlock();
            assertEquals(locked, LockedMemory.lockedKilobytes(), "munlock must release every locked page");
        }
    }

    @Test
    @NativeOnly("mlock")
    void invalidatingLockedPagesIsRefusedWithEbusyAndAHint() {
        try (MemoryMap m = MemoryMap.createAnonymous(MIB)) {
            m.mlock();
            MMapException busy = Rejections.assertRejected(MMapException.class,
                    () -> m.msync(Mman.MS_SYNC | Mman.MS_INVALIDATE), "EBUSY", "munlock() first");
            assertEquals(16, busy.errno());
            m.munlock();
            m.msync(Mman.MS_SYNC | Mman.MS_INVALIDATE);
        }
    }

    @Test
    @NativeOnly("mlock")
    void theLimitAllowsSmallLocksAndRefusesLargeOnesWithAHint(@TempDir Path dir) throws Exception {
        Properties probe = runProbe(dir);
        assertEquals("false", probe.getProperty("limitLifted"), "the probe must run without CAP_IPC_LOCK");
        long limit = Long.parseLong(probe.getProperty("limit"));
        assertNotEquals(Long.MAX_VALUE, limit, "this test needs a finite RLIMIT_MEMLOCK (ulimit -l)");

        long before = Long.parseLong(probe.getProperty("withinBefore"));
        long locked = Long.parseLong(probe.getProperty("withinLocked"));
        assertTrue(locked >= before + 1024, "within the limit VmLck went from " + before + " to " + locked + " kB");
        assertEquals(before, Long.parseLong(probe.getProperty("withinAfter")));

        assertEquals(MMapException.class.getName(), probe.getProperty("beyondType"));
        assertNotEquals(0, Integer.parseInt(probe.getProperty("beyondErrno")));
        String message = probe.getProperty("beyondMessage");
        assertTrue(Stream.of("ENOMEM", "EAGAIN", "EPERM").anyMatch(message::contains), message);
        assertTrue(message.contains("RLIMIT_MEMLOCK"), message);
        assertTrue(message.contains("ulimit -l"), message);
        assertTrue(message.contains(limit + " bytes"), "the hint should give the limit: " + message);
        assertEquals(before, Long.parseLong(probe.getProperty("beyondLockedAfter")), "a refused mlock locks nothing");
    }

    /** Starts {@link MlockProbe} in a child JVM, without CAP_IPC_LOCK when this process has it. */
    private static Properties runProbe(Path dir) throws IOException {
        ChildJvm child = ChildJvm.in(dir);
        if (LockedMemory.limitIsLifted()) {
            child.withLauncherPrefix("setpriv", "--inh-caps=-ipc_lock", "--bounding-set=-ipc_lock");
        }
        return child.run(MlockProbe.class).assertCleanExit().properties();
    }
}
