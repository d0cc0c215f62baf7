/**
 * A pool of fixed-size blocks inside one mapping (or native segment), shareable between
 * processes: see {@link dev.mman.pool.MemoryPool}. {@link dev.mman.pool.PoolLayout} publishes its
 * bytes, for programs in other languages.
 */
package dev.mman.pool;
