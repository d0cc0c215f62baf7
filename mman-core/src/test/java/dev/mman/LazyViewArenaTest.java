package dev.mman;

import static dev.mman.Mman.PROT_READ;
import static dev.mman.Mman.PROT_WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.testing.NativeOnly;
import dev.mman.testing.TestBackend;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A mapping creates the arena behind its views on first access, and drops it when rights are
 * taken away. These tests pin the safety rules across those transitions.
 */
class LazyViewArenaTest {

    private static final int READ_WRITE = PROT_READ | PROT_WRITE;

    @TempDir
    Path dir;

    @Test
    void aMappingNeverAccessedClosesAndThenRefusesAccess() {
        MemoryMap m = MemoryMap.createAnonymous(4096);
        m.close();
        assertFalse(m.isValid());
        assertThrows(MMapException.class, () -> m.read(1));
        assertThrows(MMapException.class, m::asSegment);
    }

    @Test
    @NativeOnly("mprotect")
    void rightsCutBeforeTheFirstAccessAreEnforced() {
        try (MemoryMap m = MemoryMap.createAnonymous(4096)) {
            m.mprotect(PROT_READ);
            assertThrows(MMapException.class, () -> m.write(new byte[] {1}));
            assertArrayEquals(new byte[2], m.read(2, 10));
            assertTrue(m.asSegment().isReadOnly());
        }
    }

    @Test
    @NativeOnly("mprotect")
    void aViewDiesWhenWriteIsTakenAwayAndANewOneIsReadOnly() {
        try (MemoryMap m = MemoryMap.createAnonymous(4096)) {
            MemorySegment before = m.asSegment();
            before.set(ValueLayout.JAVA_BYTE, 5, (byte) 9);
            m.mprotect(PROT_READ);
            assertThrows(IllegalStateException.class, () -> before.get(ValueLayout.JAVA_BYTE, 5));
            MemorySegment after = m.asSegment();
            assertTrue(after.isReadOnly());
            assertEquals(9, after.get(ValueLayout.JAVA_BYTE, 5));
        }
    }

    @Test
    @NativeOnly("mprotect")
    void aViewSurvivesRightsBeingAddedAndKeepsItsOwn() {
        try (MemoryMap m = MemoryMap.createAnonymous(4096, PROT_READ)) {
            MemorySegment readOnly = m.asSegment();
            m.mprotect(READ_WRITE);
            assertEquals(0, readOnly.get(ValueLayout.JAVA_BYTE, 0));
            assertTrue(readOnly.isReadOnly());
            m.write(new byte[] {7});
            assertEquals(7, readOnly.get(ValueLayout.JAVA_BYTE, 0));
            assertFalse(m.asSegment().isReadOnly());
        }
    }

    @Test
    @NativeOnly("mprotect")
    void togglingWithoutViewsKeepsDataAndRights() {
        try (MemoryMap m = MemoryMap.createAnonymous(4096)) {
            m.write(new byte[] {1, 2, 3});
            for (int i = 0; i < 3; i++) {
                m.mprotect(PROT_READ);
                assertEquals(PROT_READ, m.protection());
                m.mprotect(READ_WRITE);
            }
            m.write(new byte[] {4}, 3);
            assertArrayEquals(new byte[] {1, 2, 3, 4}, m.read(4));
        }
    }

    @Test
    void aViewTakenBeforeCloseThrowsAfterIt() {
        MemoryMap m = MemoryMap.createAnonymous(4096);
        MemorySegment view = m.asSegment();
        m.close();
        TestBackend.assertClosedViewAccess(() -> view.get(ValueLayout.JAVA_BYTE, 0));
    }

    /**
     * Writers race mprotect and close in a child JVM: every write either lands or throws, and
     * the child never dies of a fault.
     */
    @Test
    void writersRacingMprotectAndCloseNeverCrashTheJvm() throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process child = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED",
                "-XX:ErrorFile=" + dir.resolve("hs_err_pid%p.log"),
                "-cp", System.getProperty("java.class.path"), RaceChild.class.getName())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("child.out").toFile())
                .start();
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child did not finish in 60 s");
        String output = Files.readString(dir.resolve("child.out"));
        assertEquals(0, child.exitValue(), output);
        assertTrue(output.contains("writes landed"), output);
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.filter(f -> f.getFileName().toString().startsWith("hs_err")).toList());
        }
    }

    /** The child of {@link #writersRacingMprotectAndCloseNeverCrashTheJvm}. */
    static final class RaceChild {

        private RaceChild() {}

        public static void main(String[] args) throws InterruptedException {
            AtomicLong landed = new AtomicLong();
            for (int round = 0; round < 20; round++) {
                MemoryMap m = MemoryMap.createAnonymous(1 << 16);
                AtomicBoolean stop = new AtomicBoolean();
                List<Thread> writers = new ArrayList<>();
                for (int t = 0; t < 2; t++) {
                    writers.add(Thread.ofPlatform().start(() -> {
                        byte[] data = new byte[4096];
                        while (!stop.get()) {
                            try {
                                m.write(data, 8192);
                                m.fill(8192, 4096, (byte) 1);
                                landed.incrementAndGet();
                            } catch (MMapException refused) {
                                if (!m.isValid()) {
                                    return;
                                }
                            }
                        }
                    }));
                }
                for (int i = 0; i < 200; i++) {
                    m.mprotect(PROT_READ);
                    m.mprotect(READ_WRITE);
                }
                m.close();
                stop.set(true);
                for (Thread writer : writers) {
                    writer.join();
                }
            }
            System.out.println(landed.get() + " writes landed");
        }
    }
}
