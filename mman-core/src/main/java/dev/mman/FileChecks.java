package dev.mman;

import static dev.mman.Mman.MAP_SHARED;
import static dev.mman.Mman.PROT_WRITE;

import dev.mman.internal.FileStatus;
import dev.mman.internal.OpenedFile;
import dev.mman.internal.Platform;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.function.Supplier;

/** The checks a file mapping passes before {@code mmap}: arguments, path and descriptor. */
final class FileChecks {

    /** The errno of a populate that met a page it could not fault in: the same on Linux and macOS. */
    private static final int EFAULT = 14;

    private FileChecks() {}

    static boolean needsWrite(int prot, int flags) {
        return (prot & PROT_WRITE) != 0 && (flags & MAP_SHARED) != 0;
    }

    static void arguments(long granularity, Supplier<String> call, long offset, long size, int prot, int flags) {
        Arguments.size(call, size);
        Arguments.fileOffset(call, offset, size, granularity);
        Arguments.protection(call, prot);
        Arguments.mapFlags(call, flags, false);
    }

    /** One stat of the path (following links), not one per question: each costs a system call. */
    static void path(Supplier<String> call, Path file) {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (IOException missing) {
            throw missing(call, file);
        }
        kind(call, file::toString, FileStatus.Kind.of(file, attributes));
    }

    /**
     * Opens a file to map it, with the checks of {@link #path} and {@link #length}, in one
     * {@code open} and one {@code fstat} where the platform allows.
     *
     * @return the open descriptor, which the caller closes
     */
    static int open(Platform platform, Supplier<String> call, Path file, long offset, long size, boolean writable) {
        OpenedFile opened = platform.openForMapping(file, writable);
        if (opened.missing()) {
            throw missing(call, file);
        }
        try {
            kind(call, file::toString, opened.status().kind());
            length(call, file.toString(), opened.status().size(), offset, size);
            return opened.fd();
        } catch (RuntimeException refused) {
            if (opened.fd() >= 0) {
                platform.closeFile(opened.fd());
            }
            throw refused;
        }
    }

    private static MMapInvalidParameterException missing(Supplier<String> call, Path file) {
        return Arguments.invalid(call.get() + ": " + file + " does not exist");
    }

    /** Refuses anything but a regular file; {@code name} names the file or descriptor in the message. */
    private static void kind(Supplier<String> call, Supplier<String> name, FileStatus.Kind kind) {
        switch (kind) {
            case DIRECTORY -> throw Arguments.invalid(call.get() + ": " + name.get() + " is a directory; map a "
                    + "regular file");
            case REGULAR -> { }
            case OTHER -> throw Arguments.invalid(call.get() + ": " + name.get() + " is not a regular file; mman "
                    + "maps regular files only");
            default -> throw Arguments.invalid(call.get() + ": " + name.get() + " is " + kind.noun() + ", not a "
                    + "regular file; mman maps regular files only");
        }
    }

    static void descriptor(Platform platform, Supplier<String> call, int fd, long offset, long size, int prot,
            int flags) {
        if (fd < 0) {
            throw Arguments.invalid(call.get() + ": fd " + fd + " is not a file descriptor; use createAnonymous for "
                    + "memory without a file");
        }
        FileStatus status = platform.fileStatus(fd);
        if (status == null) {
            throw Arguments.invalid(call.get() + ": fd " + fd + " is not an open file descriptor (closed already?)");
        }
        kind(call, () -> platform.describeFd(fd), status.kind());
        if (!status.readable()) {
            throw Arguments.invalid(call.get() + ": " + platform.describeFd(fd) + " was opened write-only; "
                    + "a mapping needs a descriptor open for reading");
        }
        if (needsWrite(prot, flags) && !status.writable()) {
            throw Arguments.invalid(call.get() + ": " + platform.describeFd(fd) + " was opened read-only, so "
                    + "PROT_WRITE with MAP_SHARED cannot be granted; open it for reading and writing, or use "
                    + "MAP_PRIVATE for private copy-on-write changes");
        }
        length(call, platform.describeFd(fd), status.size(), offset, size);
    }

    /** Refuses an empty file, and a range that passes the end of the file. */
    static void length(Supplier<String> call, String fileName, long fileSize, long offset, long size) {
        if (fileSize == 0 && (fileName.startsWith("/proc/") || fileName.startsWith("/sys/"))) {
            // Their size of 0 is not a length to set: their bytes are made by the kernel on each read.
            throw Arguments.invalid(call.get() + ": " + fileName + " is a kernel file whose size reads as 0; it has "
                    + "no pages to map: read it instead (Files.readAllBytes)");
        }
        if (fileSize == 0) {
            throw Arguments.invalid(call.get() + ": " + fileName + " is empty; an empty file cannot "
                    + "be mapped, set its length first");
        }
        if (offset + size > fileSize) {
            throw Arguments.invalid(call.get() + ": offset " + offset + " + size " + size + " = " + (offset + size)
                    + " passes the end of " + fileName + ", which is " + fileSize
                    + " bytes long; extend the file first (RandomAccessFile.setLength) or map less");
        }
    }

    /**
     * Makes {@code file} at least {@code length} bytes long; a longer file is left alone.
     *
     * @return the length it had, for {@link #restoreLength}
     */
    static long extend(Platform platform, Path file, long length) {
        path(() -> "extend(" + file + ", " + length + ")", file);
        int fd = platform.openFile(file, true);
        try {
            long before = platform.openedFileSize(fd);
            if (before < length) {
                platform.truncate(fd, length);
            }
            return before;
        } finally {
            platform.closeFile(fd);
        }
    }

    /** The same, through java.nio where the backend may not make native calls. */
    static long extend(Backend backend, Path file, long length) {
        if (backend == Backend.NATIVE) {
            return extend(Platform.current(), file, length);
        }
        path(() -> "extend(" + file + ", " + length + ")", file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            long before = channel.size();
            if (before < length) {
                channel.write(ByteBuffer.allocate(1), length - 1); // the gap reads as zeros, as after ftruncate
            }
            return before;
        } catch (IOException e) {
            throw new MMapException("extend(" + file + ", " + length + ") failed: " + e.getMessage()
                    + "; check that the file is writable and the disk has room", e);
        }
    }

    /**
     * Undoes {@link #extend} after a refused resize: a file that {@code extend} grew from
     * {@code before} to {@code extended} bytes, and that nobody has resized since, gets its length
     * back. A failure to do so is added to {@code refusal}, which the caller throws.
     */
    static void restoreLength(Path file, long before, long extended, RuntimeException refusal) {
        if (before >= extended) {
            return; // extend left the file alone
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            if (channel.size() == extended) {
                channel.truncate(before);
            }
        } catch (IOException | RuntimeException e) {
            refusal.addSuppressed(new MMapException("the file " + file + " stays " + extended + " bytes long, not "
                    + before + " as before the resize (" + e + "); truncate it yourself", e));
        }
    }

    /**
     * Why an access to a mapping of {@code size} bytes at {@code fileOffset} of {@code file} (null
     * for memory without a path) faulted, judged by the file's length now: a file shorter than the
     * mapping was truncated; one that still covers it had no space for the page (a write into a
     * hole of a sparse file on a full file system).
     */
    static String faultReason(Path file, long fileOffset, long size) {
        if (file == null) {
            return "the object behind it is shorter than the mapping (was it truncated while mapped?), or there was "
                    + "no space left for the page (a full file system or /dev/shm)";
        }
        long length;
        try {
            length = Files.size(file);
        } catch (IOException gone) {
            return "the backing file cannot be examined any more (" + gone + "); it was probably truncated or removed";
        }
        long end = fileOffset + size;
        if (length < end) {
            return "the backing file is now " + length + " bytes, shorter than the mapping's end at " + end
                    + " (was it truncated while mapped?). Extend the file again or map a shorter range";
        }
        return "the backing file still covers the mapping (" + length + " bytes), so the kernel had no space for the "
                + "page: the file system is full (writing into a hole of a sparse file needs free space). Free some "
                + "space, or allocate the file's blocks before mapping it";
    }

    /**
     * A populate that the kernel refused with {@code EFAULT} could not fault a page in, as an
     * access would have faulted; it is said with {@code reason} ({@link #faultReason}) instead of
     * the errno's generic hint. Any other refusal is returned as it is.
     */
    static MMapException populateRefused(String call, String reason, MMapException refused) {
        if (refused.errno() != EFAULT) {
            return refused;
        }
        MMapException said = new MMapException(call + " could not fault a page in: " + reason, EFAULT);
        said.initCause(refused);
        return said;
    }
}
