package dev.mman;

import dev.mman.internal.Platform;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** A region mapped with {@code mmap}: every control call is available. */
record NativeRegion(Platform platform, long address, long size) implements Region {

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
        return new Views(arena, MemorySegment.ofAddress(address).reinterpret(size, arena, null));
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
    public byte[] residency() {
        return platform.residency(address, size);
    }

    @Override
    public void release() {
        platform.unmap(address, size);
    }

    /** The same memory at its new place and length, after {@code mremap}. */
    NativeRegion remap(long newSize) {
        return new NativeRegion(platform, platform.remap(address, size, newSize), newSize);
    }
}
