package dev.mman.internal.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrowsExactly;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.Advice;
import dev.mman.MMapAllocationException;
import dev.mman.MMapException;
import dev.mman.Mman;
import dev.mman.internal.FileStatus;
import dev.mman.internal.Platform;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Linux platform's own checks and error reports, and the sysfs parsing behind SystemInfo. Failing calls use address 1, which is not
 * page-aligned and never mapped, so the kernel refuses them without touching any memory.
 */
class LinuxPlatformTest {

    private static final long UNALIGNED = 1;

    private final Platform linux = Platform.current();

    @TempDir
    Path dir;

    @Test
    void fileStatusDescribesOpenDescriptors() throws IOException {
        Path file = Files.write(dir.resolve("status.bin"), new byte[1234]);
        int readOnly = linux.openFile(file, false);
        int readWrite = linux.openFile(file, true);
        try {
            assertEquals(new FileStatus(FileStatus.Kind.REGULAR, 1234, true, false), linux.fileStatus(readOnly));
            assertEquals(new FileStatus(FileStatus.Kind.REGULAR, 1234, true, true), linux.fileStatus(readWrite));
            assertEquals("fd " + readOnly + " (" + file.toRealPath() + ")", linux.describeFd(readOnly));
        } finally {
            linux.closeFile(readOnly);
            linux.closeFile(readWrite);
        }
        assertNull(linux.fileStatus(readOnly), "a closed descriptor has no status");
        assertEquals("fd " + readOnly, linux.describeFd(readOnly));
    }

    @Test
    void fileStatusKnowsDirectoriesAndDevices() {
        int directory = linux.openFile(dir, false);
        int device = linux.openFile(Path.of("/dev/null"), false);
        try {
            assertEquals(FileStatus.Kind.DIRECTORY, linux.fileStatus(directory).kind());
            assertEquals(0, linux.fileStatus(directory).size());
            assertEquals(FileStatus.Kind.DEVICE, linux.fileStatus(device).kind());
        } finally {
            linux.closeFile(directory);
            linux.closeFile(device);
        }
    }

    @Test
    void openingAMissingFileNamesItAndTheErrno() {
        Path missing = dir.resolve("missing.bin");
        MMapException e = assertThrowsExactly(MMapException.class, () -> linux.openFile(missing, true));
        assertTrue(e.getMessage().contains(missing.toString()) && e.getMessage().contains("ENOENT"), e.getMessage());
        assertEquals(2, e.errno());
    }

    @Test
    void closingAClosedDescriptorReportsEbadf() {
        MMapException e = assertThrowsExactly(MMapException.class, () -> linux.closeFile(100_000));
        assertTrue(e.getMessage().contains("EBADF"), e.getMessage());
    }

    @Test
    void refusedRangeCallsNameTheCallAndEinval() {
        expectErrno("munmap", 22, () -> linux.unmap(UNALIGNED, 4096));
        expectErrno("mprotect", 22, () -> linux.protect(UNALIGNED, 4096, Mman.PROT_READ));
        expectErrno("msync", 22, () -> linux.sync(UNALIGNED, 4096, Mman.MS_SYNC));
        expectErrno("madvise", 22, () -> linux.advise(UNALIGNED, 4096, Advice.NORMAL, true));
        expectErrno("mincore", 22, () -> linux.residency(UNALIGNED, 4096));
    }

    @Test
    void lockingUnmappedMemoryReportsEnomemWithTheLimitHint() {
        MMapException e = expectErrno("mlock", 12, () -> linux.lock(UNALIGNED, 1));
        assertTrue(e.getMessage().contains("RLIMIT_MEMLOCK"), e.getMessage());
        expectErrno("munlock", 12, () -> linux.unlock(UNALIGNED, 1));
    }

    @Test
    void aMappingBeyondTheAddressSpaceIsAnAllocationFailureWithAHint() {
        MMapException e = assertThrowsExactly(MMapAllocationException.class,
                () -> linux.map(1L << 62, Mman.PROT_READ, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, -1, 0));
        assertTrue(e.getMessage().contains("ENOMEM") && e.getMessage().contains("vm.max_map_count"), e.getMessage());
        assertEquals(12, e.errno());
    }

    @Test
    void lockedMemoryLimitIsTheSoftRlimit() throws IOException {
        String line = Files.readAllLines(Path.of("/proc/self/limits")).stream()
                .filter(l -> l.startsWith("Max locked memory")).findFirst().orElseThrow();
        String soft = line.substring("Max locked memory".length()).trim().split("\\s+")[0];
        long expected = soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
        assertEquals(expected, linux.lockedMemoryLimit());
        assertFalse(linux.describe().isEmpty());
    }

    @Test
    void theSelectedWordIsTheOneInBrackets() throws IOException {
        assertEquals("madvise", LinuxPlatform.selectedWord(Files.writeString(dir.resolve("thp"),
                "always [madvise] never\n")));
        assertEquals("always", LinuxPlatform.selectedWord(Files.writeString(dir.resolve("plain"), "always\n")));
        assertEquals("unsupported", LinuxPlatform.selectedWord(dir.resolve("missing")));
    }

    private static MMapException expectErrno(String call, int errno, Executable executable) {
        MMapException e = assertThrowsExactly(MMapException.class, executable);
        assertTrue(e.getMessage().startsWith(call + "(0x1, "), e.getMessage());
        assertEquals(errno, e.errno(), e.getMessage());
        return e;
    }

    @Test
    void aPlaceholderTakesTheFilesPagesOutOfReachAndAbsorbsLateAccesses() throws IOException {
        Path file = dir.resolve("placeholder.bin");
        Files.write(file, new byte[] {'A', 'A', 'A', 'A'});
        int fd = linux.openFile(file, true);
        long address;
        try {
            address = linux.map(4096, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_SHARED, fd, 0);
        } finally {
            linux.closeFile(fd);
        }
        MemorySegment raw = MemorySegment.ofAddress(address).reinterpret(4096);
        raw.set(ValueLayout.JAVA_BYTE, 1, (byte) 'B');
        assertTrue(linux.replaceWithPlaceholder(address, 4096), "Linux has MAP_FIXED placeholders");
        try {
            // What a thread caught inside an access might still do: it finds zeroed, writable memory.
            assertEquals(0, raw.get(ValueLayout.JAVA_BYTE, 0), "the placeholder is fresh anonymous memory");
            raw.set(ValueLayout.JAVA_BYTE, 2, (byte) 'C');
        } finally {
            linux.unmap(address, 4096);
        }
        assertEquals("ABAA", Files.readString(file), "the late write never reached the file");
    }
}
