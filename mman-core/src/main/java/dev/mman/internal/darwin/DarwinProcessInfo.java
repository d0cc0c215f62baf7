package dev.mman.internal.darwin;

import dev.mman.internal.Platform;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The part of {@code struct proc_bsdinfo} (from {@code <sys/proc_info.h>}) that
 * {@code proc_pidinfo(pid, PROC_PIDTBSDINFO, ...)} fills and mman reads: the status, to tell a zombie,
 * and the start time, to tell a process from a later one with the same pid. Pure.
 */
final class DarwinProcessInfo {

    /** {@code PROC_PIDTBSDINFO}. */
    static final int PROC_PIDTBSDINFO = 3;
    /**
     * {@code sizeof(struct proc_bsdinfo)}: twelve 32-bit ids and flags (48), {@code pbi_comm[16]} and
     * {@code pbi_name[32]} (to 96), six more 32-bit fields (to 120), then two 64-bit start-time fields.
     */
    static final int SIZE = 136;
    /** {@code pbi_status}, after {@code pbi_flags}. */
    static final long STATUS_OFFSET = 4;
    /** {@code pbi_start_tvsec}. */
    static final long START_SECONDS_OFFSET = 120;
    /** {@code pbi_start_tvusec}. */
    static final long START_MICROS_OFFSET = 128;
    /** {@code SZOMB}, the status of a process that has exited but not been reaped. */
    static final int ZOMBIE = 5;

    private DarwinProcessInfo() {}

    /**
     * The start time that {@link Platform#processStartTime} reports on macOS: microseconds since the
     * epoch, or -1 for a zombie. Only equality matters to callers, so the unit differs from Linux's
     * clock ticks without harm.
     *
     * @param info a buffer that {@code proc_pidinfo} filled
     * @return the start time, or -1
     */
    static long startTime(MemorySegment info) {
        if (info.get(ValueLayout.JAVA_INT_UNALIGNED, STATUS_OFFSET) == ZOMBIE) {
            return -1;
        }
        long seconds = info.get(ValueLayout.JAVA_LONG_UNALIGNED, START_SECONDS_OFFSET);
        long micros = info.get(ValueLayout.JAVA_LONG_UNALIGNED, START_MICROS_OFFSET);
        return seconds * 1_000_000 + micros;
    }
}
