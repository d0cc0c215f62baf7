package dev.mman;

import dev.mman.internal.Platform;
import dev.mman.internal.SharedMemoryObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * {@link SharedMemory#list()} and {@link SharedMemory#removeUnused}: finding the objects that
 * creators killed before {@code unlink} left behind, and removing them without removing one that
 * somebody has just begun to use.
 */
final class SharedMemoryCleanup {

    private SharedMemoryCleanup() {}

    /** {@link SharedMemory#list()}. */
    static List<SharedMemoryInfo> list() {
        return Platform.current().sharedMemoryObjects().stream().map(SharedMemoryObject::info).toList();
    }

    /**
     * {@link SharedMemory#removeUnused(Duration, Predicate, boolean)}. Two scans: the first picks the
     * candidates (the caller's filter may take its time); the second, just before the unlinks, makes
     * sure each candidate is still the same object (same inode), still unused and still old enough,
     * so that what happened during the first scan and the filter cannot slip through.
     */
    static List<SharedMemoryInfo> removeUnused(Duration olderThan, Predicate<? super SharedMemoryInfo> which,
            boolean dryRun) {
        Objects.requireNonNull(olderThan, "olderThan");
        Objects.requireNonNull(which, "which");
        if (olderThan.isNegative()) {
            throw Arguments.invalid("SharedMemory.removeUnused(" + olderThan + "): the age is negative; pass "
                    + "Duration.ZERO to remove unused objects of any age");
        }
        Platform platform = Platform.current();
        Map<String, SharedMemoryObject> chosen = new LinkedHashMap<>();
        for (SharedMemoryObject object : platform.sharedMemoryObjects()) {
            if (stale(object, olderThan) && which.test(object.info())) {
                chosen.put(object.info().name(), object);
            }
        }
        if (dryRun || chosen.isEmpty()) {
            return chosen.values().stream().map(SharedMemoryObject::info).toList();
        }
        List<SharedMemoryInfo> removed = new ArrayList<>();
        for (SharedMemoryObject now : platform.sharedMemoryObjects()) {
            SharedMemoryObject before = chosen.get(now.info().name());
            if (before != null && before.identity() == now.identity() && stale(now, olderThan)
                    && platform.sharedMemoryUnlink(now.info().name())) {
                removed.add(now.info());
            }
        }
        return List.copyOf(removed);
    }

    /** Unused as far as anybody can tell, removable by this user, and at least {@code olderThan} old. */
    private static boolean stale(SharedMemoryObject object, Duration olderThan) {
        return object.removable() && object.info().unused() && object.info().age().compareTo(olderThan) >= 0;
    }
}
