package dev.mman;

/**
 * What a mapping was made with beyond its protection and flags, and keeps for its whole life:
 * the thread it is confined to, and how many threads fault it in.
 *
 * @param confinedTo the only thread that may use the mapping and its views, or null for any thread
 * @param prefaultThreads how many threads a prefault of it uses, or {@link #AUTOMATIC}
 */
record MappingTraits(Thread confinedTo, int prefaultThreads) {

    /** Lets {@link ParallelPrefault#threads} choose by the size and the processors. */
    static final int AUTOMATIC = 0;

    /** Any thread, and the automatic prefault: what the seed's factories make. */
    static final MappingTraits SHARED = new MappingTraits(null, AUTOMATIC);

    boolean confined() {
        return confinedTo != null;
    }
}
