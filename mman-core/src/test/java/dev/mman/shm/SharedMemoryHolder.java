package dev.mman.shm;

import dev.mman.SharedMemory;
import dev.mman.SharedMemoryInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

/**
 * Child JVMs of the shared-memory tests. {@code hold NAME}: creates the object, prints
 * {@code HOLDING pid} and sleeps until killed, never unlinking, as a creator that dies does.
 * {@code modes NAME...}: creates objects with the modes the tests ask for and prints what they got.
 * {@code list PREFIX}: as another user, creates an owner-only and a world-writable object, prints what
 * {@link SharedMemory#list()} knows of them and whether a dry run of cleanup would remove them, and
 * removes them.
 */
public final class SharedMemoryHolder {

    /** The modes {@code modes} asks for, one per name, in this order. */
    static final int[] MODES = {0600, 0660, 0666, 0604, 0640};

    private SharedMemoryHolder() {}

    /**
     * Runs one of the roles.
     *
     * @param args the role and its names
     * @throws Exception when the role fails, which the test sees in the exit code
     */
    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "hold" -> hold(args[1]);
            case "modes" -> modes(args);
            case "list" -> list(args[1]);
            default -> throw new IllegalArgumentException("no role " + args[0]);
        }
    }

    private static void hold(String name) throws InterruptedException {
        SharedMemory shm = SharedMemory.create(name, 64 << 10);
        shm.write(new byte[] {42}, 0);
        System.out.println("HOLDING " + ProcessHandle.current().pid());
        Thread.sleep(Long.MAX_VALUE);
    }

    private static void modes(String[] args) throws Exception {
        String umask = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(line -> line.startsWith("Umask:")).findFirst().orElseThrow();
        System.out.println("UMASK " + umask.substring("Umask:".length()).strip());
        for (int i = 1; i < args.length; i++) {
            int mode = MODES[i - 1];
            try (SharedMemory shm = SharedMemory.create(args[i], 4096, SharedMemory.Options.defaults().withMode(mode))) {
                String got = PosixFilePermissions.toString(Files.getPosixFilePermissions(Path.of("/dev/shm", args[i])));
                System.out.println("MODE 0" + Integer.toOctalString(mode) + " " + got);
                shm.unlink();
            }
        }
    }

    private static void list(String prefix) {
        String owned = prefix + "-owned";
        String open = prefix + "-open";
        SharedMemory.create(owned, 4096).close();
        SharedMemory.create(open, 4096, SharedMemory.Options.defaults().withMode(0666)).close();
        try {
            List<SharedMemoryInfo> wouldGo = SharedMemory.removeUnused(Duration.ZERO,
                    info -> info.name().startsWith("/" + prefix), true);
            for (SharedMemoryInfo info : SharedMemory.list()) {
                if (info.name().startsWith("/" + prefix)) {
                    System.out.println("INFO " + info.name() + " owner=" + info.owner() + " uninspected="
                            + info.uninspected() + " removable=" + wouldGo.contains(info));
                }
            }
        } finally {
            SharedMemory.unlink(owned);
            SharedMemory.unlink(open);
        }
    }
}
