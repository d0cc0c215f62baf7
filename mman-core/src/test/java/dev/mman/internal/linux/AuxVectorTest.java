package dev.mman.internal.linux;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mman.Mman;
import dev.mman.internal.posix.Native;
import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuxVectorTest {

    private static final int SC_PAGESIZE = 30;

    @TempDir
    Path dir;

    @Test
    void thePageSizeIsTheOneSysconfReports() throws Throwable {
        long sysconf = (long) Native.plain("sysconf", FunctionDescriptor.of(JAVA_LONG, JAVA_INT)).handle()
                .invokeExact(SC_PAGESIZE);
        assertEquals(sysconf, AuxVector.pageSize());
        assertEquals(sysconf, Mman.pageSize());
    }

    @Test
    void aCraftedVectorIsReadAndABadOneGivesNoAnswer() throws IOException {
        assertEquals(16384, AuxVector.pageSize(vector(3, 0x400040, 6, 16384, 0, 0)));
        assertEquals(-1, AuxVector.pageSize(vector(3, 0x400040, 0, 0, 6, 4096)), "after AT_NULL");
        assertEquals(-1, AuxVector.pageSize(vector(6, 3000)), "not a power of two");
        assertEquals(-1, AuxVector.pageSize(vector(6, -4096)), "negative");
        assertEquals(-1, AuxVector.pageSize(vector(3, 1)), "no AT_PAGESZ");
        Path cut = Files.write(dir.resolve("cut"), new byte[] {6, 0, 0, 0, 0, 0, 0, 0, 0, 16});
        assertEquals(-1, AuxVector.pageSize(cut), "an entry cut short");
        assertEquals(-1, AuxVector.pageSize(dir.resolve("missing")));
    }

    private Path vector(long... pairs) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(pairs.length * Long.BYTES).order(ByteOrder.nativeOrder());
        for (long value : pairs) {
            bytes.putLong(value);
        }
        return Files.write(Files.createTempFile(dir, "auxv", ".bin"), bytes.array());
    }
}
