package dev.mman;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Runs in a child JVM whose OS or native access has been altered, makes first calls into mman and
 * prints how each failed, as {@code name.type=} and {@code name.message=} lines for {@link PlatformSupportTest}.
 */
public final class PlatformProbe {

    private PlatformProbe() {}

    /**
     * Makes each first call and reports its outcome.
     *
     * @param args unused
     */
    public static void main(String[] args) {
        Map<String, Supplier<Object>> calls = Map.of(
                "pageSize", Mman::pageSize,
                "mmapRegion", () -> Mman.mmapRegion(4096),
                "createFileMapping", () -> MemoryMap.createFileMapping(Path.of("/etc/hostname"), 0, 1,
                        Mman.PROT_READ, Mman.MAP_PRIVATE));
        calls.forEach((name, call) -> {
            try {
                Object result = call.get();
                System.out.println(name + ".type=none");
                System.out.println(name + ".message=" + result);
            } catch (RuntimeException e) {
                System.out.println(name + ".type=" + e.getClass().getName());
                System.out.println(name + ".message=" + e.getMessage().replace('\n', ' '));
            }
        });
    }
}
