package dev.mman.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Error numbers to names and texts, for Linux and macOS, including numbers neither table knows. */
class ErrnoTableTest {

    @Test
    void linuxNamesAndNumbers() {
        assertEquals("EPERM", ErrnoTable.LINUX.name(1));
        assertEquals("EAGAIN", ErrnoTable.LINUX.name(11));
        assertEquals("ENOMEM", ErrnoTable.LINUX.name(12));
        assertEquals("EINVAL", ErrnoTable.LINUX.name(22));
        assertEquals("EOPNOTSUPP", ErrnoTable.LINUX.name(95));
        assertEquals("EHWPOISON", ErrnoTable.LINUX.name(133));
        assertEquals(11, ErrnoTable.LINUX.number("EAGAIN"));
        assertEquals(75, ErrnoTable.LINUX.number("EOVERFLOW"));
        assertEquals(-1, ErrnoTable.LINUX.number("ENOTSUP"), "Linux has ENOTSUP only as an alias");
    }

    @Test
    void darwinNamesAndNumbers() {
        assertEquals("EAGAIN", ErrnoTable.DARWIN.name(35));
        assertEquals("ENOTSUP", ErrnoTable.DARWIN.name(45));
        assertEquals("ELOOP", ErrnoTable.DARWIN.name(62));
        assertEquals("ENAMETOOLONG", ErrnoTable.DARWIN.name(63));
        assertEquals(35, ErrnoTable.DARWIN.number("EAGAIN"));
        assertEquals(84, ErrnoTable.DARWIN.number("EOVERFLOW"));
        assertEquals(-1, ErrnoTable.DARWIN.number("EHWPOISON"));
    }

    @Test
    void describeGivesNameAndText() {
        assertEquals("ENOMEM (Cannot allocate memory)", ErrnoTable.LINUX.describe(12));
        assertEquals("EAGAIN (Resource temporarily unavailable)", ErrnoTable.DARWIN.describe(35));
        assertEquals("EACCES (Permission denied)", ErrnoTable.DARWIN.describe(13));
    }

    @Test
    void unknownNumbersStayNumbers() {
        assertEquals("errno 4242", ErrnoTable.LINUX.name(4242));
        assertEquals("errno 4242", ErrnoTable.LINUX.describe(4242));
        assertEquals("errno 11", ErrnoTable.DARWIN.name(11), "11 is EDEADLK on macOS, not in the table");
        assertEquals("errno -1", ErrnoTable.DARWIN.describe(-1));
        assertEquals(-1, ErrnoTable.LINUX.number("ENOPE"));
    }

    @Test
    void everyKnownNameHasAText() {
        for (ErrnoTable table : new ErrnoTable[] {ErrnoTable.LINUX, ErrnoTable.DARWIN}) {
            for (int errno = 0; errno < 200; errno++) {
                String name = table.name(errno);
                if (!name.startsWith("errno ")) {
                    assertTrue(table.describe(errno).startsWith(name + " ("), table.describe(errno));
                    assertEquals(errno, table.number(name), name);
                }
            }
        }
    }
}
