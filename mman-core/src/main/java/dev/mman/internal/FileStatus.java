package dev.mman.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * What mman needs to know about an open file descriptor before it maps it.
 *
 * @param kind what sort of file it is
 * @param size its length in bytes (0 for anything but a regular file)
 * @param readable whether it was opened for reading
 * @param writable whether it was opened for writing
 */
public record FileStatus(Kind kind, long size, boolean readable, boolean writable) {

    /** The sort of file behind a descriptor. */
    public enum Kind {
        /** A regular file: the only kind mman maps. */
        REGULAR("a regular file"),
        /** A directory. */
        DIRECTORY("a directory"),
        /** A FIFO (named pipe). */
        FIFO("a FIFO (named pipe)"),
        /** A Unix-domain socket. */
        SOCKET("a socket"),
        /** A character or block device. */
        DEVICE("a device file"),
        /** Anything else, or a kind the platform does not tell. */
        OTHER("not a regular file");

        // The S_IFMT bits of st_mode, the same on Linux and macOS.
        private static final int S_IFMT = 0xF000;
        private static final int S_IFIFO = 0x1000;
        private static final int S_IFCHR = 0x2000;
        private static final int S_IFDIR = 0x4000;
        private static final int S_IFBLK = 0x6000;
        private static final int S_IFREG = 0x8000;
        private static final int S_IFSOCK = 0xC000;

        private final String noun;

        Kind(String noun) {
            this.noun = noun;
        }

        /**
         * {@return what the kind is, for messages: "a FIFO (named pipe)"}
         */
        public String noun() {
            return noun;
        }

        /**
         * The kind of the file that {@code attributes} describe.
         *
         * @param attributes what {@code Files.readAttributes} found
         * @return its kind
         */
        public static Kind of(BasicFileAttributes attributes) {
            return attributes.isRegularFile() ? REGULAR : attributes.isDirectory() ? DIRECTORY : OTHER;
        }

        /**
         * The kind of the file at {@code path}, which {@code attributes} describe: where those say
         * only "other", the Unix mode tells a FIFO, a socket and a device apart.
         *
         * @param path the file
         * @param attributes what {@code Files.readAttributes} found for it
         * @return its kind
         */
        public static Kind of(Path path, BasicFileAttributes attributes) {
            Kind kind = of(attributes);
            if (kind != OTHER) {
                return kind;
            }
            try {
                return ofMode((Integer) Files.getAttribute(path, "unix:mode"));
            } catch (IOException | RuntimeException noUnixView) {
                return OTHER; // Windows, or a file system without the view
            }
        }

        /**
         * The kind a POSIX {@code st_mode} describes.
         *
         * @param mode the mode
         * @return its kind
         */
        public static Kind ofMode(int mode) {
            return switch (mode & S_IFMT) {
                case S_IFREG -> REGULAR;
                case S_IFDIR -> DIRECTORY;
                case S_IFIFO -> FIFO;
                case S_IFSOCK -> SOCKET;
                case S_IFCHR, S_IFBLK -> DEVICE;
                default -> OTHER;
            };
        }
    }
}
