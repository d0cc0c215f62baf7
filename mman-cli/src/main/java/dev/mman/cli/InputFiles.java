package dev.mman.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Checks the files a page-cache command was given before any of them is touched, so that a typo
 * in the third name does not leave the first two half done.
 */
final class InputFiles {

    private InputFiles() {}

    /**
     * Checks every file and returns their sizes.
     *
     * @throws UserError naming the first file that cannot be mapped, and why
     */
    static long[] sizes(List<Path> files) {
        long[] sizes = new long[files.size()];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = size(files.get(i));
        }
        return sizes;
    }

    static long size(Path file) {
        if (!Files.exists(file)) {
            throw new UserError(file + ": no such file");
        }
        if (Files.isDirectory(file)) {
            throw new UserError(file + ": is a directory; give the files inside it");
        }
        if (!Files.isRegularFile(file)) {
            throw new UserError(file + ": not a regular file; only regular files have cached pages to map");
        }
        if (!Files.isReadable(file)) {
            throw new UserError(file + ": permission denied; it needs to be readable");
        }
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new UserError(file + ": cannot read its size (" + e.getMessage() + ")", e);
        }
        if (size == 0) {
            throw new UserError(file + ": is empty; an empty file has no pages");
        }
        return size;
    }
}
