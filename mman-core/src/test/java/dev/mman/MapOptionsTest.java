package dev.mman;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The typed options API: defaults, every option, its validation, and the typed control calls. */
class MapOptionsTest {

    private static final int PAGE = (int) Mman.pageSize();

    @TempDir
    Path dir;

    private Path file(int length) throws Exception {
        Path file = Files.createTempFile(dir, "options", ".bin");
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i / PAGE + 1);
        }
        Files.write(file, bytes);
        return file;
    }

    @Test
    void anonymousMemoryIsReadableWritableAndPrivateByDefault() {
        try (MemoryMap m = MapOptions.anonymous(2 * PAGE).map()) {
            assertEquals(2L * PAGE, m.size());
            assertEquals(Set.of(Access.READ, Access.WRITE), m.access());
            assertEquals(Mman.PROT_READ | Mman.PROT_WRITE, m.protection());
            assertTrue(m.toString().contains("MAP_PRIVATE"), m.toString());
            m.write(new byte[] {4, 5}, PAGE);
            assertArrayEquals(new byte[] {4, 5}, m.read(2, PAGE));
        }
    }

    @Test
    void aFileIsMappedReadOnlyAndSharedFromTheOffsetToItsEnd() throws Exception {
        Path file = file(4 * PAGE);
        try (MemoryMap m = MapOptions.file(file).offset(PAGE).map()) {
            assertEquals(3L * PAGE, m.size());
            assertEquals(Set.of(Access.READ), m.access());
            assertEquals(2, m.read(1, 0)[0]);
            assertTrue(m.toString().contains("MAP_SHARED"), m.toString());
            MMapException refused = assertThrows(MMapException.class, () -> m.write(new byte[1], 0));
            assertTrue(refused.getMessage().contains("PROT_WRITE"), refused.getMessage());
        }
        try (MemoryMap m = MapOptions.file(file).offset(PAGE).length(PAGE).map()) {
            assertEquals(PAGE, m.size());
        }
    }

    @Test
    void writesReachTheFileWithSharedWriteAndStayPrivateOtherwise() throws Exception {
        Path file = file(2 * PAGE);
        try (MemoryMap m = MapOptions.file(file).access(Access.READ, Access.WRITE).map()) {
            m.write(new byte[] {9}, 0);
            m.msync(SyncMode.SYNC);
            m.msync(0, PAGE, SyncMode.ASYNC);
        }
        assertEquals(9, Files.readAllBytes(file)[0]);
        try (MemoryMap m = MapOptions.file(file).access(EnumSet.of(Access.READ, Access.WRITE))
                .sharing(Sharing.PRIVATE).map()) {
            m.write(new byte[] {3}, 0);
            assertEquals(3, m.read(1, 0)[0]);
        }
        assertEquals(9, Files.readAllBytes(file)[0]);
    }

    @Test
    void theBackendCanBeChosenPerMapping() throws Exception {
        for (Backend backend : Backend.values()) {
            try (MemoryMap m = MapOptions.file(file(PAGE)).backend(backend).populate().map()) {
                assertEquals(backend, m.backend());
                assertEquals(1, m.asSegment().get(ValueLayout.JAVA_BYTE, 0));
            }
        }
    }

    @Test
    void typedProtectionChangesAndReadsBack() {
        try (MemoryMap m = MapOptions.anonymous(PAGE).backend(Backend.NATIVE).map()) {
            m.mprotect(EnumSet.of(Access.READ));
            assertEquals(Set.of(Access.READ), m.access());
            assertEquals(Mman.PROT_READ, m.protection());
            m.mprotect(EnumSet.noneOf(Access.class));
            assertEquals(Set.of(), m.access());
            m.mprotect(Access.of(Mman.PROT_READ | Mman.PROT_WRITE));
            m.write(new byte[] {1}, 0);
            assertThrows(UnsupportedOperationException.class, () -> m.access().add(Access.EXEC));
        }
        assertEquals(Mman.PROT_READ | Mman.PROT_WRITE, Access.bits(EnumSet.of(Access.READ, Access.WRITE)));
        assertEquals(Mman.MAP_SHARED, Sharing.SHARED.bit());
        assertEquals(Mman.MS_ASYNC, SyncMode.ASYNC.bit());
    }

    @Test
    void discardThrowsAwayPrivateContentsAndKeepsSharedOnes() throws Exception {
        try (MemoryMap m = MapOptions.anonymous(2 * PAGE).backend(Backend.NATIVE).map()) {
            m.fill((byte) 7);
            m.discard(0, PAGE);
            assertEquals(0, m.read(1, 0)[0]);
            assertEquals(7, m.read(1, PAGE)[0]);
        }
        Path file = file(PAGE);
        try (MemoryMap m = MapOptions.file(file).access(Access.READ, Access.WRITE).backend(Backend.NATIVE).map()) {
            m.write(new byte[] {5}, 0);
            m.discard(0, PAGE);
            assertEquals(5, m.read(1, 0)[0]);
        }
    }

    @Test
    void theAsyncFormMapsAndPrefaults() throws Exception {
        try (MemoryMap m = MapOptions.file(file(4 * PAGE)).backend(Backend.NATIVE).mapAsync().join()) {
            assertEquals(4, m.residentPages());
        }
        try (MemoryMap m = MapOptions.anonymous(PAGE).mapAsync(Runnable::run).join()) {
            m.write(new byte[] {1}, 0);
        }
        CompletionException failed = assertThrows(CompletionException.class,
                () -> MapOptions.file(dir.resolve("missing")).mapAsync().join());
        assertTrue(failed.getCause() instanceof MMapInvalidParameterException, failed.toString());
    }

    @Test
    void valuesThatAreWrongWhateverElseIsSetAreRefusedAtOnce() {
        MapOptions file = MapOptions.file(dir.resolve("x"));
        refused(() -> MapOptions.anonymous(0), "MapOptions.anonymous(0)", "not positive");
        refused(() -> file.offset(-1), "offset(-1)", "0 or more");
        refused(() -> file.length(0), "length(0)", "not positive");
        refused(() -> MapOptions.anonymous(PAGE).offset(PAGE), "anonymous memory has no offset");
        refused(() -> MapOptions.descriptor(-1), "descriptor(-1)", "0 or more");
        refused(() -> file.prefaultThreads(0), "prefaultThreads(0)", "from 1 to 256");
        refused(() -> file.prefaultThreads(257), "prefaultThreads(257)", "from 1 to 256");
        refused(() -> MapOptions.anonymous(PAGE).confined().mapAsync(), "confined", "map()");
        refused(() -> MapOptions.descriptor(0).mapAsync(), "descriptor", "Path");
        assertThrows(NullPointerException.class, () -> MapOptions.file(null));
        assertThrows(NullPointerException.class, () -> file.sharing(null));
        assertThrows(NullPointerException.class, () -> file.backend(null));
        assertThrows(NullPointerException.class, () -> file.access((Set<Access>) null));
        assertThrows(NullPointerException.class, () -> file.access(Access.READ, (Access) null));
    }

    @Test
    void combinationsAndFilesAreCheckedWhenMapping() throws Exception {
        Path file = file(PAGE);
        refused(() -> MapOptions.file(file).offset(PAGE).map(), "is " + PAGE + " bytes long", "nothing to map");
        refused(() -> MapOptions.file(file).offset(1).length(1).map(), "offset 1");
        refused(() -> MapOptions.file(dir.resolve("missing")).map(), "does not exist");
        refused(() -> MapOptions.anonymous(PAGE).reserve().map(), "no file to reserve");
        refused(() -> MapOptions.file(file).reserve().map(), "reserve() is for a mapping that writes", "PROT_READ");
        refused(() -> MapOptions.file(file).access(Access.READ, Access.WRITE).sharing(Sharing.PRIVATE).reserve().map(),
                "MAP_PRIVATE never does");
        refused(() -> MapOptions.anonymous(PAGE).access(Access.READ, Access.EXEC).map(), "dev.mman.allowExec");
        assertThrows(UnsupportedOperationException.class,
                () -> MapOptions.anonymous(PAGE).backend(Backend.NIO).confined().map());
        assertThrows(UnsupportedOperationException.class,
                () -> MapOptions.descriptor(0).backend(Backend.JDK).map());
    }

    @Test
    void optionsAreImmutableValuesThatDescribeThemselves() {
        MapOptions base = MapOptions.anonymous(PAGE);
        MapOptions changed = base.populate().confined().prefaultThreads(3).backend(Backend.NATIVE);
        assertFalse(base.toString().contains("confined"), base.toString());
        assertEquals("MapOptions[anonymous, " + PAGE + " bytes, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_POPULATE, "
                + "Backend.NATIVE, confined, 3 prefault threads]", changed.toString());
        assertEquals("MapOptions[file f, offset 0, to the end, PROT_READ, MAP_SHARED, reserved]",
                MapOptions.file(Path.of("f")).reserve().toString());
        assertTrue(MapOptions.descriptor(3).hugePages().toString().contains("fd 3"));
    }

    private static void refused(Executable call, String... fragments) {
        MMapInvalidParameterException e = assertThrows(MMapInvalidParameterException.class, call::run);
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "'" + fragment + "' not in: " + e.getMessage());
        }
    }

    /** {@link org.junit.jupiter.api.function.Executable} without the checked exception. */
    @FunctionalInterface
    private interface Executable {
        void run() throws Exception;
    }
}
