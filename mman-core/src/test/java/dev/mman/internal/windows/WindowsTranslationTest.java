package dev.mman.internal.windows;

import static dev.mman.Mman.MAP_ANONYMOUS;
import static dev.mman.Mman.MAP_PRIVATE;
import static dev.mman.Mman.MAP_SHARED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.MMapAllocationException;
import dev.mman.MMapException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Windows backend's pure parts beyond {@link WindowsConstantsTest}: the view's maximum
 * protection, shared-memory object names, the granularity check, failure messages and hints, and
 * the descriptor and view tables. They run here on Linux; the kernel32 calls have not run on Windows.
 */
class WindowsTranslationTest {

    /**
     * Each row: prot asked for, flags, whether the handle is writable, the maximum protection the view
     * is created with. Private views can always become writable (copy-on-write); shared ones only
     * through a writable handle; every view is readable; execute only when asked.
     */
    @ParameterizedTest(name = "prot {0}, flags {1}, writable handle {2}")
    @CsvSource({
        "0, 1, false, 1",
        "0, 1, true, 3",
        "1, 1, false, 1",
        "2, 1, true, 3",
        "0, 2, false, 3",
        "1, 2, false, 3",
        "4, 1, false, 5",
        "4, 2, false, 7",
        "7, 1, true, 7"
    })
    void viewsAreCreatedWithTheMostTheHandleAllows(int prot, int flags, boolean writable, int maximum) {
        assertEquals(maximum, WindowsConstants.maximumProtection(prot, flags, writable));
    }

    @Test
    void aPrivateReadOnlyRequestStillMapsCopyOnWriteSoMprotectCanAddWrite() {
        int maximum = WindowsConstants.maximumProtection(1, MAP_PRIVATE, false);
        assertEquals(WindowsConstants.PAGE_WRITECOPY, WindowsConstants.fileMappingProtection(maximum, MAP_PRIVATE));
        assertEquals(WindowsConstants.FILE_MAP_COPY, WindowsConstants.desiredAccess(maximum, MAP_PRIVATE));
        assertEquals(WindowsConstants.PAGE_READONLY, WindowsConstants.pageProtection(1, MAP_PRIVATE));
    }

    @Test
    void aSharedViewOfAReadOnlyHandleStaysReadOnly() {
        int maximum = WindowsConstants.maximumProtection(1, MAP_SHARED, false);
        assertEquals(WindowsConstants.PAGE_READONLY, WindowsConstants.fileMappingProtection(maximum, MAP_SHARED));
        assertEquals(WindowsConstants.FILE_MAP_READ, WindowsConstants.desiredAccess(maximum, MAP_SHARED));
    }

    @Test
    void sharedMemoryNamesGoToTheSessionNamespace() {
        assertEquals("Local\\ring", WindowsConstants.sharedMemoryName("/ring"));
        assertEquals("Local\\a.b-c_d", WindowsConstants.sharedMemoryName("/a.b-c_d"));
        IllegalArgumentException backslash = assertThrows(IllegalArgumentException.class,
                () -> WindowsConstants.sharedMemoryName("/Global\\x"));
        assertTrue(backslash.getMessage().contains("backslash"), backslash.getMessage());
        assertEquals(253, WindowsConstants.SHARED_MEMORY_NAME_MAX);
        assertEquals(260, WindowsConstants.SHARED_MEMORY_NAME_MAX + "Local\\".length() + 1);
    }

    @Test
    void offsetsMustBeMultiplesOfTheAllocationGranularityNotThePageSize() {
        assertNull(WindowsConstants.offsetProblem(0, 65536));
        assertNull(WindowsConstants.offsetProblem(3 * 65536, 65536));
        assertEquals("offset 4096 is not a multiple of Windows' allocation granularity (65536 bytes, not the page "
                + "size): MapViewOfFile would fail with ERROR_MAPPED_ALIGNMENT; map from 0 and skip 4096 bytes",
                WindowsConstants.offsetProblem(4096, 65536));
        assertTrue(WindowsConstants.offsetProblem(65536 + 100, 65536).endsWith("map from 65536 and skip 100 bytes"));
    }

    @Test
    void failuresNameTheErrorCodeAndItsNumber() {
        assertEquals("VirtualLock(0x10000, 4096) failed: ERROR_WORKING_SET_QUOTA (1453). Hint: "
                        + WindowsConstants.lockHint(1453),
                Kernel32.failure("VirtualLock(0x10000, 4096)", 1453, WindowsConstants.lockHint(1453), false)
                        .getMessage());
        assertEquals("CloseHandle failed: ERROR_INVALID_HANDLE (6)",
                Kernel32.failure("CloseHandle", 6, null, false).getMessage());
        assertEquals("x failed: error 4242 (4242)", Kernel32.failure("x", 4242, null, false).getMessage());
        assertEquals(4242, Kernel32.failure("x", 4242, null, false).errno());
    }

    @Test
    void failuresBecomeMmapExceptionsCarryingTheCode() {
        MMapException plain = Kernel32.failure("VirtualProtect", 87, null, false);
        assertEquals(MMapException.class, plain.getClass());
        assertTrue(plain.getMessage().contains("ERROR_INVALID_PARAMETER"), plain.getMessage());
        MMapException allocation = Kernel32.failure("MapViewOfFile", 8, WindowsConstants.mapHint(8), true);
        assertEquals(MMapAllocationException.class, allocation.getClass());
        assertTrue(allocation.getMessage().contains("paging file"), allocation.getMessage());
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({
        "1, ERROR_INVALID_FUNCTION",
        "2, ERROR_FILE_NOT_FOUND",
        "32, ERROR_SHARING_VIOLATION",
        "50, ERROR_NOT_SUPPORTED",
        "112, ERROR_DISK_FULL",
        "158, ERROR_NOT_LOCKED",
        "183, ERROR_ALREADY_EXISTS",
        "1006, ERROR_FILE_INVALID"
    })
    void namesTheCodesTheBackendMeets(int code, String name) {
        assertEquals(name, WindowsConstants.errorName(code));
    }

    @Test
    void mapAndOpenHintsSayWhatToChange() {
        assertTrue(WindowsConstants.mapHint(5).contains("opened for writing"));
        assertTrue(WindowsConstants.mapHint(1455).contains("paging file"));
        assertTrue(WindowsConstants.mapHint(1132).contains("64 KiB"));
        assertTrue(WindowsConstants.mapHint(1006).contains("empty"));
        assertNull(WindowsConstants.mapHint(87));
        assertTrue(WindowsConstants.openHint(5, true).contains("writing"));
        assertTrue(WindowsConstants.openHint(5, false).contains("reading"));
        assertTrue(WindowsConstants.openHint(32, false).contains("without sharing"));
        assertNull(WindowsConstants.openHint(2, false));
    }

    @Test
    void aMissingKernel32IsOneClearSentence() {
        assertEquals("the Windows backend could not load kernel32.dll: is this really Windows?",
                Kernel32.notWindows("kernel32.dll"));
    }

    @Test
    void viewsAreFoundByAnyRangeInsideThem() {
        WindowsViews views = new WindowsViews();
        WindowsViews.View file = new WindowsViews.View(0x10000, 0x20000, MAP_PRIVATE, 44, false);
        WindowsViews.View anonymous = new WindowsViews.View(0x100000, 0x1000, MAP_PRIVATE | MAP_ANONYMOUS, 0, true);
        views.add(file);
        views.add(anonymous);
        assertSame(file, views.containing(0x10000, 0x20000));
        assertSame(file, views.containing(0x18000, 0x1000));
        assertNull(views.containing(0x18000, 0x20000), "runs past the view's end");
        assertNull(views.containing(0x8000, 0x1000), "below every view");
        assertSame(anonymous, views.containing(0x100000, 1));
        assertNull(views.containing(0x101000, 1));
        assertSame(file, views.remove(0x10000));
        assertNull(views.containing(0x18000, 1));
    }

    @Test
    void anonymousViewsAreNeverCopyOnWrite() {
        WindowsViews.View file = new WindowsViews.View(0, 4096, MAP_PRIVATE, 44, false);
        WindowsViews.View anonymous = new WindowsViews.View(0, 4096, MAP_PRIVATE | MAP_ANONYMOUS, 0, true);
        assertEquals(WindowsConstants.PAGE_WRITECOPY, WindowsConstants.pageProtection(3, file.protectionFlags()));
        assertEquals(WindowsConstants.PAGE_READWRITE, WindowsConstants.pageProtection(3, anonymous.protectionFlags()));
    }

    @Test
    void descriptorsAreOwnNumbersAboveTheStandardStreams() {
        WindowsDescriptors table = new WindowsDescriptors();
        int file = table.add(new WindowsDescriptors.File(0x1234, Path.of("data.bin"), true));
        int section = table.add(new WindowsDescriptors.Section("Local\\ring", 0, 0));
        assertTrue(file >= 3 && section > file, file + ", " + section);
        assertEquals(new WindowsDescriptors.File(0x1234, Path.of("data.bin"), true), table.get(file));
        table.replace(section, new WindowsDescriptors.Section("Local\\ring", 0x88, 4096));
        assertEquals(new WindowsDescriptors.Section("Local\\ring", 0x88, 4096), table.get(section));
        assertEquals(new WindowsDescriptors.File(0x1234, Path.of("data.bin"), true), table.remove(file));
        assertNull(table.get(file));
        table.replace(file, new WindowsDescriptors.Section("Local\\late", 1, 1));
        assertNull(table.get(file), "replacing a closed descriptor must not reopen it");
        assertFalse(table.get(section) instanceof WindowsDescriptors.File);
    }
}
