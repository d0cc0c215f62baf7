package dev.mman;

import static dev.mman.Mman.MAP_ANONYMOUS;

import dev.mman.internal.Flags;
import dev.mman.internal.Platform;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Makes the mappings behind {@link MemoryMap}'s factories: checks the arguments, asks the chosen
 * backend for the memory, and wraps it.
 */
final class MapFactory {

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
                yield new NativeRegion(platform, platform.map(size, prot, flags | MAP_ANONYMOUS, -1, 0), size);
            }
            case JDK -> JdkRegion.anonymous(size, prot, flags);
            case NIO -> NioRegion.anonymous(size, prot, flags);
        };
        return new MemoryMap(region, size, prot, flags | MAP_ANONYMOUS, "anonymous memory");
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
        NativeRegion region = new NativeRegion(platform, platform.map(size, prot, flags, fd, offset), size);
        return new MemoryMap(region, size, prot, flags, platform.describeFd(fd));
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
            NativeRegion region = new NativeRegion(platform, platform.map(size, prot, flags, fd, offset), size);
            return new MemoryMap(region, size, prot, flags, "file " + file, file, offset);
        } finally {
            platform.closeFile(fd);
        }
    }
}
