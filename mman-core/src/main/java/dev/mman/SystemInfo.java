package dev.mman;

import dev.mman.internal.Platform;
import java.util.List;

/**
 * What the running system offers for memory mapping: page sizes, huge pages, the locked-memory
 * limit and whether the JVM lets mman make native calls. Meant for diagnostics such as
 * {@code mman info}; every value is read fresh on each call.
 */
public final class SystemInfo {

    private SystemInfo() {}

    /**
     * Names the platform mman runs on.
     *
     * @return for example {@code Linux x86_64}
     * @throws MMapException on an unsupported platform, or when native access is denied
     */
    public static String platform() {
        return Platform.current().describe();
    }

    /**
     * The size of a memory page, as {@link Mman#pageSize()}.
     *
     * @return bytes per page
     * @throws MMapException on an unsupported platform, or when native access is denied
     */
    public static long pageSize() {
        return Mman.pageSize();
    }

    /**
     * The alignment of file-mapping offsets, as {@link Mman#allocationGranularity()}.
     *
     * @return bytes
     * @throws MMapException on an unsupported platform, or when native access is denied
     */
    public static long allocationGranularity() {
        return Mman.allocationGranularity();
    }

    /**
     * The soft limit on memory this process may lock with {@link MemoryMap#mlock()}
     * ({@code RLIMIT_MEMLOCK}). A process with {@code CAP_IPC_LOCK} may lock more.
     *
     * @return bytes, or {@link Long#MAX_VALUE} when unlimited
     * @throws MMapException on an unsupported platform, or when native access is denied
     */
    public static long lockedMemoryLimit() {
        return Platform.current().lockedMemoryLimit();
    }

    /**
     * The sizes of explicit huge pages the kernel offers ({@code /sys/kernel/mm/hugepages} on
     * Linux).
     *
     * @return sizes in bytes, smallest first; empty when there are none
     * @throws MMapException on an unsupported platform, or when native access is denied
     */
    public static List<Long> hugePageSizes() {
        return Platform.current().hugePageSizes();
    }

    /**
     * The transparent huge page mode: {@code always}, {@code madvise} (only ranges given
     * {@link Advice#HUGEPAGE}) or {@code never}.
     *
     * @return the mode, or {@code unsupported} when the kernel has no transparent huge pages
     * @throws MMapException on an unsupported platform, or when native access is denied
     */
    public static String transparentHugePageMode() {
        return Platform.current().transparentHugePageMode();
    }

    /**
     * Whether the JVM granted native access to the module that holds mman. Without it, JDK 25
     * still runs mman but warns on first use, and a JVM started with
     * {@code --illegal-native-access=deny} refuses. Ask before mman's first native call: once
     * the JDK has warned, it counts the module as enabled.
     *
     * @return true when native access is enabled for mman
     */
    public static boolean nativeAccessEnabled() {
        return SystemInfo.class.getModule().isNativeAccessEnabled();
    }

    /**
     * The {@code java} option that grants mman native access: {@code ALL-UNNAMED} when mman is on
     * the class path, its module name when it is on the module path.
     *
     * @return for example {@code --enable-native-access=ALL-UNNAMED}
     */
    public static String nativeAccessFlag() {
        Module module = SystemInfo.class.getModule();
        return "--enable-native-access=" + (module.isNamed() ? module.getName() : "ALL-UNNAMED");
    }
}
