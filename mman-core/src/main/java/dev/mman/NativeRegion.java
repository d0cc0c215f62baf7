package dev.mman;

import static dev.mman.Mman.MAP_ANONYMOUS;
import static dev.mman.Mman.MAP_HUGETLB;
import static dev.mman.Mman.MAP_POPULATE;
import static dev.mman.Mman.MAP_SHARED;
import static dev.mman.Mman.PROT_READ;
import static dev.mman.Mman.PROT_WRITE;

import dev.mman.internal.PageToucher;
import dev.mman.internal.Platform;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.function.Supplier;

/**
 * A region mapped with {@code mmap}: every control call is available. Its {@link MappingLease}
 * unmaps it, on close or, when it was dropped unclosed, after the garbage collector; every native
 * mapping counts against the {@link MappingBudget}.
 */
record NativeRegion(Platform platform, long address, long size, MappingLease lease) implements Region {

    /** The errno of {@code madvise} with advice the kernel does not know, the same on every POSIX system. */
    private static final int EINVAL = 22;

    /**
     * Maps memory ({@link Platform#map}), once the budget allows another mapping.
     *
     * @throws MMapAllocationException when the budget or the system refuses
     */
    static NativeRegion map(Platform platform, Supplier<String> call, long size, int prot, int flags, int fd,
            long offset) {
        return map(platform, call, size, prot, flags, fd, offset, MappingTraits.AUTOMATIC);
    }

    /**
     * As {@link #map(Platform, Supplier, long, int, int, int, long)}; a {@code MAP_POPULATE} large
     * enough for several threads ({@link ParallelPrefault}) is mapped without it and faulted in by
     * those threads, before anyone else can see the memory.
     *
     * @param prefaultThreads the caller's choice of threads, or {@link MappingTraits#AUTOMATIC}
     */
    static NativeRegion map(Platform platform, Supplier<String> call, long size, int prot, int flags, int fd,
            long offset, int prefaultThreads) {
        // Huge pages stay with the kernel's MAP_POPULATE: madvise on them wants huge-page-aligned pieces.
        boolean populates = (flags & MAP_POPULATE) != 0 && (prot & PROT_READ) != 0 && (flags & MAP_HUGETLB) == 0;
        int threads = populates ? ParallelPrefault.threads(size, platform.pageSize(), prefaultThreads) : 1;
        MappingLease.ready(call);
        MappingBudget.take(platform, call);
        long address;
        try {
            address = platform.map(size, prot, threads > 1 ? flags & ~MAP_POPULATE : flags, fd, offset);
        } catch (RuntimeException refused) {
            MappingBudget.give();
            throw refused;
        }
        NativeRegion region = new NativeRegion(platform, address, size, new MappingLease(platform, address, size));
        if (threads > 1) {
            boolean forWrite = (prot & PROT_WRITE) != 0 && (flags & (MAP_ANONYMOUS | MAP_SHARED)) != 0;
            try {
                region.populateAsMapped(forWrite, threads);
            } catch (RuntimeException | Error failed) {
                region.lease.release(false); // nobody has seen the memory: no view, no late access
                throw failed;
            }
        }
        return region;
    }

    /**
     * What {@code MAP_POPULATE} would have done, on several threads. A kernel without
     * {@code MADV_POPULATE_*} (before Linux 5.14) answers {@code EINVAL}; the piece is then read page
     * by page, as on macOS, rather than failing a mapping that {@code MAP_POPULATE} made before.
     */
    private void populateAsMapped(boolean forWrite, int threads) {
        long page = platform.pageSize();
        ParallelPrefault.run(size, page, threads, (at, length) -> {
            try {
                platform.advise(address + at, length, Advice.POPULATE, forWrite);
            } catch (MMapException unsupported) {
                if (unsupported.errno() != EINVAL) {
                    throw unsupported;
                }
                PageToucher.touch(address + at, length, page);
            }
        });
    }

    @Override
    public Backend backend() {
        return Backend.NATIVE;
    }

    @Override
    public long pageSize() {
        return platform.pageSize();
    }

    @Override
    public Views openViews(boolean confined) {
        Arena arena = confined ? Arena.ofConfined() : Arena.ofShared();
        return new Views(arena, MemorySegment.ofAddress(address).reinterpret(size, arena, lease.keepAlive()));
    }

    @Override
    public Views reopenViews(Views current) {
        return current;
    }

    @Override
    public void protect(int prot) {
        platform.protect(address, size, prot);
    }

    @Override
    public void sync(long offset, long length, int flags) {
        platform.sync(address + offset, length, flags);
    }

    @Override
    public void lock() {
        platform.lock(address, size);
    }

    @Override
    public void unlock() {
        platform.unlock(address, size);
    }

    @Override
    public void advise(long offset, long length, Advice advice, boolean populateForWrite, int populateThreads) {
        if (advice != Advice.POPULATE || populateThreads <= 1) {
            platform.advise(address + offset, length, advice, populateForWrite);
            return;
        }
        ParallelPrefault.run(length, platform.pageSize(), populateThreads,
                (at, piece) -> platform.advise(address + offset + at, piece, advice, populateForWrite));
    }

    @Override
    public void prefault(boolean forWrite, int threads) {
        advise(0, size, Advice.POPULATE, forWrite, threads);
    }

    @Override
    public byte[] residency(long offset, long length) {
        return platform.residency(address + offset, length);
    }

    @Override
    public void release(boolean viewsRetired) {
        lease.release(viewsRetired);
    }

    @Override
    public boolean awaitsLateAccesses() {
        return true;
    }

    /**
     * The same memory at its new place and length, after {@code mremap}; it takes over this one's place in the budget.
     *
     * @throws SplitRegion when the kernel no longer holds the range as one mapping; nothing changed
     */
    NativeRegion remap(long newSize) {
        long moved = platform.remap(address, size, newSize);
        if (moved == Platform.REMAP_SPLIT) {
            throw new SplitRegion();
        }
        lease.moved();
        return new NativeRegion(platform, moved, newSize, new MappingLease(platform, moved, newSize));
    }

    /**
     * {@link #remap} could not grow the range because advice or a lock of part of it split it into
     * several kernel mappings, and {@code mremap} grows only one. {@code MapFactory} catches it and
     * maps the file again; it never leaves mman.
     */
    static final class SplitRegion extends MMapException {
        private static final long serialVersionUID = 1L;

        SplitRegion() {
            super("mremap grows one kernel mapping, and this range is several");
        }
    }
}
