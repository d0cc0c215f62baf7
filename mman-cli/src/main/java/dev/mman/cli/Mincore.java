package dev.mman.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether {@code mincore} tells the truth about a file. Since Linux 5.2 the kernel answers only for
 * a file that the caller owns or may write (or for a caller with {@code CAP_FOWNER}); for any other
 * it reports every page resident, so that the cache cannot be used to spy on others' reads.
 * fincore of util-linux up to 2.38 uses {@code mincore} and shows 100% then too.
 */
final class Mincore {

    /** Why the residency of such a file is unknown, for the one line that says so. */
    static final String BLIND = "this user can neither write nor own it, so the kernel's mincore reports every page "
            + "resident whatever is cached (fincore shows 100% too); run as its owner, or as root";

    private static Long uid;

    private Mincore() {}

    /** Whether {@code mincore} on {@code file} reports its real residency. */
    static boolean sees(Path file) {
        if (Files.isWritable(file)) {
            return true;
        }
        try {
            long me = uid();
            return me == 0 || ((Number) Files.getAttribute(file, "unix:uid")).longValue() == me;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return true; // not Linux's file attributes: no such rule to detect
        }
    }

    private static synchronized long uid() throws IOException {
        if (uid == null) {
            uid = Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(line -> line.startsWith("Uid:"))
                    .map(line -> Long.parseLong(line.split("\\s+")[2])) // the effective uid
                    .findFirst().orElse(0L);
        }
        return uid;
    }
}
