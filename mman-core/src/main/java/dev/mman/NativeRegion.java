package dev.mman;

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

    /**
     * Maps memory ({@link Platform#map}), once the budget allows another mapping.
     *
     * @throws MMapAllocationException when the budget or the system refuses
     */
    static NativeRegion map(Platform platform, Supplier<String> call, long size, int prot, int flags, int fd,
            long offset) {
        MappingBudget.take(platform, call);
        long address;
        try {
            address = platform.map(size, prot, flags, fd, offset);
        } catch (RuntimeException refused) {
            MappingBudget.give();
            throw refused;
        }
        return new NativeRegion(platform, address, size, new MappingLease(platform, address, size));
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
    public Views openViews() {
        Arena arena = Arena.ofShared();
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
    public void advise(long offset, long length, Advice advice, boolean populateForWrite) {
        platform.advise(address + offset, length, advice, populateForWrite);
    }

    @Override
    public void prefault(boolean forWrite) {
        platform.advise(address, size, Advice.POPULATE, forWrite);
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
