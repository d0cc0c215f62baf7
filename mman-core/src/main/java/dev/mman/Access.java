package dev.mman;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * One right over a mapping's memory: the typed form of the {@code PROT_*} bits. A protection is a
 * set of them; the empty set is {@link Mman#PROT_NONE}. {@link MapOptions#access} takes it when
 * mapping, {@link MemoryMap#mprotect(Set)} changes it, and {@link MemoryMap#access()} reads it.
 *
 * <pre>{@code
 * m.mprotect(EnumSet.of(Access.READ));   // the same as m.mprotect(PROT_READ)
 * }</pre>
 */
public enum Access {
    /** The memory may be read ({@link Mman#PROT_READ}); views need it. */
    READ(Mman.PROT_READ),
    /** The memory may be written ({@link Mman#PROT_WRITE}); views are writable only with it. */
    WRITE(Mman.PROT_WRITE),
    /**
     * The memory may be executed ({@link Mman#PROT_EXEC}). mman refuses it unless the JVM runs with
     * {@code -Ddev.mman.allowExec=true}; the JDK and NIO backends cannot grant it at all.
     */
    EXEC(Mman.PROT_EXEC);

    private final int bit;

    Access(int bit) {
        this.bit = bit;
    }

    /** {@return the {@code PROT_*} bit of this right} */
    public int bit() {
        return bit;
    }

    /**
     * The {@code PROT_*} bits of a set of rights.
     *
     * @param rights the rights; empty for {@link Mman#PROT_NONE}
     * @return the bits
     * @throws NullPointerException when {@code rights} is or holds null
     * @throws MMapInvalidParameterException when the set holds something other than an
     *     {@code Access} (possible only through an unchecked conversion)
     */
    public static int bits(Set<Access> rights) {
        Objects.requireNonNull(rights, "rights");
        int prot = 0;
        for (Object right : rights) {
            if (!(right instanceof Access access)) {
                Objects.requireNonNull(right, "rights holds null");
                throw Arguments.invalid("the rights " + rights + " hold a " + right.getClass().getName()
                        + ", not an Access: pass a Set<Access> such as EnumSet.of(Access.READ)");
            }
            prot |= access.bit;
        }
        return prot;
    }

    /**
     * The rights that {@code PROT_*} bits grant; bits that name no right are ignored.
     *
     * @param prot {@code PROT_*} bits
     * @return an unmodifiable set, empty for {@link Mman#PROT_NONE}
     */
    public static Set<Access> of(int prot) {
        EnumSet<Access> rights = EnumSet.noneOf(Access.class);
        for (Access right : values()) {
            if ((prot & right.bit) != 0) {
                rights.add(right);
            }
        }
        return Collections.unmodifiableSet(rights);
    }
}
