package dev.mman;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mman.testing.ChildJvm;
import dev.mman.testing.ChildResult;
import dev.mman.testing.RunningChild;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A record written through a shared mapping and msync'd survives its writer being SIGKILLed. */
class DurabilityTest {

    /** The exit code of a process killed by SIGKILL (128 + 9). */
    private static final int KILLED = 137;
    private static final int FILE_SIZE = 64 * 1024;
    /** Inside the second page, so that the record is not simply at the start of the file. */
    private static final long OFFSET = 4096 + 123;

    @TempDir
    Path dir;

    @Test
    void syncedRecordIsInTheFileAfterTheWriterIsKilled() throws IOException {
        Path file = Files.write(dir.resolve("journal.bin"), new byte[FILE_SIZE]);
        String record = "mman record " + UUID.randomUUID();

        RunningChild writer = ChildJvm.in(dir).start(DurabilityChild.class.getName(),
                file.toString(), Long.toString(OFFSET), record);
        writer.awaitLine("SYNCED");
        ChildResult killed = writer.killForcibly().assertExit(KILLED);

        byte[] expected = record.getBytes(StandardCharsets.UTF_8);
        byte[] contents = Files.readAllBytes(file);
        assertEquals(FILE_SIZE, contents.length, killed.stdout());
        assertArrayEquals(expected, Arrays.copyOfRange(contents, (int) OFFSET, (int) OFFSET + expected.length));
        assertArrayEquals(new byte[(int) OFFSET], Arrays.copyOf(contents, (int) OFFSET),
                "nothing but the record was written");
    }
}
