package dev.mman;

import static dev.mman.testing.Caught.assertCaught;
import static dev.mman.testing.Caught.assertReturned;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.testing.ChildJvm;
import dev.mman.testing.ChildResult;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link MappedRecords} over a file a peer truncates or extends mid-iteration, on the run's backend:
 * the records of the current window are still read, the next window's mapping fails with an
 * {@link MMapException} that says the file shrank since the iteration began, and records appended
 * meanwhile are not seen. Before, the failure was {@code createFileMapping}'s advice to "extend
 * the file first", or on NATIVE a bare {@code EFAULT} from {@code madvise} that left the window
 * mapped until the garbage collector came.
 */
class RecordsTruncationTest {

    @TempDir
    Path dir;

    @Test
    void aTruncatedFileEndsTheIterationWithAnMMapExceptionAfterTheCurrentWindow() {
        ChildResult child = ChildJvm.in(dir).run(RecordsTruncationScenario.class, dir.toString()).assertCleanExit();
        String message = assertCaught(child, "truncated", MMapException.class);
        assertTrue(message.contains("truncated meanwhile") && message.contains("record 16384"), message);
        assertEquals("READ 16384", child.line("READ "), "every record of the first window was read");
        assertReturned(child, "extended");
        assertEquals("EXTENDED-COUNT 32768", child.line("EXTENDED-COUNT "), "the count is fixed when it begins");
    }
}
