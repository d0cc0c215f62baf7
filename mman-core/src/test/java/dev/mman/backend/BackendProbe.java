package dev.mman.backend;

import dev.mman.Backend;
import dev.mman.Mman;
import dev.mman.MemoryMap;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

/** The child side of {@link BackendSelectionTest}: maps with the defaults and reports the backends. */
public final class BackendProbe {

    private BackendProbe() {}

    /**
     * Maps anonymous memory and a file without naming a backend, and reports which one was used.
     *
     * @param args the file to create and map
     * @throws IOException when the file cannot be made
     */
    public static void main(String[] args) throws IOException {
        System.out.println("SELECTED " + Backend.selected());
        System.out.println("REASON " + Backend.selectionReason());
        try (MemoryMap m = MemoryMap.createAnonymous(4096)) {
            System.out.println("ANONYMOUS " + m.backend());
        }
        Path file = Files.write(Path.of(args[0]), new byte[4096]);
        try (MemoryMap m = MemoryMap.createFileMapping(file, 0, 4096, Mman.PROT_READ, Mman.MAP_SHARED)) {
            System.out.println("FILE " + m.backend());
        }
        try (RandomAccessFile open = new RandomAccessFile(file.toFile(), "r")) {
            System.out.println("FD " + mapDescriptor(file));
        }
    }

    private static String mapDescriptor(Path file) throws IOException {
        try (var links = Files.list(Path.of("/proc/self/fd"))) {
            int fd = links.filter(link -> {
                try {
                    return Files.readSymbolicLink(link).equals(file.toAbsolutePath());
                } catch (IOException gone) {
                    return false;
                }
            }).mapToInt(link -> Integer.parseInt(link.getFileName().toString())).findFirst().orElseThrow();
            try (MemoryMap m = MemoryMap.createFileMapping(fd, 0, 4096, Mman.PROT_READ, Mman.MAP_SHARED)) {
                return "mapped";
            } catch (UnsupportedOperationException e) {
                return "UnsupportedOperationException";
            }
        }
    }
}
