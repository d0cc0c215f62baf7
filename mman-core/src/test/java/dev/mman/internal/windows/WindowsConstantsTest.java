package dev.mman.internal.windows;

import static dev.mman.Mman.MAP_PRIVATE;
import static dev.mman.Mman.MAP_SHARED;
import static dev.mman.Mman.MS_ASYNC;
import static dev.mman.Mman.MS_INVALIDATE;
import static dev.mman.Mman.MS_SYNC;
import static dev.mman.Mman.PROT_EXEC;
import static dev.mman.Mman.PROT_NONE;
import static dev.mman.Mman.PROT_READ;
import static dev.mman.Mman.PROT_WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The Win32 translation, for every protection combined with shared and private mappings. */
class WindowsConstantsTest {

    private static final int R = PROT_READ;
    private static final int W = PROT_WRITE;
    private static final int X = PROT_EXEC;

    /**
     * Each row: prot, flags, page protection, file-mapping protection, desired access. Private
     * writes are copy-on-write, PROT_NONE is no access, and mapping objects are at least readable.
     */
    @ParameterizedTest(name = "prot {0}, flags {1}")
    @CsvSource({
        "0, 1, 0x01, 0x02, 0x04",
        "0, 2, 0x01, 0x02, 0x04",
        "1, 1, 0x02, 0x02, 0x04",
        "1, 2, 0x02, 0x02, 0x04",
        "2, 1, 0x04, 0x04, 0x02",
        "2, 2, 0x08, 0x08, 0x01",
        "3, 1, 0x04, 0x04, 0x02",
        "3, 2, 0x08, 0x08, 0x01",
        "4, 1, 0x10, 0x20, 0x24",
        "4, 2, 0x10, 0x20, 0x24",
        "5, 1, 0x20, 0x20, 0x24",
        "5, 2, 0x20, 0x20, 0x24",
        "6, 1, 0x40, 0x40, 0x22",
        "6, 2, 0x80, 0x80, 0x21",
        "7, 1, 0x40, 0x40, 0x22",
        "7, 2, 0x80, 0x80, 0x21"
    })
    void translatesEveryProtectionForSharedAndPrivate(int prot, int flags, String page, String object, String access) {
        assertEquals(Integer.decode(page), WindowsConstants.pageProtection(prot, flags), "pageProtection");
        assertEquals(Integer.decode(object), WindowsConstants.fileMappingProtection(prot, flags), "fileMappingProtection");
        assertEquals(Integer.decode(access), WindowsConstants.desiredAccess(prot, flags), "desiredAccess");
    }

    @Test
    void namedCasesThatMmanWin32GotWrong() {
        assertEquals(WindowsConstants.PAGE_NOACCESS, WindowsConstants.pageProtection(PROT_NONE, MAP_SHARED));
        assertEquals(WindowsConstants.PAGE_WRITECOPY, WindowsConstants.pageProtection(R | W, MAP_PRIVATE));
        assertEquals(WindowsConstants.FILE_MAP_COPY, WindowsConstants.desiredAccess(R | W, MAP_PRIVATE));
        assertEquals(WindowsConstants.FILE_MAP_WRITE, WindowsConstants.desiredAccess(R | W, MAP_SHARED));
        assertEquals(WindowsConstants.FILE_MAP_READ | WindowsConstants.FILE_MAP_EXECUTE,
                WindowsConstants.desiredAccess(R | X, MAP_SHARED));
    }

    @Test
    void onlyMsSyncFlushesTheFileBuffers() {
        assertTrue(WindowsConstants.flushFileBuffers(MS_SYNC));
        assertTrue(WindowsConstants.flushFileBuffers(MS_SYNC | MS_INVALIDATE));
        assertFalse(WindowsConstants.flushFileBuffers(MS_ASYNC));
        assertFalse(WindowsConstants.flushFileBuffers(MS_ASYNC | MS_INVALIDATE));
    }

    @Test
    void splitsSixtyFourBitValuesIntoDwords() {
        assertEquals(0, WindowsConstants.high(4096));
        assertEquals(4096, WindowsConstants.low(4096));
        assertEquals(2, WindowsConstants.high(8L << 30));
        assertEquals(0, WindowsConstants.low(8L << 30));
        assertEquals(1, WindowsConstants.high(0x1_8000_0000L));
        assertEquals(0x8000_0000, WindowsConstants.low(0x1_8000_0000L));
        assertEquals(-1, WindowsConstants.high(-1L));
        assertEquals(-1, WindowsConstants.low(-1L));
        assertEquals(65536, WindowsConstants.ALLOCATION_GRANULARITY);
    }

    @Test
    void namesErrorCodes() {
        assertEquals("ERROR_ACCESS_DENIED", WindowsConstants.errorName(5));
        assertEquals("ERROR_NOT_ENOUGH_MEMORY", WindowsConstants.errorName(8));
        assertEquals("ERROR_INVALID_PARAMETER", WindowsConstants.errorName(87));
        assertEquals("ERROR_MAPPED_ALIGNMENT", WindowsConstants.errorName(1132));
        assertEquals("ERROR_PRIVILEGE_NOT_HELD", WindowsConstants.errorName(1314));
        assertEquals("ERROR_WORKING_SET_QUOTA", WindowsConstants.errorName(1453));
        assertEquals("ERROR_COMMITMENT_LIMIT", WindowsConstants.errorName(1455));
        assertEquals("error 99999", WindowsConstants.errorName(99999));
    }

    @Test
    void lockHintsNameTheRemedy() {
        assertTrue(WindowsConstants.lockHint(1453).contains("SetProcessWorkingSetSize"));
        assertTrue(WindowsConstants.lockHint(1816).contains("SetProcessWorkingSetSize"));
        assertTrue(WindowsConstants.lockHint(1314).contains("SeLockMemoryPrivilege"));
        assertNull(WindowsConstants.lockHint(5));
    }
}
