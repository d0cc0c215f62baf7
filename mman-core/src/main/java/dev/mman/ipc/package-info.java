/**
 * Cross-process primitives that live inside a shared mapping ({@link dev.mman.SharedMemory} or a
 * {@code MAP_SHARED} file mapping): {@link dev.mman.ipc.SharedLock}, a futex mutex that survives
 * the death of its owner, and the ring buffers {@link dev.mman.ipc.SpscRingBuffer} (one producer)
 * and {@link dev.mman.ipc.MpscRingBuffer} (many producers), whose consumer can block.
 *
 * <p>Every structure is placed at an 8-byte aligned offset that the processes agree on, formatted
 * once with {@code format} and joined with {@code attach}, in a mapping or in any native, writable
 * {@link java.lang.foreign.MemorySegment}. Nothing holds addresses, so each process may map the
 * memory anywhere. {@link dev.mman.ipc.RingLayout} and {@link dev.mman.ipc.LockLayout} publish
 * every byte, with a layout version that {@code attach} checks, for programs in other languages.
 *
 * <h2>Memory</h2>
 * A structure holds no lifetime of its own: the memory's governs. One in a mapping behaves as the
 * mapping's views do ({@link dev.mman.MemoryMap#asSegment()}): once the mapping is closed, or an
 * {@code mprotect} takes rights away, every call that touches it throws
 * {@link java.lang.IllegalStateException}, and none can fault. One in a segment lives as long as
 * the segment's scope: once its arena is closed, every such call throws
 * {@link java.lang.IllegalStateException}; a segment of a confined arena may be used only by its
 * owner thread (others get {@link java.lang.WrongThreadException}). A segment made from a raw
 * address ({@code MemorySegment.ofAddress(...).reinterpret(...)}) has no lifetime at all: freeing
 * or unmapping its memory while a structure in it is used crashes the process, as any access
 * through such a segment does. {@code toString()} never throws, whatever became of the memory.
 *
 * <h2>Hostile peers</h2>
 * Every byte of a shared structure is input from other processes, which may die at any moment,
 * scribble on it, or shrink the shared object under it.
 * <ul>
 * <li>A value that no correct peer writes ends in {@link dev.mman.ipc.CorruptStructureException},
 *     which names the structure, its memory, the field and the value. Nothing is handed out of
 *     the data area, no unread record is overwritten, nothing is sized by a shared value, and no
 *     call waits for ever on a value alone.</li>
 * <li>A peer that shrinks the object ({@code ftruncate}) makes the calls that touch the lost
 *     pages throw {@link dev.mman.MMapException}, naming the structure, its memory and the bytes
 *     it needs, where the JDK would throw its raw {@link java.lang.InternalError} ("a fault
 *     occurred in an unsafe memory access operation"), or crash. {@code attach} and every wait
 *     (before a spin, a park or a futex sleep) check that the object still covers the
 *     structure.</li>
 * <li>One hole remains. The JDK guards plain, volatile and bulk accesses against the SIGBUS of a
 *     lost page, interpreted or compiled, and its compiled atomics, but not the interpreter's
 *     compare-and-set ({@code Unsafe_CompareAndSetLong}), which kills the JVM. So each call reads
 *     a word with such a guarded load right before its first atomic operation on it, and a shrink
 *     found there ends as above. A shrink that lands after that read and before the
 *     compare-and-set, a few dozen nanoseconds later, still crashes the JVM while the calling code
 *     runs in the interpreter: in the first calls of a process, before the JIT compiles them.
 *     Compiled code has no such window. (A test pins this JDK behaviour, so that a JDK that
 *     guards the interpreter too is noticed.)</li>
 * </ul>
 */
package dev.mman.ipc;
