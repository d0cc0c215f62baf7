package dev.mman;

import static dev.mman.Mman.MAP_ANONYMOUS;
import static dev.mman.Mman.MAP_FIXED;
import static dev.mman.Mman.MAP_HUGETLB;
import static dev.mman.Mman.MAP_POPULATE;
import static dev.mman.Mman.MAP_PRIVATE;
import static dev.mman.Mman.MAP_SHARED;
import static dev.mman.Mman.MS_ASYNC;
import static dev.mman.Mman.MS_INVALIDATE;
import static dev.mman.Mman.MS_SYNC;
import static dev.mman.Mman.PROT_EXEC;
import static dev.mman.Mman.PROT_READ;
import static dev.mman.Mman.PROT_WRITE;

import dev.mman.internal.Flags;
import java.util.function.Supplier;

/**
 * The checks every argument passes before a system call. Each failure is an
 * {@link MMapInvalidParameterException} that names the value and what would be right.
 */
final class Arguments {

    private static final int KNOWN_PROT = PROT_READ | PROT_WRITE | PROT_EXEC;
    private static final int KNOWN_MAP = MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS | MAP_POPULATE
            | MAP_HUGETLB;
    private static final int KNOWN_MS = MS_ASYNC | MS_SYNC | MS_INVALIDATE;

    /** The system property that allows {@link Mman#PROT_EXEC}. */
    static final String ALLOW_EXEC = "dev.mman.allowExec";

    private Arguments() {}

    static MMapInvalidParameterException invalid(String message) {
        return new MMapInvalidParameterException(message);
    }

    static void size(Supplier<String> call, long size) {
        if (size <= 0) {
            throw invalid(call.get() + ": size " + size + " is not positive; a mapping needs at least 1 byte");
        }
    }

    static void protection(Supplier<String> call, int prot) {
        if ((prot & ~KNOWN_PROT) != 0) {
            throw invalid(String.format("%s: prot 0x%x has unknown bits 0x%x; use PROT_NONE or PROT_READ, "
                    + "PROT_WRITE, PROT_EXEC combined with |", call.get(), prot, prot & ~KNOWN_PROT));
        }
        if ((prot & PROT_EXEC) != 0 && !Boolean.getBoolean(ALLOW_EXEC)) {
            throw invalid(call.get() + ": prot " + Flags.protection(prot) + " asks for executable memory, which mman "
                    + "refuses unless the JVM runs with -D" + ALLOW_EXEC + "=true");
        }
    }

    static void mapFlags(Supplier<String> call, int flags, boolean anonymous) {
        if ((flags & ~KNOWN_MAP) != 0) {
            throw invalid(String.format("%s: flags 0x%x have unknown bits 0x%x; use MAP_SHARED or MAP_PRIVATE, "
                    + "optionally with MAP_POPULATE or MAP_HUGETLB", call.get(), flags, flags & ~KNOWN_MAP));
        }
        int sharing = flags & (MAP_SHARED | MAP_PRIVATE);
        if (sharing != MAP_SHARED && sharing != MAP_PRIVATE) {
            throw invalid(call.get() + ": flags " + Flags.mapping(flags) + " must contain exactly one of MAP_SHARED "
                    + "and MAP_PRIVATE");
        }
        if ((flags & MAP_FIXED) != 0) {
            throw invalid(call.get() + ": flags " + Flags.mapping(flags) + " contain MAP_FIXED, which mman refuses: "
                    + "a fixed mapping could replace memory the JVM owns");
        }
        if (!anonymous && (flags & MAP_ANONYMOUS) != 0) {
            throw invalid(call.get() + ": flags " + Flags.mapping(flags) + " contain MAP_ANONYMOUS; use "
                    + "createAnonymous for memory without a file");
        }
    }

    static void fileOffset(Supplier<String> call, long offset, long size, long granularity) {
        if (offset < 0) {
            throw invalid(call.get() + ": offset " + offset + " is negative");
        }
        if (offset % granularity != 0) {
            long below = offset - offset % granularity;
            throw invalid(call.get() + ": offset " + offset + " is not a multiple of the allocation granularity "
                    + granularity + "; use " + below + " and skip " + (offset - below) + " bytes in the mapping");
        }
        if (offset > Long.MAX_VALUE - size) {
            throw invalid(call.get() + ": offset " + offset + " + size " + size + " overflows a 64-bit file position");
        }
    }

    static void msyncFlags(Supplier<String> call, int flags) {
        if ((flags & ~KNOWN_MS) != 0) {
            throw invalid(String.format("%s: flags 0x%x have unknown bits 0x%x; use MS_SYNC or MS_ASYNC, "
                    + "optionally with MS_INVALIDATE", call.get(), flags, flags & ~KNOWN_MS));
        }
        int mode = flags & (MS_SYNC | MS_ASYNC);
        if (mode != MS_SYNC && mode != MS_ASYNC) {
            throw invalid(call.get() + ": flags " + Flags.msync(flags) + " must contain exactly one of MS_SYNC and "
                    + "MS_ASYNC");
        }
    }

    /** Checks that {@code [offset, offset + length)} lies inside a mapping of {@code size} bytes. */
    static void range(Supplier<String> call, long offset, long length, long size) {
        if (offset < 0) {
            throw invalid(call.get() + ": offset " + offset + " is negative");
        }
        if (length < 0) {
            throw invalid(call.get() + ": length " + length + " is negative");
        }
        if (offset > size - length) {
            throw invalid(call.get() + ": offset " + offset + " + length " + length + " ends past the end of the "
                    + size + "-byte mapping" + (length <= size ? "; the last valid offset for this length is "
                    + (size - length) : "; the mapping is only " + size + " bytes long"));
        }
    }

    /** The range of a control call ({@code msync}, {@code madvise}): not empty, inside the mapping, page-aligned. */
    static void controlRange(Supplier<String> call, long offset, long length, long size, long pageSize) {
        if (length <= 0) {
            throw invalid(call.get() + ": length " + length + " is not positive");
        }
        range(call, offset, length, size);
        pageAligned(call, offset, pageSize);
    }

    /** Checks that {@code [at, at + length)} lies inside an array of {@code arrayLength} elements. */
    static void arraySlice(String call, int arrayLength, int at, int length) {
        if (at < 0) {
            throw invalid(call + ": array index " + at + " is negative");
        }
        if (length < 0) {
            throw invalid(call + ": length " + length + " is negative");
        }
        if (at > arrayLength - length) {
            throw invalid(call + ": array index " + at + " + length " + length + " ends past the end of the "
                    + arrayLength + "-byte array; pass a larger array or copy fewer bytes");
        }
    }

    static void pageAligned(Supplier<String> call, long offset, long pageSize) {
        if (offset % pageSize != 0) {
            throw invalid(call.get() + ": offset " + offset + " is not a multiple of the page size " + pageSize);
        }
    }
}
