/**
 * Memory mappings for Java: {@code mmap}, {@code munmap}, {@code mprotect}, {@code msync},
 * {@code mlock}, {@code madvise} and {@code mincore}, that never crash the JVM.
 *
 * <h2>The API</h2>
 * <ul>
 * <li>{@link dev.mman.MemoryMap}: one mapping, anonymous or of a file; its factories, data calls,
 *     views and control calls. Start here.</li>
 * <li>{@link dev.mman.SharedMemory}: named shared memory ({@code shm_open}, or a named file mapping
 *     on Windows), a {@code MemoryMap} that other processes open by name.</li>
 * <li>{@link dev.mman.Mman}: the original library's constants ({@code PROT_*}, {@code MAP_*},
 *     {@code MS_*}) with its values, {@code mmapRegion}, the page size and the version.</li>
 * <li>{@link dev.mman.Advice}: the {@code madvise} hints; {@link dev.mman.PageCache}: evicting a
 *     file from the page cache; {@link dev.mman.SystemInfo}: what this machine allows.</li>
 * <li>{@link dev.mman.MappedRecords}: fixed-size records of a file larger than memory, through
 *     a sliding window.</li>
 * <li>{@link dev.mman.Backend}: the machinery behind a mapping (native calls, the JDK's
 *     {@code FileChannel.map(..., Arena)}, or NIO's {@code MappedByteBuffer}), chosen by one flag.</li>
 * <li>{@link dev.mman.MMapException} and its subclasses {@link dev.mman.MMapAllocationException}
 *     and {@link dev.mman.MMapInvalidParameterException}: every error mman reports.</li>
 * </ul>
 * Blocks carved out of a mapping live in {@link dev.mman.pool}; locks and ring buffers between
 * processes in {@link dev.mman.ipc}.
 *
 * <h2>The machinery (not public)</h2>
 * <ul>
 * <li>{@code MapFactory} checks a factory's arguments, asks the backend for the memory and wraps
 *     it, and maps again for {@code resize}; {@code Arguments} and {@code FileChecks} hold the
 *     checks.</li>
 * <li>{@code MappingGuard} is the safety protocol: the epochs, view arenas and their retirement,
 *     the order in which {@code mprotect} narrows rights, and the gate for native fills. It is the
 *     one class where a mistake could crash the JVM.</li>
 * <li>{@code Region} is the memory as one backend provides it: {@code NativeRegion},
 *     {@code JdkRegion}, {@code NioRegion}.</li>
 * <li>{@code dev.mman.internal} (not exported) makes every native call, one subpackage per
 *     operating system.</li>
 * </ul>
 */
package dev.mman;
