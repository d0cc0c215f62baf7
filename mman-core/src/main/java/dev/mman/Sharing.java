package dev.mman;

/**
 * Who sees a mapping's writes: the typed form of {@link Mman#MAP_SHARED} and
 * {@link Mman#MAP_PRIVATE}, for {@link MapOptions#sharing}.
 */
public enum Sharing {
    /**
     * Writes reach the file (and every other mapping of it), or, for anonymous memory, the child
     * processes that inherit it ({@link Mman#MAP_SHARED}).
     */
    SHARED(Mman.MAP_SHARED),
    /**
     * Writes stay in this mapping: copy-on-write for a file, which never changes
     * ({@link Mman#MAP_PRIVATE}; {@code FILE_MAP_COPY} on Windows).
     */
    PRIVATE(Mman.MAP_PRIVATE);

    private final int bit;

    Sharing(int bit) {
        this.bit = bit;
    }

    /** {@return the {@code MAP_*} bit of this sharing} */
    public int bit() {
        return bit;
    }
}
