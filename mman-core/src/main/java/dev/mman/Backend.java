package dev.mman;

import dev.mman.internal.Platform;
import java.util.Locale;

/**
 * Which machinery maps the memory behind a {@link MemoryMap}. The same user code runs on each;
 * what differs is how much of {@code <sys/mman.h>} is available.
 *
 * <table class="striped">
 * <caption>What each backend can do</caption>
 * <thead><tr><th>backend</th><th>maps with</th><th>needs native access</th><th>cannot do</th></tr></thead>
 * <tbody>
 * <tr><td>{@link #NATIVE}</td><td>{@code mmap} through the FFM API</td><td>yes</td><td>nothing</td></tr>
 * <tr><td>{@link #JDK}</td><td>{@code FileChannel.map(..., Arena)}, {@code Arena.allocate}</td><td>no</td>
 *     <td>mprotect, mlock, madvise, residency, fd mappings, huge pages</td></tr>
 * <tr><td>{@link #NIO}</td><td>{@code MappedByteBuffer}, direct buffers</td><td>no</td>
 *     <td>the same, and mappings over 2 GiB; views stay usable after {@code close()} until the
 *     garbage collector unmaps them (they never crash)</td></tr>
 * </tbody>
 * </table>
 *
 * <p>One flag chooses the backend for a whole program: the system property
 * {@value #PROPERTY} ({@code native}, {@code jdk} or {@code nio}). The factory overloads that
 * take a {@code Backend} override it for one mapping. Without the property mman uses
 * {@link #NATIVE}; when native access is denied ({@code --illegal-native-access=deny} without
 * {@code --enable-native-access}) it falls back to {@link #JDK} and logs one warning that names
 * the flag to add. An operation a backend cannot do throws {@link UnsupportedOperationException}
 * naming the backend and the one that can.
 */
public enum Backend {
    /** Full mman: {@code mmap} and every control call, through the FFM API. */
    NATIVE("mmap through the FFM API"),
    /** The JDK's own {@code FileChannel.map(..., Arena)}; no native access needed. */
    JDK("FileChannel.map with an Arena"),
    /** java.nio {@code MappedByteBuffer}; at most 2 GiB per mapping. */
    NIO("java.nio MappedByteBuffer");

    /** The system property that selects the backend for the whole program. */
    public static final String PROPERTY = "dev.mman.backend";

    private final String machinery;

    Backend(String machinery) {
        this.machinery = machinery;
    }

    /**
     * The backend that mappings use unless a factory is told otherwise: the one the
     * {@value #PROPERTY} property names, or {@link #NATIVE}, or {@link #JDK} when native access is
     * denied.
     *
     * @return the program's backend
     * @throws MMapInvalidParameterException when the property names no backend
     */
    public static Backend selected() {
        return Selection.BACKEND;
    }

    /**
     * Why {@link #selected()} chose what it chose, for diagnostics such as {@code mman info}.
     *
     * @return for example {@code native: the default}
     */
    public static String selectionReason() {
        return Selection.REASON;
    }

    /**
     * Reads a backend name as the {@value #PROPERTY} property spells it.
     *
     * @param name {@code native}, {@code jdk} or {@code nio}, in any case
     * @return the backend
     * @throws MMapInvalidParameterException naming the value and the accepted ones
     */
    public static Backend parse(String name) {
        for (Backend backend : values()) {
            if (backend.name().equalsIgnoreCase(name.strip())) {
                return backend;
            }
        }
        throw Arguments.invalid("-D" + PROPERTY + "=" + name + " names no backend; use native, jdk or nio");
    }

    UnsupportedOperationException unsupported(String operation) {
        return new UnsupportedOperationException(operation + " is not supported by Backend." + name() + " ("
                + machinery + "); Backend.NATIVE supports it: set -D" + PROPERTY + "=native or pass Backend.NATIVE, "
                + "and run with " + nativeAccessFlag());
    }

    static String nativeAccessFlag() {
        return Backend.class.getModule().isNamed() ? "--enable-native-access=dev.mman"
                : "--enable-native-access=ALL-UNNAMED";
    }

    /** Chosen once, on first use. */
    private static final class Selection {
        static final String REASON;
        static final Backend BACKEND;

        static {
            String property = System.getProperty(PROPERTY);
            if (property != null) {
                BACKEND = parse(property);
                REASON = BACKEND.name().toLowerCase(Locale.ROOT) + ": chosen by -D" + PROPERTY;
            } else if (nativeUsable()) {
                BACKEND = NATIVE;
                REASON = "native: the default";
            } else {
                BACKEND = JDK;
                REASON = "jdk: native access is denied; add " + nativeAccessFlag() + " for the native backend";
                System.getLogger("dev.mman").log(System.Logger.Level.WARNING, "mman: native access is denied, so "
                        + "mappings use Backend.JDK (no mprotect, mlock, madvise or residency); add "
                        + nativeAccessFlag() + " to the java command line to use Backend.NATIVE");
            }
        }

        /**
         * Whether the native platform loaded. When it did not and native access is enabled, the
         * platform itself is unsupported, and its first call explains why; only denied access
         * falls back.
         */
        private static boolean nativeUsable() {
            try {
                Platform.current().pageSize();
                return true;
            } catch (MMapException unavailable) {
                return Backend.class.getModule().isNativeAccessEnabled();
            }
        }
    }
}
