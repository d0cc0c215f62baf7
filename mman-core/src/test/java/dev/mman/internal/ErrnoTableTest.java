package dev.mman.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Error numbers to names and texts, for Linux and macOS, including numbers neither table knows. */
class ErrnoTableTest {

    @Test
    void linuxNamesAndNumbers() {
        assertEquals("EPERM", LinuxConstants.ERRNO.name(1));
        assertEquals("EAGAIN", LinuxConstants.ERRNO.name(11));
        assertEquals("ENOMEM", LinuxConstants.ERRNO.name(12));
        assertEquals("EINVAL", LinuxConstants.ERRNO.name(22));
        assertEquals("EOPNOTSUPP", LinuxConstants.ERRNO.name(95));
        assertEquals("EHWPOISON", LinuxConstants.ERRNO.name(133));
        assertEquals(11, LinuxConstants.ERRNO.number("EAGAIN"));
        assertEquals(75, LinuxConstants.ERRNO.number("EOVERFLOW"));
        assertEquals(-1, LinuxConstants.ERRNO.number("ENOTSUP"), "Linux has ENOTSUP only as an alias");
    }

    @Test
    void darwinNamesAndNumbers() {
        assertEquals("EAGAIN", DarwinConstants.ERRNO.name(35));
        assertEquals("ENOTSUP", DarwinConstants.ERRNO.name(45));
        assertEquals("ELOOP", DarwinConstants.ERRNO.name(62));
        assertEquals("ENAMETOOLONG", DarwinConstants.ERRNO.name(63));
        assertEquals(35, DarwinConstants.ERRNO.number("EAGAIN"));
        assertEquals(84, DarwinConstants.ERRNO.number("EOVERFLOW"));
        assertEquals(-1, DarwinConstants.ERRNO.number("EHWPOISON"));
    }

    @Test
    void describeGivesNameAndText() {
        assertEquals("ENOMEM (Cannot allocate memory)", LinuxConstants.ERRNO.describe(12));
        assertEquals("EAGAIN (Resource temporarily unavailable)", DarwinConstants.ERRNO.describe(35));
        assertEquals("EACCES (Permission denied)", DarwinConstants.ERRNO.describe(13));
    }

    @Test
    void unknownNumbersStayNumbers() {
        assertEquals("errno 4242", LinuxConstants.ERRNO.name(4242));
        assertEquals("errno 4242", LinuxConstants.ERRNO.describe(4242));
        assertEquals("errno 11", DarwinConstants.ERRNO.name(11), "11 is EDEADLK on macOS, not in the table");
        assertEquals("errno -1", DarwinConstants.ERRNO.describe(-1));
        assertEquals(-1, LinuxConstants.ERRNO.number("ENOPE"));
    }

    @Test
    void everyKnownNameHasAText() {
        for (ErrnoTable table : new ErrnoTable[] {LinuxConstants.ERRNO, DarwinConstants.ERRNO}) {
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
