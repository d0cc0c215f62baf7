/**
 * A pool of fixed-size blocks inside one mapping, shareable between processes: see
 * {@link dev.mman.pool.MemoryPool}.
 */
package dev.mman.pool;
