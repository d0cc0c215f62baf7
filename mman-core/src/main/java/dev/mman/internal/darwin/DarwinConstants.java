package dev.mman.internal.darwin;

import static dev.mman.Advice.DONTNEED;
import static dev.mman.Advice.NORMAL;
import static dev.mman.Advice.RANDOM;
import static dev.mman.Advice.SEQUENTIAL;
import static dev.mman.Advice.WILLNEED;
import static dev.mman.internal.PortableBits.MAP_ANONYMOUS;
import static dev.mman.internal.PortableBits.MAP_FIXED;
import static dev.mman.internal.PortableBits.MAP_NORESERVE;
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
import dev.mman.internal.posix.PosixPlatform;
import dev.mman.internal.posix.StatLayout;
import java.util.Map;

/**
 * macOS (Darwin) numbers, from the macOS SDK's {@code <sys/mman.h>}, {@code <sys/errno.h>} and
 * {@code <sys/stat.h>}. Pure data, kept apart from {@link DarwinPlatform} so that it is checked on
 * Linux, where the backend itself cannot run.
 */
final class DarwinConstants {

    /** From sys/errno.h: what macOS numbers beyond Version 7. */
    static final ErrnoTable ERRNO = new ErrnoTable(Map.ofEntries(
            Map.entry(35, "EAGAIN"), Map.entry(45, "ENOTSUP"), Map.entry(60, "ETIMEDOUT"), Map.entry(62, "ELOOP"),
            Map.entry(63, "ENAMETOOLONG"), Map.entry(78, "ENOSYS"), Map.entry(84, "EOVERFLOW"),
            Map.entry(102, "EOPNOTSUPP"), Map.entry(104, "ENOTRECOVERABLE"), Map.entry(105, "EOWNERDEAD")));

    /**
     * No {@code MAP_POPULATE} and no {@code MAP_HUGETLB} rows: macOS has neither, so both are
     * dropped, and {@link PosixPlatform} touches the pages where populate was asked for. No
     * transparent huge pages and no {@code MADV_POPULATE} either: those advices are unsupported,
     * and POPULATE too is done by touching.
     */
    static final PosixConstants MMAN = new PosixConstants(
            PosixConstants.Bits.of(PROT_READ, 0x1, PROT_WRITE, 0x2, PROT_EXEC, 0x4),
            PosixConstants.Bits.of(MAP_SHARED, 0x0001, MAP_PRIVATE, 0x0002, MAP_FIXED, 0x0010, MAP_ANONYMOUS, 0x1000,
                    MAP_NORESERVE, 0x0040),
            PosixConstants.Bits.of(MS_ASYNC, 0x0001, MS_SYNC, 0x0010, MS_INVALIDATE, 0x0002),
            Map.of(NORMAL, 0, RANDOM, 1, SEQUENTIAL, 2, WILLNEED, 3, DONTNEED, 4),
            PosixConstants.UNSUPPORTED,
            31, // PSHMNAMLEN
            29,
            ERRNO);

    /**
     * The layout with 64-bit inodes, the only one on arm64 and the {@code $INODE64} one on x86_64:
     * {@code st_dev} (4), {@code st_mode} (2), {@code st_nlink} (2), {@code st_ino} (8), uid, gid,
     * rdev, padding, four {@code timespec}s, then {@code st_size}.
     */
    static final StatLayout STAT = new StatLayout(4, 2, 96, 144);

    private DarwinConstants() {}

    /**
     * The numbers beyond {@code <sys/mman.h>}, for arm64 or x86_64. On x86_64 the plain
     * {@code fstat} symbol still fills the old 32-bit-inode struct, so the {@code $INODE64} variant
     * is named; arm64 never had the old one.
     *
     * @param arch {@code os.arch}
     * @return the values
     */
    static PosixAbi abi(String arch) {
        return new PosixAbi(MMAN, 0x200, 0x800, 0x1000000, 0x4 | 0x20000, 0, 6, Long.MAX_VALUE, STAT,
                arch.equals("aarch64") ? "fstat" : "fstat$INODE64", true, 4, 3);
    }
}
