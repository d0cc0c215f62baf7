package dev.mman.probe;

import dev.mman.MemoryMap;
import dev.mman.Mman;
import dev.mman.testing.Caught;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The child-JVM side of {@code ModulePathTest}: uses mman from the class path's unnamed module,
 * while mman itself may sit on the module path. It lives outside package {@code dev.mman} because a
 * class-path class in a package of a named module could not be loaded.
 */
public final class ModulePathProbe {

    private ModulePathProbe() {}

    /**
     * Runs one check.
     *
     * @param args {@code map} to map, write and read a page; {@code denied} to report two native
     *     calls and the fallback mapping when native access is denied
     */
    public static void main(String[] args) {
        System.out.println("MODULE " + MemoryMap.class.getModule().getName());
        switch (args[0]) {
            case "map" -> mapWriteRead();
            case "denied" -> {
                Caught.report("first-call", Mman::pageSize);
                Caught.report("second-call", Mman::pageSize);
                try (MemoryMap m = MemoryMap.createAnonymous(4096)) {
                    m.write(new byte[] {42}, 7);
                    System.out.println("BACKEND " + m.backend() + " READ " + m.read(1, 7)[0]);
                }
            }
            default -> throw new IllegalArgumentException("no check " + args[0]);
        }
    }

    private static void mapWriteRead() {
        byte[] hello = "hello from the module path".getBytes(StandardCharsets.US_ASCII);
        try (MemoryMap m = MemoryMap.createAnonymous(Mman.pageSize())) {
            m.write(hello, 100);
            if (!Arrays.equals(hello, m.read(hello.length, 100))) {
                throw new AssertionError("read back something else than was written");
            }
            System.out.println("MAPPED " + m);
        }
    }
}
