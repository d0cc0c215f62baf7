package dev.mman.internal.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mman.internal.FileStatus;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reading {@code st_mode} and {@code st_size} out of a filled {@code struct stat}, of either width. */
class StatLayoutTest {

    @Test
    void aSixteenBitModeAndTheSizeAtNinetySix() {
        StatLayout darwin = new StatLayout(4, 2, 96, 144);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment stat = arena.allocate(darwin.byteSize());
            stat.set(ValueLayout.JAVA_INT, 0, 0x01000004); // st_dev
            stat.set(ValueLayout.JAVA_SHORT, 4, (short) 0100644); // st_mode: regular, rw-r--r--
            stat.set(ValueLayout.JAVA_SHORT, 6, (short) 0x7fff); // st_nlink, right after the mode
            stat.set(ValueLayout.JAVA_LONG, 96, 123_456_789_012L);
            assertEquals(0100644, darwin.mode(stat));
            assertEquals(FileStatus.Kind.REGULAR, StatLayout.kind(darwin.mode(stat)));
            assertEquals(123_456_789_012L, darwin.size(stat));
            stat.set(ValueLayout.JAVA_SHORT, 4, (short) 0040755);
            assertEquals(FileStatus.Kind.DIRECTORY, StatLayout.kind(darwin.mode(stat)));
        }
    }

    @Test
    void aThirtyTwoBitMode() {
        StatLayout linux = new StatLayout(24, 4, 48, 144);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment stat = arena.allocate(linux.byteSize());
            stat.set(ValueLayout.JAVA_INT, 24, 0100600);
            stat.set(ValueLayout.JAVA_LONG, 48, 4096);
            assertEquals(0100600, linux.mode(stat));
            assertEquals(4096, linux.size(stat));
        }
    }

    @ParameterizedTest(name = "mode {0}")
    @CsvSource({"0100600, REGULAR", "0040700, DIRECTORY", "0020666, DEVICE", "0060660, DEVICE", "0010600, FIFO", "0140777, SOCKET", "0120777, OTHER"})
    void fileTypesComeFromTheSameBitsOnBothSystems(String octalMode, FileStatus.Kind kind) {
        assertEquals(kind, StatLayout.kind(Integer.parseInt(octalMode, 8)));
    }
}
