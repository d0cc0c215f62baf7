package dev.mman;

import static dev.mman.Mman.MAP_SHARED;
import static dev.mman.Mman.PROT_WRITE;

import dev.mman.internal.FileStatus;
import dev.mman.internal.Platform;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/** The checks a file mapping passes before {@code mmap}: arguments, path and descriptor. */
final class FileChecks {

    private FileChecks() {}

    static boolean needsWrite(int prot, int flags) {
        return (prot & PROT_WRITE) != 0 && (flags & MAP_SHARED) != 0;
    }

    static void arguments(Platform platform, String call, long offset, long size, int prot, int flags) {
        Arguments.size(call, size);
        Arguments.fileOffset(call, offset, size, platform.allocationGranularity());
        Arguments.protection(call, prot);
        Arguments.mapFlags(call, flags, false);
    }

    static void path(String call, Path file) {
        if (!Files.exists(file)) {
            throw Arguments.invalid(call + ": " + file + " does not exist");
        }
        if (Files.isDirectory(file)) {
            throw Arguments.invalid(call + ": " + file + " is a directory; map a regular file");
        }
        if (!Files.isRegularFile(file, new LinkOption[0])) {
            throw Arguments.invalid(call + ": " + file + " is not a regular file; mman maps regular files only");
        }
    }

    static void descriptor(Platform platform, String call, int fd, long offset, long size, int prot, int flags) {
        if (fd < 0) {
            throw Arguments.invalid(call + ": fd " + fd + " is not a file descriptor; use createAnonymous for "
                    + "memory without a file");
        }
        FileStatus status = platform.fileStatus(fd);
        if (status == null) {
            throw Arguments.invalid(call + ": fd " + fd + " is not an open file descriptor (closed already?)");
        }
        switch (status.kind()) {
            case DIRECTORY -> throw Arguments.invalid(call + ": " + platform.describeFd(fd)
                    + " is a directory; map a regular file");
            case OTHER -> throw Arguments.invalid(call + ": " + platform.describeFd(fd)
                    + " is not a regular file; mman maps regular files only");
            case REGULAR -> { }
        }
        if (!status.readable()) {
            throw Arguments.invalid(call + ": " + platform.describeFd(fd) + " was opened write-only; "
                    + "a mapping needs a descriptor open for reading");
        }
        if (needsWrite(prot, flags) && !status.writable()) {
            throw Arguments.invalid(call + ": " + platform.describeFd(fd) + " was opened read-only, so "
                    + "PROT_WRITE with MAP_SHARED cannot be granted; open it for reading and writing, or use "
                    + "MAP_PRIVATE for private copy-on-write changes");
        }
        if (status.size() == 0) {
            throw Arguments.invalid(call + ": " + platform.describeFd(fd) + " is empty; an empty file cannot "
                    + "be mapped, set its length first");
        }
        if (offset + size > status.size()) {
            throw Arguments.invalid(call + ": offset " + offset + " + size " + size + " = " + (offset + size)
                    + " passes the end of " + platform.describeFd(fd) + ", which is " + status.size()
                    + " bytes long; extend the file first (RandomAccessFile.setLength) or map less");
        }
    }

    /** Makes {@code file} at least {@code length} bytes long; a longer file is left alone. */
    static void extend(Platform platform, Path file, long length) {
        path("extend(" + file + ", " + length + ")", file);
        int fd = platform.openFile(file, true);
        try {
            if (platform.fileStatus(fd).size() < length) {
                platform.truncate(fd, length);
            }
        } finally {
            platform.closeFile(fd);
        }
    }
}
