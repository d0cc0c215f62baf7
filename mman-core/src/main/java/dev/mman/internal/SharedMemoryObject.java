package dev.mman.internal;

import dev.mman.SharedMemoryInfo;
import java.util.Objects;

/**
 * A named shared-memory object as {@link Platform#sharedMemoryObjects()} found it: what the public
 * {@link SharedMemoryInfo} says, and what cleanup needs besides.
 *
 * @param info the public description
 * @param identity what tells this object from a later one of the same name (the inode on Linux)
 * @param removable whether this process may remove the name (its own object, or root; in the
 *     sticky {@code /dev/shm} nobody else may)
 */
public record SharedMemoryObject(SharedMemoryInfo info, long identity, boolean removable) {

    /**
     * Checks the description.
     *
     * @throws NullPointerException when {@code info} is null
     */
    public SharedMemoryObject {
        Objects.requireNonNull(info, "info");
    }
}
