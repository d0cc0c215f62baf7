package dev.mman.internal.windows;

import dev.mman.internal.Platform;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The int "descriptors" that {@link Platform} hands out on Windows, each standing for a Win32
 * handle. A table rather than the handle value itself, because a shared-memory object has no handle
 * until its size is known ({@code CreateFileMapping} takes the size), and because messages want the
 * path. Descriptors are mman's own: a number from anywhere else is not open here.
 */
final class WindowsDescriptors {

    /** What a descriptor stands for. */
    sealed interface Entry permits File, Section {}

    /**
     * An open file.
     *
     * @param handle the file handle
     * @param path the path it was opened by
     * @param writable whether it was opened for writing
     */
    record File(long handle, Path path, boolean writable) implements Entry {}

    /**
     * A named shared-memory object (a pagefile-backed section).
     *
     * @param name its kernel object name, such as {@code Local\ring}
     * @param handle the section handle, or 0 while its size is not set yet
     * @param size its size, or -1 when not known yet
     */
    record Section(String name, long handle, long size) implements Entry {}

    private final Map<Integer, Entry> entries = new ConcurrentHashMap<>();
    /** Starts above the numbers of the standard streams, so that no descriptor looks like one. */
    private final AtomicInteger next = new AtomicInteger(3);

    /**
     * Registers an entry.
     *
     * @param entry the file or section
     * @return its new descriptor
     */
    int add(Entry entry) {
        int fd = next.getAndIncrement();
        entries.put(fd, entry);
        return fd;
    }

    /**
     * The entry of a descriptor.
     *
     * @param fd the descriptor
     * @return the entry, or null when it is not open
     */
    Entry get(int fd) {
        return entries.get(fd);
    }

    /**
     * Replaces the entry of an open descriptor, when a section gets its handle or its size.
     *
     * @param fd the descriptor
     * @param entry the new entry
     */
    void replace(int fd, Entry entry) {
        entries.replace(fd, entry);
    }

    /**
     * Forgets a descriptor.
     *
     * @param fd the descriptor
     * @return its entry, or null when it was not open
     */
    Entry remove(int fd) {
        return entries.remove(fd);
    }
}
