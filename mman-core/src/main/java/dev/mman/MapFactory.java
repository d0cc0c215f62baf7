package dev.mman;

import static dev.mman.Mman.MAP_ANONYMOUS;
import static dev.mman.Mman.MAP_PRIVATE;
import static dev.mman.Mman.PROT_READ;
import static dev.mman.Mman.PROT_WRITE;

import dev.mman.MappingGuard.Epoch;
import dev.mman.internal.Flags;
import dev.mman.internal.Platform;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Makes the mappings behind {@link MemoryMap}'s factories: checks the arguments, asks the chosen
 * backend for the memory, and wraps it; and maps again for {@link MemoryMap#resize}.
 */
final class MapFactory {

    /** What a refused resize leaves of the old mapping. */
    private static final String UNCHANGED = "it stays mapped as it was";

    private MapFactory() {}

    static MemoryMap anonymous(long size, int prot, int flags, Backend backend) {
        Objects.requireNonNull(backend, "backend");
        Supplier<String> call = () -> "createAnonymous(" + size + ", " + Flags.protection(prot) + ", "
                + Flags.mapping(flags) + ")";
        Arguments.size(call, size);
        Arguments.protection(call, prot);
        Arguments.mapFlags(call, flags, true);
        Region region = switch (backend) {
            case NATIVE -> {
                Platform platform = Platform.current();
                yield NativeRegion.map(platform, call, size, prot, flags | MAP_ANONYMOUS, -1, 0);
            }
            case JDK -> JdkRegion.anonymous(size, prot, flags);
            case NIO -> NioRegion.anonymous(size, prot, flags);
        };
        return new MemoryMap(region, size, prot, flags | MAP_ANONYMOUS, "anonymous memory", null, 0);
    }

    static MemoryMap descriptor(int fd, long offset, long size, int prot, int flags) {
        if (Backend.selected() != Backend.NATIVE) {
            throw Backend.selected().unsupported("mapping a raw file descriptor");
        }
        Platform platform = Platform.current();
        Supplier<String> call = () -> "createFileMapping(fd " + fd + ", " + offset + ", " + size + ", "
                + Flags.protection(prot) + ", " + Flags.mapping(flags) + ")";
        FileChecks.arguments(platform.allocationGranularity(), call, offset, size, prot, flags);
        FileChecks.descriptor(platform, call, fd, offset, size, prot, flags);
        NativeRegion region = NativeRegion.map(platform, call, size, prot, flags, fd, offset);
        return new MemoryMap(region, size, prot, flags, platform.describeFd(fd), null, 0);
    }

    static MemoryMap file(Path file, long offset, long size, int prot, int flags, Backend backend) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(backend, "backend");
        Supplier<String> call = () -> "createFileMapping(" + file + ", " + offset + ", " + size + ", "
                + Flags.protection(prot) + ", " + Flags.mapping(flags) + ")";
        if (backend != Backend.NATIVE) {
            FileChecks.arguments(ChannelMapping.granularity(), call, offset, size, prot, flags);
            FileChecks.path(call, file);
            Region region = backend == Backend.JDK ? JdkRegion.file(call, file, offset, size, prot, flags)
                    : NioRegion.file(call, file, offset, size, prot, flags);
            return new MemoryMap(region, size, prot, flags, "file " + file, file, offset);
        }
        Platform platform = Platform.current();
        FileChecks.arguments(platform.allocationGranularity(), call, offset, size, prot, flags);
        int fd = FileChecks.open(platform, call, file, offset, size, FileChecks.needsWrite(prot, flags));
        try {
            NativeRegion region = NativeRegion.map(platform, call, size, prot, flags, fd, offset);
            return new MemoryMap(region, size, prot, flags, "file " + file, file, offset);
        } finally {
            platform.closeFile(fd);
        }
    }

    /**
     * {@link MemoryMap#resize}: one {@code mremap} where the platform moves mappings in place and
     * the kernel still holds the range as one mapping, otherwise the file mapped again at the new
     * size. Either way the old mapping ends only once its successor exists, and a refusal gives the
     * file back the length it had, so that it leaves everything as it was.
     */
    static MemoryMap resized(MemoryMap map, long newSize) {
        String call = "resize(" + newSize + ")";
        Arguments.size(() -> call, newSize);
        return map.guard.compute(() -> call, e -> {
            if (map.file == null) {
                throw new MMapException(call + " on " + map + ": only a mapping created from a Path can be resized; "
                        + "map the file by path, or map a new range yourself");
            }
            if (map.fileOffset > Long.MAX_VALUE - newSize) {
                throw Arguments.invalid(call + " on " + map + ": the file offset " + map.fileOffset + " + size "
                        + newSize + " overflows a 64-bit file position");
            }
            Backend backend = map.region.backend();
            long end = map.fileOffset + newSize;
            long before = FileChecks.extend(backend, map.file, end);
            try {
                if (map.region instanceof NativeRegion mapped && mapped.platform().remapsInPlace()) {
                    try {
                        // mremap leaves nothing behind at the old addresses: the late accesses must be over first.
                        NativeRegion moved = map.guard.handOver(() -> call, e, UNCHANGED, false,
                                () -> mapped.remap(newSize));
                        return new MemoryMap(moved, newSize, e.prot(), map.flags, map.source, map.file,
                                map.fileOffset);
                    } catch (NativeRegion.SplitRegion split) {
                        return mapAgain(map, call, map.guard.open(() -> call), newSize);
                    }
                }
                return mapAgain(map, call, e, newSize);
            } catch (RuntimeException refused) {
                FileChecks.restoreLength(map.file, before, end, refused);
                throw refused;
            }
        });
    }

    /**
     * Resizes without {@code mremap}: maps the (extended) file again at the new size, carries a
     * private mapping's own changes across, and only then lets go of the old mapping. The new
     * mapping has no advice and no lock: the kernel keeps those per mapping.
     */
    private static MemoryMap mapAgain(MemoryMap map, String call, Epoch e, long newSize) {
        Backend backend = map.region.backend();
        // Only a readable private mapping can have changes of its own to carry; the JDK backends
        // cannot change rights, so there a read-only one never had any.
        boolean carry = (map.flags & MAP_PRIVATE) != 0 && e.allows(PROT_READ)
                && (backend == Backend.NATIVE || e.allows(PROT_WRITE));
        MemoryMap fresh = file(map.file, map.fileOffset, newSize, carry ? e.prot() | PROT_WRITE : e.prot(), map.flags,
                backend);
        try {
            Epoch current = e;
            if (carry) {
                current = map.guard.viewable(call);
                MemorySegment.copy(current.segment(), 0, fresh.asSegment(), 0, Math.min(map.size(), newSize));
                if (fresh.protection() != current.prot()) {
                    fresh.mprotect(current.prot());
                }
            }
            boolean viewed = current.arena() != null;
            return map.guard.handOver(() -> call, current, UNCHANGED, map.region.awaitsLateAccesses(), () -> {
                map.region.release(viewed);
                return fresh;
            });
        } catch (RuntimeException refused) {
            fresh.close();
            throw refused;
        }
    }
}
