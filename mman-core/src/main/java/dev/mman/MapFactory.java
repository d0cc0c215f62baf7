package dev.mman;

import static dev.mman.Mman.MAP_ANONYMOUS;
import static dev.mman.Mman.MAP_PRIVATE;
import static dev.mman.Mman.PROT_READ;
import static dev.mman.Mman.PROT_WRITE;

import dev.mman.MappingGuard.Epoch;
import dev.mman.internal.Flags;
import dev.mman.internal.Platform;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
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

    /** Maps what the options say: the one path behind every factory, typed or seed. */
    static MemoryMap map(MapOptions options) {
        MapOptions.Settings s = options.settings();
        Supplier<String> call = options::call;
        Backend backend = s.backend != null ? s.backend : Backend.selected();
        MappingTraits traits = !s.confined && s.prefaultThreads == MappingTraits.AUTOMATIC ? MappingTraits.SHARED
                : new MappingTraits(s.confined ? Thread.currentThread() : null, s.prefaultThreads);
        if (s.confined && backend == Backend.NIO) {
            throw backend.unsupported("a confined mapping (a ByteBuffer belongs to every thread)");
        }
        if (s.anonymous()) {
            if (s.reserve) {
                throw Arguments.invalid(call.get() + ": anonymous memory has no file to reserve; reserve() is for "
                        + "shared, writable file mappings");
            }
            return anonymous(call, s.length, s.prot, s.flags, backend, traits);
        }
        if (s.reserve && !FileChecks.needsWrite(s.prot, s.flags)) {
            throw Arguments.invalid(call.get() + ": reserve() is for a mapping that writes to the file (SHARED with "
                    + "WRITE); " + Flags.protection(s.prot) + " with " + Flags.mapping(s.flags) + " never does, so "
                    + "there is nothing to reserve");
        }
        if (s.descriptor) {
            return descriptor(call, s, backend, traits);
        }
        long size = s.lengthGiven ? s.length : rest(call, s.offset, fileSize(call, s.file));
        return file(call, s.file, s.offset, size, s.prot, s.flags, backend, traits, s.reserve);
    }

    private static MemoryMap anonymous(Supplier<String> call, long size, int prot, int flags, Backend backend,
            MappingTraits traits) {
        Arguments.size(call, size);
        Arguments.protection(call, prot);
        Arguments.mapFlags(call, flags, true);
        Region region = switch (backend) {
            case NATIVE -> NativeRegion.map(Platform.current(), call, size, prot, flags | MAP_ANONYMOUS, -1, 0,
                    traits.prefaultThreads());
            case JDK -> JdkRegion.anonymous(size, prot, flags, traits.confined());
            case NIO -> NioRegion.anonymous(size, prot, flags);
        };
        return new MemoryMap(region, size, prot, flags | MAP_ANONYMOUS, "anonymous memory", null, 0, traits);
    }

    private static MemoryMap descriptor(Supplier<String> call, MapOptions.Settings s, Backend backend,
            MappingTraits traits) {
        if (backend != Backend.NATIVE) {
            throw backend.unsupported("mapping a raw file descriptor");
        }
        Platform platform = Platform.current();
        int fd = s.fd;
        long size = s.lengthGiven ? s.length : rest(call, s.offset, platform.openedFileSize(fd));
        FileChecks.arguments(platform.allocationGranularity(), call, s.offset, size, s.prot, s.flags);
        FileChecks.descriptor(platform, call, fd, s.offset, size, s.prot, s.flags);
        if (s.reserve) {
            StorageReservation.reserve(platform, call, fd, s.offset + size);
        }
        NativeRegion region = NativeRegion.map(platform, call, size, s.prot, s.flags, fd, s.offset,
                traits.prefaultThreads());
        return new MemoryMap(region, size, s.prot, s.flags, platform.describeFd(fd), null, 0, traits);
    }

    /** The seed's {@code createFileMapping(Path, ...)}, as {@link #resized} maps a file again. */
    static MemoryMap file(Path file, long offset, long size, int prot, int flags, Backend backend,
            MappingTraits traits) {
        return file(() -> "createFileMapping(" + file + ", " + offset + ", " + size + ", " + Flags.protection(prot)
                + ", " + Flags.mapping(flags) + ")", file, offset, size, prot, flags, backend, traits, false);
    }

    private static MemoryMap file(Supplier<String> call, Path file, long offset, long size, int prot, int flags,
            Backend backend, MappingTraits traits, boolean reserve) {
        Objects.requireNonNull(file, "file");
        if (backend != Backend.NATIVE) {
            FileChecks.arguments(ChannelMapping.granularity(), call, offset, size, prot, flags);
            FileChecks.path(call, file);
            if (reserve) {
                StorageReservation.reserve(call, file, offset + size);
            }
            Region region = backend == Backend.JDK ? JdkRegion.file(call, file, offset, size, prot, flags, traits)
                    : NioRegion.file(call, file, offset, size, prot, flags);
            return new MemoryMap(region, size, prot, flags, "file " + file, file, offset, traits);
        }
        Platform platform = Platform.current();
        FileChecks.arguments(platform.allocationGranularity(), call, offset, size, prot, flags);
        int fd = FileChecks.open(platform, call, file, offset, size, FileChecks.needsWrite(prot, flags));
        try {
            if (reserve) {
                StorageReservation.reserve(platform, call, fd, offset + size);
            }
            NativeRegion region;
            try {
                region = NativeRegion.map(platform, call, size, prot, flags, fd, offset, traits.prefaultThreads());
            } catch (MMapException refused) {
                throw FileChecks.populateRefused(call.get(), FileChecks.faultReason(file, offset, size), refused);
            }
            return new MemoryMap(region, size, prot, flags, "file " + file, file, offset, traits);
        } finally {
            platform.closeFile(fd);
        }
    }

    /** The length of a file, for a mapping to its end; a missing file gets {@link FileChecks#path}'s message. */
    private static long fileSize(Supplier<String> call, Path file) {
        FileChecks.path(call, file);
        try {
            return Files.size(file);
        } catch (IOException gone) {
            throw new MMapException(call.get() + ": the length of " + file + " cannot be read: " + gone, gone);
        }
    }

    /** What is left of a file of {@code length} bytes from {@code offset}, which must be something. */
    private static long rest(Supplier<String> call, long offset, long length) {
        if (length - offset <= 0) {
            throw Arguments.invalid(call.get() + ": the file is " + length + " bytes long, so offset " + offset
                    + " leaves nothing to map; use a smaller offset, or give a length and extend the file first");
        }
        return length - offset;
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
                                map.fileOffset, map.traits);
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
                backend, map.traits);
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
