package dev.mman;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What {@code /proc/self} says about locked memory: the pages locked now and the limit. */
final class LockedMemory {

    /** Bit 14 of the capability sets: {@code CAP_IPC_LOCK}, which lifts {@code RLIMIT_MEMLOCK}. */
    private static final long CAP_IPC_LOCK = 1L << 14;

    private LockedMemory() {}

    /** {@code VmLck} of this process, in kB. */
    static long lockedKilobytes() throws IOException {
        return Long.parseLong(field("/proc/self/status", "VmLck:").replaceAll("[^0-9]", ""));
    }

    /** The soft {@code Max locked memory} limit in bytes, or {@link Long#MAX_VALUE} when unlimited. */
    static long limitBytes() throws IOException {
        String soft = field("/proc/self/limits", "Max locked memory").trim().split("\\s+")[0];
        return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
    }

    /** Whether this process may lock beyond the limit, as root usually may. */
    static boolean limitIsLifted() throws IOException {
        long effective = Long.parseUnsignedLong(field("/proc/self/status", "CapEff:").trim(), 16);
        return (effective & CAP_IPC_LOCK) != 0;
    }

    private static String field(String file, String prefix) throws IOException {
        for (String line : Files.readAllLines(Path.of(file))) {
            if (line.startsWith(prefix)) {
                return line.substring(prefix.length());
            }
        }
        throw new IllegalStateException(file + " has no line starting with " + prefix);
    }
}
