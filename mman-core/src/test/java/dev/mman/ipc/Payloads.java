package dev.mman.ipc;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.zip.CRC32C;

/**
 * The deterministic test messages: message {@code n} of a stream has a length and bytes that
 * both sides compute from {@code n} alone, so the consumer checks order and content exactly.
 */
final class Payloads {

    private Payloads() {}

    /** A well-mixed 64-bit function of {@code n} (the splitmix64 finalizer). */
    static long mix(long n) {
        long z = n * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The length of message {@code n}: from {@code min} to {@code max} bytes. */
    static int length(long stream, long n, int min, int max) {
        return min + (int) Long.remainderUnsigned(mix(stream * 1_000_003L + n), max - min + 1);
    }

    /** Fills {@code into[0, length)} with the bytes of message {@code n}. */
    static void fill(long stream, long n, byte[] into, int length) {
        long bits = mix(~(stream * 1_000_003L + n));
        for (int i = 0; i < length; i++) {
            into[i] = (byte) (bits >>> ((i & 7) << 3) ^ i);
        }
    }

    /** Whether {@code buffer[offset, offset + length)} holds exactly message {@code n}. */
    static boolean matches(long stream, long n, MemorySegment buffer, long offset, int length, byte[] scratch) {
        fill(stream, n, scratch, length);
        return MemorySegment.mismatch(buffer, offset, offset + length, MemorySegment.ofArray(scratch), 0,
                length) == -1;
    }

    /** Adds a payload to a running checksum. */
    static void checksum(CRC32C crc, MemorySegment buffer, long offset, int length) {
        crc.update(buffer.asSlice(offset, length).asByteBuffer());
    }

    /** The sequence number that MPSC messages carry in their first 8 bytes. */
    static long sequence(MemorySegment buffer, long offset) {
        return buffer.get(ValueLayout.JAVA_LONG_UNALIGNED, offset);
    }
}
