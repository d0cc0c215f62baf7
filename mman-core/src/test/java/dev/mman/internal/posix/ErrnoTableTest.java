package dev.mman.internal.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Error numbers to names and texts, and the numbers every table shares; each system's own numbers
 * are checked in its package, with {@link #assertEveryNameHasAText}.
 */
public class ErrnoTableTest {

    private static final ErrnoTable TABLE = new ErrnoTable(Map.of(35, "EAGAIN", 45, "ENOTSUP", 99, "EUNKNOWNTEXT"));

    /**
     * Checks a system's table: a name without a text would make its messages read worse, and a name
     * given to two numbers would make {@link ErrnoTable#number} pick one.
     *
     * @param table the table
     */
    public static void assertEveryNameHasAText(ErrnoTable table) {
        for (int errno = 0; errno < 200; errno++) {
            String name = table.name(errno);
            if (!name.startsWith("errno ")) {
                assertTrue(table.describe(errno).startsWith(name + " ("), table.describe(errno));
                assertEquals(errno, table.number(name), name);
            }
        }
    }

    @Test
    void theVersionSevenNumbersAreInEveryTable() {
        assertEquals("EPERM", TABLE.name(1));
        assertEquals("ENOMEM", TABLE.name(12));
        assertEquals("EINVAL", TABLE.name(22));
        assertEquals("EROFS", TABLE.name(30));
        assertEquals("errno 11", TABLE.name(11), "11 is EAGAIN on Linux but EDEADLK on BSD");
        assertEquals(9, TABLE.number("EBADF"));
    }

    @Test
    void aSystemAddsItsOwnNumbers() {
        assertEquals("EAGAIN", TABLE.name(35));
        assertEquals(45, TABLE.number("ENOTSUP"));
    }

    @Test
    void describeGivesNameAndText() {
        assertEquals("ENOMEM (Cannot allocate memory)", TABLE.describe(12));
        assertEquals("EAGAIN (Resource temporarily unavailable)", TABLE.describe(35));
        assertEquals("EACCES (Permission denied)", TABLE.describe(13));
        assertEquals("ESRCH (No such process)", TABLE.describe(3));
        assertEquals("EUNKNOWNTEXT", TABLE.describe(99), "a name without a text stays a name");
    }

    @Test
    void unknownNumbersStayNumbers() {
        assertEquals("errno 4242", TABLE.name(4242));
        assertEquals("errno 4242", TABLE.describe(4242));
        assertEquals("errno -1", TABLE.describe(-1));
        assertEquals(-1, TABLE.number("ENOPE"));
    }

    @Test
    void theSharedNumbersHaveTexts() {
        assertEveryNameHasAText(new ErrnoTable(Map.of()));
    }
}
