package dev.mman.internal.linux;

import static dev.mman.Advice.DONTNEED;
import static dev.mman.Advice.HUGEPAGE;
import static dev.mman.Advice.NOHUGEPAGE;
import static dev.mman.Advice.NORMAL;
import static dev.mman.Advice.POPULATE;
import static dev.mman.Advice.RANDOM;
import static dev.mman.Advice.SEQUENTIAL;
import static dev.mman.Advice.WILLNEED;
import static dev.mman.internal.PortableBits.MAP_ANONYMOUS;
import static dev.mman.internal.PortableBits.MAP_FIXED;
import static dev.mman.internal.PortableBits.MAP_HUGETLB;
import static dev.mman.internal.PortableBits.MAP_NORESERVE;
import static dev.mman.internal.PortableBits.MAP_POPULATE;
import static dev.mman.internal.PortableBits.MAP_PRIVATE;
import static dev.mman.internal.PortableBits.MAP_SHARED;
import static dev.mman.internal.PortableBits.MS_ASYNC;
import static dev.mman.internal.PortableBits.MS_INVALIDATE;
import static dev.mman.internal.PortableBits.MS_SYNC;
import static dev.mman.internal.PortableBits.PROT_EXEC;
import static dev.mman.internal.PortableBits.PROT_READ;
import static dev.mman.internal.PortableBits.PROT_WRITE;

import dev.mman.internal.posix.ErrnoTable;
import dev.mman.internal.posix.PosixAbi;
import dev.mman.internal.posix.PosixConstants;
import dev.mman.internal.posix.StatLayout;
import java.util.Map;

/**
 * Linux's numbers, from the kernel's uapi headers (asm-generic, which x86_64 and aarch64 agree
 * with for everything here) and glibc's {@code struct stat}. Pure data, kept apart from
 * {@link LinuxPlatform} so that it is checked on any OS.
 */
final class LinuxConstants {

    /** From asm-generic/errno-base.h and errno.h: what Linux numbers beyond Version 7. */
    static final ErrnoTable ERRNO = new ErrnoTable(Map.ofEntries(
            Map.entry(11, "EAGAIN"), Map.entry(36, "ENAMETOOLONG"), Map.entry(38, "ENOSYS"), Map.entry(40, "ELOOP"),
            Map.entry(75, "EOVERFLOW"), Map.entry(95, "EOPNOTSUPP"), Map.entry(110, "ETIMEDOUT"),
            Map.entry(130, "EOWNERDEAD"), Map.entry(131, "ENOTRECOVERABLE"), Map.entry(133, "EHWPOISON")));

    /** From asm-generic/mman-common.h and mman.h, and unistd.h for the page size. */
    static final PosixConstants MMAN = new PosixConstants(
            PosixConstants.Bits.of(PROT_READ, 0x1, PROT_WRITE, 0x2, PROT_EXEC, 0x4),
            PosixConstants.Bits.of(MAP_SHARED, 0x01, MAP_PRIVATE, 0x02, MAP_FIXED, 0x10, MAP_ANONYMOUS, 0x20,
                    MAP_POPULATE, 0x8000, MAP_HUGETLB, 0x40000, MAP_NORESERVE, 0x4000),
            PosixConstants.Bits.of(MS_ASYNC, 1, MS_SYNC, 4, MS_INVALIDATE, 2),
            Map.of(NORMAL, 0, RANDOM, 1, SEQUENTIAL, 2, WILLNEED, 3, DONTNEED, 4, HUGEPAGE, 14, NOHUGEPAGE, 15,
                    POPULATE, 22), // MADV_POPULATE_READ
            23, // MADV_POPULATE_WRITE
            255, // NAME_MAX: the name is a file under /dev/shm
            30,
            ERRNO);

    /** glibc and musl on x86_64: a 64-bit {@code st_nlink} comes before {@code st_mode}. */
    static final StatLayout STAT_X86_64 = new StatLayout(24, 4, 48, 144);
    /** The generic Linux layout that aarch64 uses: {@code st_mode} directly after {@code st_ino}. */
    static final StatLayout STAT_AARCH64 = new StatLayout(16, 4, 48, 128);

    private LinuxConstants() {}

    /**
     * The numbers beyond {@code <sys/mman.h>}, for x86_64 or aarch64.
     *
     * @param arch {@code os.arch}
     * @return the values
     */
    static PosixAbi abi(String arch) {
        return new PosixAbi(MMAN, 0x40, 0x80, 0x80000, 0x800 | 0x100, 0x80000, 8, -1L,
                arch.equals("aarch64") ? STAT_AARCH64 : STAT_X86_64, "fstat", false, 3, 4);
    }
}
