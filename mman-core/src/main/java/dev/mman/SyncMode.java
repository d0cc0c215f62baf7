package dev.mman;

/**
 * Whether {@link MemoryMap#msync(SyncMode)} waits for the data to reach the file: the typed form of
 * {@link Mman#MS_SYNC} and {@link Mman#MS_ASYNC}. ({@link Mman#MS_INVALIDATE}, which Linux ignores,
 * stays with the {@code int} overloads.)
 */
public enum SyncMode {
    /**
     * Write the dirty pages and wait until they are in the file ({@link Mman#MS_SYNC}); on Windows
     * this also flushes the file's buffers, so the data is durable.
     */
    SYNC(Mman.MS_SYNC),
    /**
     * Start writing the dirty pages and return at once ({@link Mman#MS_ASYNC}); the JDK and NIO
     * backends have no such call and flush synchronously instead.
     */
    ASYNC(Mman.MS_ASYNC);

    private final int bit;

    SyncMode(int bit) {
        this.bit = bit;
    }

    /** {@return the {@code MS_*} bit of this mode} */
    public int bit() {
        return bit;
    }
}
