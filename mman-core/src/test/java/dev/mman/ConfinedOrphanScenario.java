package dev.mman;

import dev.mman.testing.Caught;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The child-JVM side of {@link ConfinedMappingTest}'s orphan case: a thread maps a file confined,
 * takes a view and ends without closing; then the main thread closes the mapping, reads through
 * the orphaned view and closes again, on NATIVE and JDK, and prints how many ranges of the file are
 * still mapped.
 */
public final class ConfinedOrphanScenario {

    private ConfinedOrphanScenario() {}

    /**
     * Runs the scenario.
     *
     * @param args a directory for the files
     * @throws Exception when a file cannot be made or the owner thread is interrupted
     */
    public static void main(String[] args) throws Exception {
        for (Backend backend : new Backend[] {Backend.NATIVE, Backend.JDK}) {
            String name = backend.name().toLowerCase(Locale.ROOT);
            Path file = Files.write(Path.of(args[0]).resolve("orphan-" + name + ".bin"), new byte[1 << 16]);
            AtomicReference<MemoryMap> orphan = new AtomicReference<>();
            AtomicReference<MemorySegment> view = new AtomicReference<>();
            Thread owner = Thread.ofPlatform().start(() -> {
                MemoryMap map = MapOptions.file(file).access(Access.READ, Access.WRITE).backend(backend).confined().map();
                map.write(new byte[] {7}, 0);
                view.set(map.asSegment());
                orphan.set(map);
            });
            owner.join();
            MemoryMap map = orphan.get();
            Caught.report("close-" + name, map::close);
            Caught.report("view-" + name, () -> view.get().get(ValueLayout.JAVA_BYTE, 0));
            Caught.report("read-" + name, () -> map.read(1, 0));
            Caught.report("again-" + name, map::close);
            System.out.println("MAPPED-" + name + " " + Files.readAllLines(Path.of("/proc/self/maps")).stream()
                    .filter(line -> line.endsWith(file.toString())).count());
        }
    }
}
