package dev.mman.backend;

import static dev.mman.Mman.MAP_PRIVATE;
import static dev.mman.Mman.MAP_SHARED;
import static dev.mman.Mman.MS_SYNC;
import static dev.mman.Mman.PROT_NONE;
import static dev.mman.Mman.PROT_READ;
import static dev.mman.Mman.PROT_WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.Advice;
import dev.mman.Backend;
import dev.mman.MMapException;
import dev.mman.MMapInvalidParameterException;
import dev.mman.MemoryMap;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The same user code on every backend: what a backend supports behaves the same, and what it does
 * not support throws {@link UnsupportedOperationException} naming it and {@code Backend.NATIVE}.
 */
class BackendContractTest {

    @TempDir
    Path dir;

    private Path file(int size) throws IOException {
        byte[] data = new byte[size];
        Arrays.fill(data, (byte) 1);
        return Files.write(dir.resolve("f-" + size + ".bin"), data);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void anonymousMemoryReadsWritesFillsAndViews(Backend backend) {
        try (MemoryMap m = MemoryMap.createAnonymous(8192, PROT_READ | PROT_WRITE, MAP_PRIVATE, backend)) {
            assertEquals(backend, m.backend());
            assertEquals(8192, m.size());
            assertArrayEquals(new byte[16], m.read(16, 100), "anonymous memory starts zeroed");
            m.write(new byte[] {1, 2, 3}, 4000);
            assertArrayEquals(new byte[] {1, 2, 3}, m.read(3, 4000));
            m.fill(8000, 192, (byte) 9);
            MemorySegment view = m.asSegment(ValueLayout.JAVA_LONG);
            assertEquals(9, view.get(ValueLayout.JAVA_BYTE, 8191));
            view.set(ValueLayout.JAVA_BYTE, 0, (byte) 5);
            assertEquals(5, m.read(1)[0]);
            assertEquals(5, m.asByteBuffer().get(0));
            assertTrue(m.address() != 0);
            assertTrue(m.pageSize() >= 4096);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void sharedFileWritesReachTheFileAfterMsync(Backend backend) throws IOException {
        Path file = file(16384);
        try (MemoryMap m = MemoryMap.createFileMapping(file, 4096, 8192, PROT_READ | PROT_WRITE, MAP_SHARED,
                backend)) {
            assertArrayEquals(new byte[] {1, 1}, m.read(2, 0));
            m.write(new byte[] {7, 8}, 10);
            m.msync(0, 4096, MS_SYNC);
            m.msync();
        }
        byte[] onDisk = Files.readAllBytes(file);
        assertEquals(7, onDisk[4096 + 10]);
        assertEquals(8, onDisk[4096 + 11]);
        assertEquals(1, onDisk[10]);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void privateFileWritesStayPrivate(Backend backend) throws IOException {
        Path file = file(4096);
        try (MemoryMap m = MemoryMap.createFileMapping(file, 0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, backend)) {
            m.write(new byte[] {42});
            assertEquals(42, m.read(1)[0]);
        }
        assertEquals(1, Files.readAllBytes(file)[0]);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void protectionAndBoundsAreCheckedTheSameWay(Backend backend) throws IOException {
        Path file = file(4096);
        try (MemoryMap readOnly = MemoryMap.createFileMapping(file, 0, 4096, PROT_READ, MAP_SHARED, backend)) {
            assertTrue(readOnly.asSegment().isReadOnly());
            assertThrows(MMapException.class, () -> readOnly.write(new byte[1]));
            assertThrows(MMapInvalidParameterException.class, () -> readOnly.read(2, 4095));
            assertThrows(MMapInvalidParameterException.class, () -> readOnly.read(1, -1));
        }
        try (MemoryMap none = MemoryMap.createAnonymous(4096, PROT_NONE, MAP_PRIVATE, backend)) {
            assertThrows(MMapException.class, () -> none.read(1));
            assertThrows(MMapException.class, none::asSegment);
        }
        assertThrows(MMapInvalidParameterException.class,
                () -> MemoryMap.createFileMapping(file, 0, 8192, PROT_READ, MAP_SHARED, backend));
        assertThrows(MMapInvalidParameterException.class,
                () -> MemoryMap.createFileMapping(dir.resolve("missing"), 0, 1, PROT_READ, MAP_SHARED, backend));
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void afterCloseEveryCallIsRefusedAndNoViewCrashes(Backend backend) {
        MemoryMap m = MemoryMap.createAnonymous(4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, backend);
        MemorySegment view = m.asSegment();
        m.close();
        m.close();
        assertFalse(m.isValid());
        assertTrue(assertThrows(MMapException.class, () -> m.read(1)).getMessage().contains("closed"));
        assertThrows(MMapException.class, () -> m.write(new byte[1]));
        assertThrows(MMapException.class, m::asSegment);
        if (backend == Backend.NIO) {
            // A buffer cannot be unmapped on request: the view keeps its memory alive until collected.
            assertEquals(0, view.get(ValueLayout.JAVA_BYTE, 0));
        } else {
            assertThrows(IllegalStateException.class, () -> view.get(ValueLayout.JAVA_BYTE, 0));
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"JDK", "NIO"})
    void whatTheBackendCannotDoIsUnsupportedAndNamesTheOneThatCan(Backend backend) throws IOException {
        Path file = file(4096);
        try (MemoryMap m = MemoryMap.createFileMapping(file, 0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, backend)) {
            for (Executable call : new Executable[] {
                () -> m.mprotect(PROT_READ), m::mlock, m::munlock, () -> m.madvise(Advice.WILLNEED),
                m::residency}) {
                UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, call);
                assertTrue(e.getMessage().contains("Backend." + backend) && e.getMessage().contains("Backend.NATIVE"),
                        e.getMessage());
            }
            m.write(new byte[] {3});
            assertEquals(3, m.read(1)[0], "an unsupported call changes nothing");
        }
        UnsupportedOperationException huge = assertThrows(UnsupportedOperationException.class,
                () -> MemoryMap.createAnonymous(2 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | dev.mman.Mman.MAP_HUGETLB,
                        backend));
        assertTrue(huge.getMessage().contains("MAP_HUGETLB"), huge.getMessage());
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = "NIO")
    void nioStopsAtTwoGibibytes(Backend backend) {
        MMapInvalidParameterException e = assertThrows(MMapInvalidParameterException.class,
                () -> MemoryMap.createAnonymous(1L << 31, PROT_READ | PROT_WRITE, MAP_PRIVATE, backend));
        assertTrue(e.getMessage().contains("size 2147483648") && e.getMessage().contains("Backend.NATIVE"),
                e.getMessage());
    }

    @Test
    void theFlagChoosesTheBackendForTheWholeRun() {
        String flag = System.getProperty(Backend.PROPERTY);
        Backend expected = flag == null ? Backend.NATIVE : Backend.parse(flag);
        assertEquals(expected, Backend.selected());
        assertEquals(flag == null ? "native: the default" : flag + ": chosen by -D" + Backend.PROPERTY,
                Backend.selectionReason());
        try (MemoryMap m = MemoryMap.createAnonymous(4096)) {
            assertEquals(expected, m.backend(), "a factory without a Backend uses the selected one");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = "NATIVE")
    void theNativeBackendDoesEverything(Backend backend) {
        try (MemoryMap m = MemoryMap.createAnonymous(4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, backend)) {
            assertEquals(backend, m.backend());
            m.write(new byte[] {1});
            m.mprotect(PROT_READ);
            m.madvise(Advice.WILLNEED);
            assertEquals(1, m.residentPages(), "the one written page is resident");
        }
    }
}
