package dev.mman.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.SystemInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link KernelFiles} on made-up {@code /proc} and {@code /sys} trees, and on this machine's. */
class KernelFilesTest {

    @TempDir
    Path root;

    private KernelFiles kernel() {
        return new KernelFiles(root.resolve("proc"), root.resolve("sys"));
    }

    private void write(String path, String text) throws IOException {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    @Test
    void capIpcLockIsBit14OfTheEffectiveSet() throws IOException {
        write("proc/self/status", "Name:\tjava\nCapPrm:\t0000000000004000\nCapEff:\t0000000000004000\n");
        assertEquals(Boolean.TRUE, kernel().capIpcLock());
        // Every bit but 14, as for root started with `setpriv --bounding-set=-ipc_lock`.
        write("proc/self/status", "CapPrm:\t000001ffffffffff\nCapEff:\t000001ffffffbfff\n");
        assertEquals(Boolean.FALSE, kernel().capIpcLock());
    }

    @Test
    void capIpcLockIsUnknownWithoutAReadableEffectiveSet() throws IOException {
        assertNull(kernel().capIpcLock(), "no /proc (macOS, Windows)");
        write("proc/self/status", "Name:\tjava\nCapEff:\tnot-hex\n");
        assertNull(kernel().capIpcLock());
    }

    @Test
    void memlockLimitComesFromTheSoftLimitInProcSelfLimits() throws IOException {
        write("proc/self/limits", """
                Limit                     Soft Limit           Hard Limit           Units
                Max processes             unlimited            unlimited            processes
                Max locked memory         65536                8388608              bytes
                Max address space         unlimited            unlimited            bytes
                """);
        assertEquals(new KernelFiles.MemlockLimit(65536, false), kernel().memlockLimit());
        write("proc/self/limits", "Max locked memory         unlimited            unlimited            bytes\n");
        assertEquals(new KernelFiles.MemlockLimit(Long.MAX_VALUE, true), kernel().memlockLimit());
        Files.delete(root.resolve("proc/self/limits"));
        assertNull(kernel().memlockLimit());
    }

    @Test
    void hugePoolsListEachSizeWithItsReservedAndFreePagesSmallestFirst() throws IOException {
        write("sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages", "0\n");
        write("sys/kernel/mm/hugepages/hugepages-1048576kB/free_hugepages", "0\n");
        write("sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages", "16\n");
        write("sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages", "12\n");
        write("sys/kernel/mm/hugepages/hugepages-2048kB/nr_overcommit_hugepages", "8\n");
        assertEquals(List.of(new KernelFiles.HugePool(2L << 20, 16L, 12L, 8L),
                new KernelFiles.HugePool(1L << 30, 0L, 0L, null)), kernel().hugePools());
    }

    @Test
    void anUnreadableCountIsUnknownAndNoHugetlbfsIsNoList() throws IOException {
        assertNull(kernel().hugePools(), "no /sys/kernel/mm/hugepages");
        Files.createDirectories(root.resolve("sys/kernel/mm/hugepages/hugepages-2048kB"));
        assertEquals(List.of(new KernelFiles.HugePool(2L << 20, null, null, null)), kernel().hugePools());
    }

    @Test
    void transparentHugePageSettingsAreTheBracketedWord() throws IOException {
        write("sys/kernel/mm/transparent_hugepage/enabled", "always [madvise] never\n");
        write("sys/kernel/mm/transparent_hugepage/defrag", "always defer defer+madvise [madvise] never\n");
        write("sys/kernel/mm/transparent_hugepage/shmem_enabled", "always within_size advise [never] deny force\n");
        assertEquals("madvise", kernel().transparentHugePages("enabled"));
        assertEquals("madvise", kernel().transparentHugePages("defrag"));
        assertEquals("never", kernel().transparentHugePages("shmem_enabled"));
        assertNull(kernel().transparentHugePages("no_such_setting"));
    }

    @Test
    void aKernelWithoutTransparentHugePagesSaysUnsupportedAndNoSysSaysNothing() throws IOException {
        assertNull(kernel().transparentHugePages("enabled"));
        Files.createDirectories(root.resolve("sys/kernel/mm"));
        assertEquals("unsupported", kernel().transparentHugePages("enabled"));
    }

    @Test
    void onThisMachineTheFilesAgreeWithWhatTheLibraryAsksTheKernel() throws IOException {
        KernelFiles system = KernelFiles.system();
        assertEquals(SystemInfo.hugePageSizes(), system.hugePools().stream().map(KernelFiles.HugePool::size).toList());
        assertEquals(SystemInfo.transparentHugePageMode(), system.transparentHugePages("enabled"));
        long limit = SystemInfo.lockedMemoryLimit();
        assertEquals(new KernelFiles.MemlockLimit(limit, limit == Long.MAX_VALUE), system.memlockLimit());
        assertNotNull(system.capIpcLock(), "Linux has /proc/self/status; InfoCommandTest drops the capability");
        assertTrue(system.hugePools().stream().allMatch(pool -> pool.reserved() != null && pool.free() != null
                && pool.overcommit() != null));
    }
}
