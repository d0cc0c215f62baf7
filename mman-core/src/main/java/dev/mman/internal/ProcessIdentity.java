package dev.mman.internal;

import dev.mman.MMapException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Which process this is, and whether the process another one named is still alive: the identity
 * that lock words ({@code dev.mman.ipc.LockLayout}), ring peers and pool owner words hold. It is
 * the pid in the high 32 bits of a long, and the low 30 bits of the process's start time in bits
 * 2 to 31, so that a later process with the same pid is not mistaken for it. Bits 0 and 1 stay
 * free for a 2-bit state, so one compare-and-set installs an identity and a state together.
 *
 * <p>The start time is the one every process on the machine reads the same way, whether or not
 * it was granted native access: on Linux the clock ticks since boot of {@code /proc/<pid>/stat},
 * a plain file; on macOS and Windows the platform's native answer, so there a JVM that denies
 * native access cannot name itself, and {@link #current()} says so.
 *
 * <p>A reused pid fools this only if the new process started a multiple of 2<sup>30</sup> ticks
 * (124 days at 100 Hz) after the old one, to the tick. All processes must share one pid namespace.
 */
public final class ProcessIdentity {

    private static final int STAMP_BITS = 30;
    private static final long STAMP_MASK = (1L << STAMP_BITS) - 1;
    private static final int STAMP_SHIFT = 2;
    /** The bits that are not the identity: a state, or nothing. */
    public static final long FREE_BITS = (1L << STAMP_SHIFT) - 1;

    /** In {@code /proc/<pid>/stat}, after the parenthesised command name: state is field 3, starttime field 22. */
    private static final int STAT_STATE_INDEX = 0;
    private static final int STAT_START_TIME_INDEX = 19;

    private static final boolean PROC_FILES = Platforms.family(System.getProperty("os.name")) == Platforms.Family.LINUX;

    /**
     * This process's identity once known, 0 before. Found on first use rather than in a static
     * initializer: a failure there would be an {@link ExceptionInInitializerError} once and a
     * {@link NoClassDefFoundError} ever after, instead of mman's exception on every call.
     */
    private static volatile long current;

    private ProcessIdentity() {}

    /**
     * This process.
     *
     * @return the identity, never 0
     * @throws MMapException when the platform cannot tell this process's start time: on macOS and
     *     Windows when native access is denied (the message names the flag)
     */
    public static long current() {
        long known = current;
        if (known == 0) {
            long pid = ProcessHandle.current().pid();
            long startTime;
            try {
                startTime = startTime(pid);
            } catch (MMapException e) {
                throw new MMapException("cannot tell which process this is (pid " + pid
                        + "), which shared locks, rings and pools record: " + e.getMessage(), e);
            }
            if (startTime < 0) {
                throw new MMapException("cannot tell which process this is: the start time of pid " + pid
                        + " is not readable (is /proc mounted, and is this process in its pid namespace?)");
            }
            known = of(pid, startTime);
            current = known;
        }
        return known;
    }

    /**
     * The identity of a process.
     *
     * @param pid its pid
     * @param startTime its start time, as {@link #startTime} reports it; only the low 30 bits count
     * @return the identity, with bits 0 and 1 clear
     */
    public static long of(long pid, long startTime) {
        return pid << 32 | (startTime & STAMP_MASK) << STAMP_SHIFT;
    }

    /**
     * The pid an identity names.
     *
     * @param word an identity, possibly with state bits
     * @return the pid
     */
    public static long pid(long word) {
        return word >>> 32;
    }

    /**
     * Whether the process is still running: its pid is in use by a process of the same start time.
     *
     * @param word an identity, possibly with state bits, which are ignored
     * @return false for a process that exited (a zombie included), or a pid reused since
     * @throws MMapException when the platform cannot tell
     */
    public static boolean isAlive(long word) {
        long identity = word & ~FREE_BITS;
        if (identity == current()) {
            return true;
        }
        long pid = pid(identity);
        if (pid == 0) {
            return false;
        }
        long startTime = startTime(pid);
        return startTime >= 0 && of(pid, startTime) == identity;
    }

    /**
     * When a process started, to tell a live process from a later one that reuses its pid.
     *
     * @param pid the process id
     * @return the start time (on Linux in clock ticks since boot), or -1 when no live process has
     *     that pid (a zombie counts as dead: it can hold nothing any more)
     * @throws MMapException when the platform cannot tell
     */
    public static long startTime(long pid) {
        return PROC_FILES ? procStartTime(pid) : Platform.current().processStartTime(pid);
    }

    private static long procStartTime(long pid) {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        } catch (NoSuchFileException gone) {
            return -1;
        } catch (IOException e) {
            // A process that exits while its stat file is read fails the read with ESRCH
            // ("No such process") instead of NoSuchFileException: its /proc entry is gone by now.
            if (!Files.exists(Path.of("/proc", Long.toString(pid)))) {
                return -1;
            }
            throw new MMapException("cannot read /proc/" + pid + "/stat to see whether process " + pid
                    + " is alive: " + e, e);
        }
        // The command name may hold spaces and parentheses, so the fields start after the last ')'.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        String processState = fields[STAT_STATE_INDEX];
        if (processState.equals("Z") || processState.equals("X")) {
            return -1;
        }
        return Long.parseLong(fields[STAT_START_TIME_INDEX]);
    }
}
