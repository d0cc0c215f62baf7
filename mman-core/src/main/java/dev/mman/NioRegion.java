package dev.mman;

import static dev.mman.Mman.MAP_POPULATE;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * A region from java.nio: a {@link MappedByteBuffer} for files, a direct buffer for anonymous
 * memory. A buffer cannot be unmapped on request: {@link #release(boolean)} lets go of it and the garbage
 * collector unmaps it once no view refers to it, so views outlive {@code close()} but never touch
 * unmapped memory.
 */
record NioRegion(ByteBuffer buffer, boolean fileBacked) implements Region {

    static NioRegion anonymous(long size, int prot, int flags) {
        ChannelMapping.supports(Backend.NIO, prot, flags);
        // A direct buffer starts wherever malloc put it; mmap's memory, which the others get, starts
        // on a page. Over-allocate by a page and slice, so that every backend aligns alike.
        int page = (int) ChannelMapping.pageSize();
        int length = bufferSize(() -> "createAnonymous(" + size + ")", size, page);
        try {
            ByteBuffer raw = ByteBuffer.allocateDirect(length + page);
            int skip = (int) Math.floorMod(-MemorySegment.ofBuffer(raw).address(), (long) page);
            return new NioRegion(raw.slice(skip, length), false);
        } catch (OutOfMemoryError e) {
            throw ChannelMapping.outOfMemory("createAnonymous(" + size + ")", Backend.NIO, e);
        }
    }

    static NioRegion file(Supplier<String> call, Path file, long offset, long size, int prot, int flags) {
        ChannelMapping.supports(Backend.NIO, prot, flags);
        int length = bufferSize(call, size, 0);
        FileChannel channel = ChannelMapping.open(call, file, offset, size, prot, flags);
        try {
            MappedByteBuffer mapped = channel.map(ChannelMapping.mode(prot, flags), offset, length);
            NioRegion region = new NioRegion(mapped, true);
            if ((flags & MAP_POPULATE) != 0) {
                region.prefault(false, 1);
            }
            return region;
        } catch (IOException e) {
            throw ChannelMapping.refused(call, file, offset + size, e);
        } catch (InternalError fault) {
            throw ChannelMapping.prefaultFaulted(call, file, offset, size, fault);
        } finally {
            ChannelMapping.closeQuietly(channel);
        }
    }

    private static int bufferSize(Supplier<String> call, long size, int overhead) {
        long most = Integer.MAX_VALUE - overhead;
        if (size > most) {
            throw Arguments.invalid(call.get() + ": size " + size + " is more than Backend.NIO can map ("
                    + most + " bytes, a ByteBuffer's limit); use Backend.NATIVE or Backend.JDK");
        }
        return (int) size;
    }

    @Override
    public Backend backend() {
        return Backend.NIO;
    }

    @Override
    public long address() {
        return MemorySegment.ofBuffer(buffer).address();
    }

    @Override
    public long pageSize() {
        return ChannelMapping.pageSize();
    }

    @Override
    public Views openViews(boolean confined) {
        return new Views(null, MemorySegment.ofBuffer(buffer));
    }

    @Override
    public Views reopenViews(Views current) {
        return current;
    }

    @Override
    public void sync(long offset, long length, int flags) {
        if (fileBacked) {
            ((MappedByteBuffer) buffer).force((int) offset, (int) length);
        }
    }

    @Override
    public void prefault(boolean forWrite, int threads) {
        if (fileBacked) {
            MappedByteBuffer mapped = (MappedByteBuffer) buffer;
            ParallelPrefault.run(mapped.capacity(), pageSize(), threads,
                    (at, length) -> mapped.slice((int) at, (int) length).load());
        }
    }

    @Override
    public void release(boolean viewsRetired) {
        // Nothing to do: the buffer is unmapped by the garbage collector once unreachable.
    }
}
