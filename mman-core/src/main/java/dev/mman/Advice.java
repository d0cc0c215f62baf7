package dev.mman;

/**
 * Portable {@code madvise} advice for {@link MemoryMap#madvise(Advice)}. Each platform
 * translates the name to its own value; advice a platform cannot honour raises
 * {@link MMapException} there. These are hints, which change no contents, except
 * {@link #DONTNEED}: throwing contents away is {@link MemoryMap#discard(long, long)}.
 */
public enum Advice {
    /** No special treatment ({@code MADV_NORMAL}). */
    NORMAL,
    /** Pages will be touched in random order: read ahead less ({@code MADV_RANDOM}). */
    RANDOM,
    /** Pages will be touched in order: read ahead aggressively ({@code MADV_SEQUENTIAL}). */
    SEQUENTIAL,
    /** The range will be needed soon: start reading it in ({@code MADV_WILLNEED}). */
    WILLNEED,
    /**
     * The range is not needed now ({@code MADV_DONTNEED}). On a private mapping the next access
     * sees zeros (anonymous) or the file's contents again (file): private changes are dropped.
     * It is the one advice here that loses data, so say so in the call:
     * {@link MemoryMap#discard(long, long)} does the same under a name that tells the reader.
     */
    DONTNEED,
    /** Back the range with transparent huge pages where the kernel allows it (Linux only). */
    HUGEPAGE,
    /** Do not back the range with transparent huge pages (Linux only). */
    NOHUGEPAGE,
    /**
     * Fault every page in now, and report a failure instead of ignoring it
     * ({@code MADV_POPULATE_WRITE} on a writable mapping, {@code MADV_POPULATE_READ} otherwise;
     * Linux 5.14 or newer).
     */
    POPULATE
}
