package dev.mman.internal;

import dev.mman.Advice;
import dev.mman.MMapException;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

/**
 * The operating system, as mman needs it: one implementation per OS makes the native calls.
 *
 * <p>Every method takes mman's portable constants and translates them itself. Addresses and
 * lengths are raw numbers: nothing here knows about Java views or their lifetimes, and the
 * caller guarantees that each address range belongs to a live mapping it owns. Every failure is
 * an {@link MMapException} that names the call, the errno and, where one helps, a hint.
 *
 * <p>A call without a portable answer defaults to throwing {@link #unavailable}, so that the stand-in
 * for an OS mman cannot run on needs no code per call; every real backend overrides them all, which
 * {@code PlatformDefaultsTest} checks.
 */
public interface Platform {

    /**
     * What {@link #remap} returns when the range spans several kernel mappings: {@code mremap}
     * grows only one (it answers {@code EFAULT}), so the caller maps the file again instead.
     */
    long REMAP_SPLIT = 0;

    /**
     * The platform in use, loaded on first call. It never throws: on an unsupported OS, or when
     * native access is denied, it is a stand-in whose first call throws an {@link MMapException}
     * that says why.
     *
     * @return the platform
     */
    static Platform current() {
        return Platforms.current();
    }

    /**
     * A short description, such as {@code Linux x86_64}.
     *
     * @return the description
     */
    String describe();

    /**
     * The error that a call this platform does not make raises.
     *
     * @param call the method's name
     * @return the exception to throw
     */
    default MMapException unavailable(String call) {
        return new MMapException(call + " is not available on " + describe());
    }

    /**
     * Refuses, with {@link #unavailable}, when this is the stand-in that makes no native calls at
     * all (mman cannot run here, or native access is denied): for a structure that needs native
     * calls on some of its paths (a futex sleep, a wake-up), so that it fails where it is made,
     * not half way through a lock or a ring.
     *
     * @param call the call, for the message
     * @throws MMapException when no native call can be made
     */
    default void requireNativeCalls(String call) {}

    /**
     * The size of a page, from {@code sysconf(_SC_PAGESIZE)}.
     *
     * @return bytes per page
     */
    default long pageSize() {
        throw unavailable("pageSize");
    }

    /**
     * The alignment that file offsets must have: the page size on POSIX, 64 KiB on Windows.
     *
     * @return the granularity in bytes
     */
    default long allocationGranularity() {
        throw unavailable("allocationGranularity");
    }

    /**
     * Maps memory. Arguments are already validated.
     *
     * @param size the length in bytes
     * @param prot portable {@code PROT_*} bits
     * @param flags portable {@code MAP_*} bits
     * @param fd the file descriptor, or -1 for anonymous memory
     * @param offset the file offset, aligned to {@link #allocationGranularity()}
     * @return the address of the mapping
     */
    default long map(long size, int prot, int flags, int fd, long offset) {
        throw unavailable("map");
    }

    /**
     * Unmaps a range that {@link #map} returned.
     *
     * @param address the start
     * @param size the length
     */
    default void unmap(long address, long size) {
        throw unavailable("unmap");
    }

    /**
     * Changes the protection of a range.
     *
     * @param address the start, page-aligned
     * @param size the length
     * @param prot portable {@code PROT_*} bits
     */
    default void protect(long address, long size, int prot) {
        throw unavailable("protect");
    }

    /**
     * Flushes a range to its file.
     *
     * @param address the start, page-aligned
     * @param size the length
     * @param flags portable {@code MS_*} bits
     */
    default void sync(long address, long size, int flags) {
        throw unavailable("sync");
    }

    /**
     * Locks a range into RAM.
     *
     * @param address the start
     * @param size the length
     */
    default void lock(long address, long size) {
        throw unavailable("lock");
    }

    /**
     * Unlocks a range.
     *
     * @param address the start
     * @param size the length
     */
    default void unlock(long address, long size) {
        throw unavailable("unlock");
    }

    /**
     * Gives the kernel advice about a range.
     *
     * @param address the start, page-aligned
     * @param size the length
     * @param advice the advice
     * @param writable whether the mapping is writable now
     */
    default void advise(long address, long size, Advice advice, boolean writable) {
        throw unavailable("advise");
    }

    /**
     * Sets every byte of a range to {@code value}, as the C library's {@code memset} does. The
     * call does not check the range: the caller guarantees that it is mapped writable and stays
     * so, and that no file behind it can shrink (a fault here would kill the process). This
     * default fills through a segment; platforms with a C library call {@code memset}, which
     * is faster for large ranges than the JDK's own fill.
     *
     * @param address the start
     * @param length the length in bytes
     * @param value the byte
     */
    default void fill(long address, long length, byte value) {
        MemorySegment.ofAddress(address).reinterpret(length).fill(value);
    }

    /**
     * Reports which pages of a range are resident.
     *
     * @param address the start, page-aligned
     * @param size the length
     * @return one byte per page; bit 0 is set when the page is resident
     */
    default byte[] residency(long address, long size) {
        throw unavailable("residency");
    }

    /**
     * Opens a file for mapping. The descriptor is closed on exec.
     *
     * @param path the file
     * @param writable open for reading and writing, otherwise read-only
     * @return the file descriptor
     */
    default int openFile(Path path, boolean writable) {
        throw unavailable("openFile");
    }

    /**
     * The length of the file behind a descriptor that mman opened itself for reading and
     * writing. This default asks {@link #fileStatus}; POSIX platforms skip its {@code fcntl}, as
     * the access mode is known.
     *
     * @param fd an open descriptor, from {@link #openFile} or {@link #sharedMemoryOpen}
     * @return bytes
     */
    default long openedFileSize(int fd) {
        return fileStatus(fd).size();
    }

    /**
     * Where the next data or the next hole of a file starts, at or after {@code offset}
     * ({@code lseek} with {@code SEEK_DATA} or {@code SEEK_HOLE}), so that a sparse file can be
     * loaded without faulting its holes in. This default, for systems without the call (Windows),
     * and the POSIX platforms on a file system that cannot tell (macOS answers EINVAL), treat the
     * whole file as data, as Linux does for file systems without holes.
     *
     * @param fd an open descriptor of a regular file
     * @param offset where to start looking, 0 or more
     * @param hole whether to find the next hole rather than the next data
     * @return the offset found, at most the file's size (the end counts as a hole); -1 when
     *     {@code offset} is at or past the end, or, for data, when only a hole follows it
     */
    default long seekDataOrHole(int fd, long offset, boolean hole) {
        long size = openedFileSize(fd);
        if (offset >= size) {
            return -1;
        }
        return hole ? size : offset;
    }

    /**
     * Opens a file that is about to be mapped and tells what it is, in as few system calls as the
     * platform allows. It never blocks on a FIFO. The status's access mode is the one asked for.
     * This default stats the path first and then asks {@link #openFile} and {@link #fileStatus};
     * POSIX platforms open first and learn the rest from one {@code fstat}.
     *
     * @param path the file
     * @param writable open for reading and writing, otherwise read-only
     * @return the descriptor and its status, which the caller checks (and closes the descriptor
     *     whatever it finds); {@link OpenedFile#missing()} when the path names nothing
     * @throws MMapException when the file exists but cannot be opened (permissions)
     */
    default OpenedFile openForMapping(Path path, boolean writable) {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (IOException missing) {
            return OpenedFile.MISSING;
        }
        FileStatus.Kind kind = FileStatus.Kind.of(path, attributes);
        if (kind != FileStatus.Kind.REGULAR) {
            return new OpenedFile(-1, new FileStatus(kind, 0, false, false));
        }
        int fd = openFile(path, writable);
        return new OpenedFile(fd, fileStatus(fd));
    }

    /**
     * Closes a descriptor from {@link #openFile}.
     *
     * @param fd the descriptor
     */
    default void closeFile(int fd) {
        throw unavailable("closeFile");
    }

    /**
     * Describes an open descriptor.
     *
     * @param fd the descriptor
     * @return its status, or null when {@code fd} is not open
     */
    default FileStatus fileStatus(int fd) {
        throw unavailable("fileStatus");
    }

    /**
     * Names the file behind a descriptor, for messages.
     *
     * @param fd the descriptor
     * @return for example {@code fd 12 (/data/x.bin)}
     */
    default String describeFd(int fd) {
        throw unavailable("describeFd");
    }

    /**
     * The soft limit on locked memory ({@code RLIMIT_MEMLOCK}).
     *
     * @return bytes, or {@link Long#MAX_VALUE} when unlimited
     */
    default long lockedMemoryLimit() {
        throw unavailable("lockedMemoryLimit");
    }

    /**
     * Creates a named shared-memory object exclusively ({@code shm_open} with
     * {@code O_CREAT|O_EXCL}). On POSIX the object gets exactly {@code mode}, whatever the
     * process's umask: an {@code fchmod} follows the open (the umask only ever clears bits, so the
     * object is never more open than asked in between); when that fails, the object is removed
     * again. Windows has no permission bits and ignores {@code mode}.
     *
     * @param name the validated name, with its leading slash
     * @param mode the permission bits, such as {@code 0600}
     * @return the descriptor, or -1 when the name exists already
     */
    default int sharedMemoryCreate(String name, int mode) {
        throw unavailable("sharedMemoryCreate");
    }

    /**
     * Opens an existing named shared-memory object for reading and writing.
     *
     * @param name the validated name, with its leading slash
     * @return the descriptor, or -1 when no object has that name
     */
    default int sharedMemoryOpen(String name) {
        throw unavailable("sharedMemoryOpen");
    }

    /**
     * Removes a shared-memory name ({@code shm_unlink}). Mappings of it stay valid.
     *
     * @param name the validated name, with its leading slash
     * @return false when no object had that name
     */
    default boolean sharedMemoryUnlink(String name) {
        throw unavailable("sharedMemoryUnlink");
    }

    /**
     * Sets the length of an open file or shared-memory object ({@code ftruncate}).
     *
     * @param fd the descriptor, open for writing
     * @param size the new length
     */
    default void truncate(int fd, long size) {
        throw unavailable("truncate");
    }

    /**
     * Replaces a mapping by an inert placeholder at the same addresses, in one step: private
     * anonymous memory, readable and writable, that reserves nothing. The original memory (and a
     * file's pages) is out of reach once this returns, while a late access from a thread that was
     * caught inside one still finds memory there, so it cannot fault. The caller unmaps the
     * placeholder later, once no thread can still be inside such an access.
     *
     * @param address the start of the mapping
     * @param size its length
     * @return true when the placeholder is in place; false where the platform has none (the
     *     caller then unmaps directly, after the handshakes), or the kernel refused it
     */
    default boolean replaceWithPlaceholder(long address, long size) {
        return false;
    }

    /**
     * Gives storage to the first {@code size} bytes of a file or shared-memory object that
     * {@link #truncate} has sized, so that writing them through a mapping can never fault for want
     * of space: without it a full {@code /dev/shm} (or disk) is found by a SIGBUS at the first write
     * to a page, which kills the JVM. Linux first checks with {@code fstatvfs} that what is missing
     * can fit, so that a hopeless request allocates nothing, then calls {@code posix_fallocate}
     * (retried on {@code EINTR}, in pieces after the first interruption, since tmpfs undoes an
     * interrupted call); Windows has committed a pagefile-backed section's storage when
     * {@link #truncate} created it; macOS has nothing to reserve, its POSIX shared memory being
     * anonymous virtual memory rather than a file system. Holes are filled; the size never shrinks.
     *
     * @param fd a descriptor open for writing, of a regular file or shared-memory object
     * @param size how many bytes from offset 0 need storage, at least 1
     * @return true when every byte has storage now; false when this file system or OS cannot
     *     reserve (the object then only has its size, as before)
     * @throws dev.mman.MMapAllocationException when there is no room ({@code ENOSPC}, with how much
     *     was asked and how much is free), or the memory limit is reached ({@code ENOMEM})
     */
    default boolean reserve(int fd, long size) {
        throw unavailable("reserve");
    }

    /**
     * The named shared-memory objects that exist, with who uses them. Skips what is not a regular
     * file and the C library's named semaphores.
     *
     * @return the objects, by name
     * @throws UnsupportedOperationException where the system cannot enumerate them (macOS, Windows)
     */
    default List<SharedMemoryObject> sharedMemoryObjects() {
        throw unavailable("sharedMemoryObjects");
    }

    /**
     * Resizes a mapping, moving it when it cannot grow in place ({@code mremap} with
     * {@code MREMAP_MAYMOVE}). The old address range is invalid afterwards, unless this returns
     * {@link #REMAP_SPLIT}.
     *
     * @param address the start of the mapping
     * @param oldSize its length
     * @param newSize the new length
     * @return the new start, or {@link #REMAP_SPLIT} when the range is no longer one kernel mapping
     *     (advice or a lock of part of it split it) and so cannot grow; nothing changed then
     * @throws UnsupportedOperationException when the platform has no {@code mremap}
     */
    default long remap(long address, long oldSize, long newSize) {
        throw unavailable("remap");
    }

    /**
     * Whether {@link #remap} works here. Where it does not, a mapping grows by mapping the file
     * again and then unmapping the old range.
     *
     * @return true on Linux
     */
    default boolean remapsInPlace() {
        return false;
    }

    /**
     * The longest shared-memory name the platform accepts, without the leading slash.
     *
     * @return bytes
     */
    default int sharedMemoryNameMax() {
        throw unavailable("sharedMemoryNameMax");
    }

    /**
     * Sleeps while the 32-bit word still holds {@code expected} ({@code FUTEX_WAIT}, shared between
     * processes, so not {@code FUTEX_PRIVATE_FLAG}). The kernel compares and sleeps atomically, so a
     * wake that comes after the caller read the word is never lost. Blocks the calling carrier thread.
     *
     * @param word four bytes, 4-byte aligned, inside a live mapping; the call keeps it alive
     * @param expected the value the caller saw
     * @param timeoutNanos the longest sleep, positive
     * @return false when the timeout elapsed; true when woken, when the word no longer held
     *     {@code expected}, or when a signal interrupted the sleep (callers re-check in all cases)
     */
    default boolean futexWait(MemorySegment word, int expected, long timeoutNanos) {
        throw unavailable("futexWait");
    }

    /**
     * Wakes up to {@code count} threads, in any process, sleeping in {@link #futexWait} on the word.
     *
     * @param word the same four bytes the sleepers passed
     * @param count how many to wake, at least 1
     * @return how many were woken
     */
    default int futexWake(MemorySegment word, int count) {
        throw unavailable("futexWake");
    }

    /**
     * When a process started, to tell a live process from a later one that reuses its pid.
     *
     * @param pid the process id
     * @return the start time in clock ticks since boot, or -1 when no live process has that pid
     *     (a zombie counts as dead: it can hold nothing any more)
     */
    default long processStartTime(long pid) {
        throw unavailable("processStartTime");
    }

    /**
     * Makes this process a target of {@link #barrierOnRegisteredProcesses()}
     * ({@code membarrier(MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED)}). Call once per process.
     *
     * @return false when the kernel offers no such barrier, or forbids it
     */
    default boolean registerForProcessBarriers() {
        throw unavailable("registerForProcessBarriers");
    }

    /**
     * Runs a full memory barrier on every running thread of every registered process
     * ({@code membarrier(MEMBARRIER_CMD_GLOBAL_EXPEDITED)}). This lets a rare, slow path pay for the
     * store-load ordering that a frequent, fast path in another process then need not pay.
     *
     * @return false when the kernel offers no such barrier, or forbids it
     */
    default boolean barrierOnRegisteredProcesses() {
        throw unavailable("barrierOnRegisteredProcesses");
    }

    /**
     * Writes back the dirty pages of a file range and then asks the kernel to drop the range from
     * the page cache ({@code fdatasync} + {@code posix_fadvise(POSIX_FADV_DONTNEED)}). The write-back
     * comes first because the kernel drops only clean pages.
     *
     * @param fd an open descriptor of a regular file
     * @param offset where the range starts in the file
     * @param length the length, 0 for "to the end of the file"
     */
    default void dropCache(int fd, long offset, long length) {
        throw unavailable("dropCache");
    }

    /**
     * The huge page sizes the kernel offers for explicit huge pages ({@code hugetlbfs}).
     *
     * @return sizes in bytes, smallest first; empty when there are none
     */
    default List<Long> hugePageSizes() {
        throw unavailable("hugePageSizes");
    }

    /**
     * The transparent huge page mode, the word the kernel marks as selected, such as
     * {@code madvise}.
     *
     * @return the mode, or {@code unsupported} when the kernel has no transparent huge pages
     */
    default String transparentHugePageMode() {
        throw unavailable("transparentHugePageMode");
    }

    /**
     * The most memory mappings (kernel regions) one process may hold: {@code vm.max_map_count} on
     * Linux. A process that reaches it cannot map anything more, and the JVM aborts when it then
     * needs memory of its own.
     *
     * @return the limit, or -1 where the system has no such limit
     */
    default long mapCountLimit() {
        return -1;
    }

    /**
     * How many mappings this process holds now: the lines of {@code /proc/self/maps} on Linux.
     * Cheap enough to ask now and then, not on every mapping (a process near the limit has tens of
     * thousands of them).
     *
     * @return the count, or -1 where the system has no such limit
     */
    default long processMapCount() {
        return -1;
    }
}
