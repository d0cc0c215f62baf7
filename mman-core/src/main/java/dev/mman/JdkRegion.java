package dev.mman;

import static dev.mman.Mman.MAP_POPULATE;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * A region from the JDK alone: {@code FileChannel.map(..., Arena)} for files and
 * {@code Arena.allocate} for anonymous memory. The arena is the mapping: closing it unmaps, so
 * views cannot be replaced, and calls that would need that ({@code mprotect}) are unsupported.
 */
record JdkRegion(Arena arena, MemorySegment segment, boolean fileBacked, boolean confined) implements Region {

    /** The arena that is the mapping: confined to the calling thread for a confined mapping. */
    private static Arena arena(boolean confined) {
        return confined ? Arena.ofConfined() : Arena.ofShared();
    }

    static JdkRegion anonymous(long size, int prot, int flags, boolean confined) {
        ChannelMapping.supports(Backend.JDK, prot, flags);
        Arena arena = arena(confined);
        try {
            return new JdkRegion(arena, arena.allocate(size, ChannelMapping.pageSize()), false, confined);
        } catch (OutOfMemoryError e) {
            arena.close();
            throw ChannelMapping.outOfMemory("createAnonymous(" + size + ")", Backend.JDK, e);
        }
    }

    static JdkRegion file(Supplier<String> call, Path file, long offset, long size, int prot, int flags,
            MappingTraits traits) {
        ChannelMapping.supports(Backend.JDK, prot, flags);
        FileChannel channel = ChannelMapping.open(call, file, offset, size, prot, flags);
        Arena arena = arena(traits.confined());
        try {
            MemorySegment segment = channel.map(ChannelMapping.mode(prot, flags), offset, size, arena);
            JdkRegion region = new JdkRegion(arena, segment, true, traits.confined());
            if ((flags & MAP_POPULATE) != 0) {
                region.prefault(false, ParallelPrefault.threads(size, ChannelMapping.pageSize(),
                        traits.prefaultThreads()));
            }
            return region;
        } catch (IOException e) {
            arena.close();
            throw ChannelMapping.refused(call, file, offset + size, e);
        } catch (InternalError fault) {
            arena.close(); // nobody has seen the segment: nothing else would ever unmap it
            throw ChannelMapping.prefaultFaulted(call, file, offset, size, fault);
        } finally {
            ChannelMapping.closeQuietly(channel);
        }
    }

    @Override
    public Backend backend() {
        return Backend.JDK;
    }

    @Override
    public long address() {
        return segment.address();
    }

    @Override
    public long pageSize() {
        return ChannelMapping.pageSize();
    }

    @Override
    public Views openViews(boolean confinedViews) {
        return new Views(arena, segment);
    }

    @Override
    public Views reopenViews(Views current) {
        return current;
    }

    @Override
    public void sync(long offset, long length, int flags) {
        if (fileBacked) {
            segment.asSlice(offset, length).force(); // always synchronous: the JDK has no MS_ASYNC
        }
    }

    @Override
    public void prefault(boolean forWrite, int threads) {
        if (fileBacked) {
            // A confined arena's segment may be touched by its own thread only.
            ParallelPrefault.run(segment.byteSize(), pageSize(), confined ? 1 : threads,
                    (at, length) -> segment.asSlice(at, length).load());
        }
    }

    @Override
    public void release(boolean viewsRetired) {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }
}
