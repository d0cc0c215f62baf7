package dev.mman.model;

import static dev.mman.Mman.PROT_READ;
import static dev.mman.Mman.PROT_WRITE;

import dev.mman.Backend;
import dev.mman.MMapException;
import dev.mman.MMapInvalidParameterException;
import dev.mman.testing.TestBackend;
import java.util.Arrays;

/**
 * What a {@link dev.mman.MemoryMap} should hold and do, in plain Java: the bytes, the protection,
 * whether it is closed, and which views are still alive.
 *
 * <p>Views are modelled by generation: every {@code close()} and every {@code mprotect} that takes a
 * right away starts a new one, and a view lives exactly as long as the generation it was taken in.
 * Each {@code expect...} method returns the exception class the library must throw for a call, in
 * the order the library checks, or {@code null} when the call must succeed.
 */
public final class MappingModel {

    private final byte[] bytes;
    private final long pageSize;
    /** A shared mapping of a file opened read-only: the kernel refuses to add PROT_WRITE. */
    private final boolean writeRefusedByFile;
    /** The backend of this run: only NATIVE has mprotect, and NIO's views outlive close(). */
    private final Backend backend = TestBackend.current();
    private int prot;
    private boolean closed;
    private int generation;

    /**
     * A model of a fresh mapping.
     *
     * @param initial the mapping's contents at creation
     * @param prot the protection it was created with
     * @param pageSize the system page size
     * @param writeRefusedByFile whether the kernel refuses PROT_WRITE (shared mapping, file opened read-only)
     */
    public MappingModel(byte[] initial, int prot, long pageSize, boolean writeRefusedByFile) {
        this.bytes = initial.clone();
        this.prot = prot;
        this.pageSize = pageSize;
        this.writeRefusedByFile = writeRefusedByFile;
    }

    // ---------------------------------------------------------------- predictions

    /**
     * For {@code read}, {@code write} and {@code fill}.
     *
     * @param offset the first byte
     * @param length how many bytes
     * @param rights the protection the call needs
     * @return the expected exception, or null
     */
    public Class<? extends Throwable> expectAccess(long offset, long length, int rights) {
        if (closed) {
            return MMapException.class;
        }
        if (!inRange(offset, length)) {
            return MMapInvalidParameterException.class;
        }
        return (prot & rights) == rights ? null : MMapException.class;
    }

    /**
     * For {@code mprotect}.
     *
     * @param newProt the protection asked for
     * @return the expected exception, or null
     */
    public Class<? extends Throwable> expectProtect(int newProt) {
        if (closed) {
            return MMapException.class;
        }
        if (backend != Backend.NATIVE) {
            return UnsupportedOperationException.class;
        }
        return writeRefusedByFile && (newProt & PROT_WRITE) != 0 ? MMapException.class : null;
    }

    /**
     * For {@code msync} on a range.
     *
     * @param offset the first byte
     * @param length how many bytes
     * @return the expected exception, or null
     */
    public Class<? extends Throwable> expectSync(long offset, long length) {
        if (length <= 0 || !inRange(offset, length) || offset % pageSize != 0) {
            return MMapInvalidParameterException.class;
        }
        return closed ? MMapException.class : null;
    }

    /**
     * For {@code asSegment}, {@code asSegment(dtype)} and {@code asByteBuffer}.
     *
     * @param elementSize the size of the element layout; 1 for bytes
     * @return the expected exception, or null
     */
    public Class<? extends Throwable> expectView(long elementSize) {
        if (bytes.length % elementSize != 0) {
            return MMapInvalidParameterException.class;
        }
        return closed || (prot & PROT_READ) == 0 ? MMapException.class : null;
    }

    /**
     * Whether a view taken in {@code viewGeneration} may still be used.
     *
     * @param viewGeneration {@link #generation()} when the view was taken
     * @return true while neither close nor a loss of rights has happened since, and always on
     *     {@code NIO}, whose buffers stay mapped until the garbage collector unmaps them
     */
    public boolean viewAlive(int viewGeneration) {
        return viewGeneration == generation || backend == Backend.NIO;
    }

    private boolean inRange(long offset, long length) {
        return offset >= 0 && length >= 0 && offset <= bytes.length - length;
    }

    // ---------------------------------------------------------------- effects

    /**
     * Applies a successful write.
     *
     * @param data the bytes
     * @param offset where they go
     */
    public void write(byte[] data, long offset) {
        System.arraycopy(data, 0, bytes, (int) offset, data.length);
    }

    /**
     * Applies a successful fill.
     *
     * @param offset the first byte
     * @param length how many bytes
     * @param value the byte
     */
    public void fill(long offset, long length, byte value) {
        Arrays.fill(bytes, (int) offset, (int) (offset + length), value);
    }

    /**
     * Applies an {@code mprotect}. Views die when a right goes away, even when the kernel then
     * refuses the change: the library invalidates them before it asks.
     *
     * @param newProt the protection asked for
     * @param succeeded whether the call returned normally
     */
    public void protect(int newProt, boolean succeeded) {
        if (closed || backend != Backend.NATIVE) {
            return; // other backends refuse mprotect before touching any view
        }
        if ((prot & ~newProt) != 0) {
            generation++;
        }
        if (succeeded) {
            prot = newProt;
        }
    }

    /** Applies {@code close()}: all views die; closing again changes nothing. */
    public void close() {
        if (!closed) {
            closed = true;
            generation++;
        }
    }

    // ---------------------------------------------------------------- state

    /**
     * The bytes between {@code offset} and {@code offset + length}.
     *
     * @param offset the first byte
     * @param length how many
     * @return a copy
     */
    public byte[] slice(long offset, long length) {
        return Arrays.copyOfRange(bytes, (int) offset, (int) (offset + length));
    }

    /**
     * One byte.
     *
     * @param offset where
     * @return the byte
     */
    public byte at(long offset) {
        return bytes[(int) offset];
    }

    /**
     * Sets one byte, as a write through a live view does.
     *
     * @param offset where
     * @param value the byte
     */
    public void set(long offset, byte value) {
        bytes[(int) offset] = value;
    }

    /**
     * All the bytes.
     *
     * @return a copy
     */
    public byte[] contents() {
        return bytes.clone();
    }

    /**
     * The length of the mapping.
     *
     * @return bytes
     */
    public long size() {
        return bytes.length;
    }

    /**
     * The protection the mapping has now.
     *
     * @return {@code PROT_*} bits
     */
    public int protection() {
        return prot;
    }

    /**
     * Whether {@code close()} was called.
     *
     * @return true once closed
     */
    public boolean closed() {
        return closed;
    }

    /**
     * The current view generation.
     *
     * @return a counter that grows with every close and every loss of rights
     */
    public int generation() {
        return generation;
    }
}
