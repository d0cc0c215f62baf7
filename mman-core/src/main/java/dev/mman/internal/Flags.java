package dev.mman.internal;

import java.util.StringJoiner;

/** Renders portable constant bits by name, for messages: {@code PROT_READ|PROT_WRITE}. */
public final class Flags {

    private static final String[] PROT_NAMES = {"PROT_READ", "PROT_WRITE", "PROT_EXEC"};
    private static final int[] MAP_BITS = {
        PortableBits.MAP_SHARED, PortableBits.MAP_PRIVATE, PortableBits.MAP_FIXED,
        PortableBits.MAP_ANONYMOUS, PortableBits.MAP_POPULATE, PortableBits.MAP_HUGETLB
    };
    private static final String[] MAP_NAMES = {
        "MAP_SHARED", "MAP_PRIVATE", "MAP_FIXED", "MAP_ANONYMOUS", "MAP_POPULATE", "MAP_HUGETLB"
    };
    private static final String[] MS_NAMES = {"MS_ASYNC", "MS_SYNC", "MS_INVALIDATE"};

    private Flags() {}

    /**
     * Names protection bits.
     *
     * @param prot portable {@code PROT_*} bits
     * @return for example {@code PROT_READ|PROT_WRITE}, or {@code PROT_NONE}
     */
    public static String protection(int prot) {
        return render(prot, PortableBits.PROT, PROT_NAMES, "PROT_NONE");
    }

    /**
     * Names mapping flags.
     *
     * @param flags portable {@code MAP_*} bits
     * @return for example {@code MAP_SHARED}
     */
    public static String mapping(int flags) {
        return render(flags, MAP_BITS, MAP_NAMES, "0");
    }

    /**
     * Names msync flags.
     *
     * @param flags portable {@code MS_*} bits
     * @return for example {@code MS_SYNC|MS_INVALIDATE}
     */
    public static String msync(int flags) {
        return render(flags, PortableBits.MS, MS_NAMES, "0");
    }

    private static String render(int value, int[] bits, String[] names, String none) {
        StringJoiner out = new StringJoiner("|");
        int rest = value;
        for (int i = 0; i < bits.length; i++) {
            if ((value & bits[i]) != 0) {
                out.add(names[i]);
                rest &= ~bits[i];
            }
        }
        if (rest != 0) {
            out.add(String.format("0x%x", rest));
        }
        return out.length() == 0 ? none : out.toString();
    }
}
