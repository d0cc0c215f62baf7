package dev.mman;

import dev.mman.testing.Caught;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

/** The child-JVM side of {@link ReservationTest}, on the small tmpfs it is given. */
public final class ReservationScenario {

    private ReservationScenario() {}

    /**
     * Runs the scenario.
     *
     * @param args the tmpfs mount point
     * @throws Exception when the files cannot be made
     */
    public static void main(String[] args) throws Exception {
        Path mount = Path.of(args[0]);
        Path tooLarge = sparse(mount.resolve("too-large.bin"), 32L << 20);
        for (Backend backend : new Backend[] {Backend.NATIVE, Backend.JDK}) {
            Caught.report("too-large-" + backend.name().toLowerCase(java.util.Locale.ROOT), () -> {
                try (MemoryMap m = MapOptions.file(tooLarge).access(Access.READ, Access.WRITE).reserve()
                        .backend(backend).map()) {
                    m.fill((byte) 1); // not reached: without the reservation this would fault
                }
            });
        }
        System.out.println("LENGTH " + Files.size(tooLarge));
        Files.delete(tooLarge);
        Path fits = sparse(mount.resolve("fits.bin"), 1L << 20);
        long before = Files.getFileStore(mount).getUnallocatedSpace();
        Caught.report("fits", () -> {
            try (MemoryMap m = MapOptions.file(fits).access(Access.READ, Access.WRITE).reserve().map()) {
                long after = Files.getFileStore(mount).getUnallocatedSpace();
                System.out.println("RESERVED " + (before - after >= (1L << 20)));
                m.fill((byte) 3);
                m.msync(SyncMode.SYNC);
            }
        });
    }

    private static Path sparse(Path file, long length) throws Exception {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(length);
        }
        return file;
    }
}
