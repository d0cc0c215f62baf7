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
 */
package dev.mman.ipc;
