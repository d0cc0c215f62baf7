package dev.mman.internal.linux;

import dev.mman.MMapException;
import dev.mman.internal.Platform;
import dev.mman.internal.PortableBits;
import dev.mman.testing.Caught;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The child JVM of {@link ReserveTest}: reserves files on small tmpfs mounts, maps what it reserved
 * and writes every byte of it. Without the reservation the writes past the free space would be a
 * SIGBUS; this JVM is a child so that such a mistake fails one test.
 */
public final class ReserveProbe {

    private ReserveProbe() {}

    /**
     * Runs the reservations.
     *
     * @param args the 2 MiB mount and the 40 MiB mount
     * @throws IOException when the free space cannot be read
     */
    public static void main(String[] args) throws IOException {
        Platform platform = Platform.current();
        Path small = Path.of(args[0]);
        Path medium = Path.of(args[1]);
        // 1.5 MiB fits in 2 MiB; then only 512 KiB are left, and 1 MiB does not fit: the check says so
        // before anything is allocated, so the file system never runs full.
        report("fits", () -> reserveMapAndWrite(platform, small.resolve("fits.bin"), 1536 << 10, 0));
        report("too-big", () -> reserveMapAndWrite(platform, small.resolve("too-big.bin"), 1 << 20, 0));
        System.out.println("FREE " + Files.getFileStore(small).getUsableSpace());
        // In pieces of 16 MiB, as after an EINTR: 20 MiB takes two; of the 20 MiB left, 30 MiB gets one
        // piece and fails in the second, past the check (which this call skips, as a race would).
        report("chunks", () -> reserveMapAndWrite(platform, medium.resolve("chunks.bin"), 20 << 20,
                LinuxPlatform.RESERVE_CHUNK));
        report("chunks-too-big", () -> reserveMapAndWrite(platform, medium.resolve("chunks-too-big.bin"), 30 << 20,
                LinuxPlatform.RESERVE_CHUNK));
    }

    private static void report(String label, Caught.Action action) {
        Caught.report(label, () -> {
            try {
                action.run();
            } catch (MMapException e) {
                System.out.println("ERRNO " + label + " " + e.errno());
                throw e;
            }
        });
    }

    /** Sizes, reserves (in pieces of {@code chunk}, or as a whole when 0), maps shared, writes every byte, checks. */
    private static void reserveMapAndWrite(Platform platform, Path file, long size, long chunk) throws IOException {
        Files.createFile(file);
        int fd = platform.openFile(file, true);
        try {
            platform.truncate(fd, size);
            boolean reserved = chunk == 0 ? platform.reserve(fd, size)
                    : ((LinuxPlatform) platform).reserve(fd, size, chunk);
            if (!reserved) {
                throw new AssertionError("tmpfs can always reserve, yet reserve(" + file + ") said it cannot");
            }
            long address = platform.map(size, PortableBits.PROT_READ | PortableBits.PROT_WRITE,
                    PortableBits.MAP_SHARED, fd, 0);
            try {
                MemorySegment memory = MemorySegment.ofAddress(address).reinterpret(size);
                memory.fill((byte) 0x5A);
                for (long page = 0; page < size; page += platform.pageSize()) {
                    if (memory.get(ValueLayout.JAVA_BYTE, page) != 0x5A) {
                        throw new AssertionError("page at " + page + " lost its byte");
                    }
                }
            } finally {
                platform.unmap(address, size);
            }
        } finally {
            platform.closeFile(fd);
        }
        System.out.println("WROTE " + file.getFileName() + " " + size);
    }
}
