package dev.mman.internal;

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
        REGULAR,
        /** A directory. */
        DIRECTORY,
        /** Anything else: a pipe, socket or device. */
        OTHER;

        /**
         * The kind of the file that {@code attributes} describe.
         *
         * @param attributes what {@code Files.readAttributes} found
         * @return its kind
         */
        public static Kind of(BasicFileAttributes attributes) {
            return attributes.isRegularFile() ? REGULAR : attributes.isDirectory() ? DIRECTORY : OTHER;
        }
    }
}
