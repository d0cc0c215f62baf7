package dev.mman.ipc;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.MMapInvalidParameterException;
import dev.mman.internal.ProcessIdentity;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * The lock's published layout: every constant at its documented value, the bytes {@code format}
 * and {@code lock} leave, a lock made by hand from the diagram, and the version check.
 */
class LockLayoutTest {

    /** A pid far above any pid_max, so no process has it. */
    private static final long NO_SUCH_PID = 0x3fff_ffffL;

    @AutoClose
    private final Arena arena = Arena.ofShared();
    private final MemorySegment memory = arena.allocate(4096, 64);

    /** Changing one of these changes a documented format: bump {@link LockLayout#VERSION} and the javadoc. */
    @Test
    void everyConstantHasItsDocumentedValue() {
        assertEquals(1, LockLayout.VERSION);
        assertEquals(0x4b4c4d4d, LockLayout.MAGIC);
        assertEquals(64, LockLayout.BYTES);
        assertEquals(64, SharedLock.BYTES);
        assertEquals(0, LockLayout.WORD_OFFSET);
        assertEquals(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? 0 : 4, LockLayout.FUTEX_OFFSET);
        assertEquals(8, LockLayout.MAGIC_OFFSET);
        assertEquals(12, LockLayout.CONSISTENCY_OFFSET);
        assertEquals(16, LockLayout.VERSION_OFFSET);
        assertEquals(0, LockLayout.FREE);
        assertEquals(1, LockLayout.LOCKED);
        assertEquals(2, LockLayout.CONTENDED);
        assertEquals(3, LockLayout.STATE_MASK);
        assertEquals(0, LockLayout.CONSISTENT);
        assertEquals(1, LockLayout.INCONSISTENT);
    }

    @Test
    void helpersComputeWhatTheDiagramSays() {
        assertEquals(0x1234L << 32 | 5L << 2, LockLayout.identity(0x1234, 5));
        assertEquals(0x1234L << 32 | 5L << 2, LockLayout.identity(0x1234, 0x4000_0005L), "30 bits of start time");
        assertEquals(0xFFFF_FFFFL << 32 | 0x3FFF_FFFFL << 2, LockLayout.identity(0xFFFF_FFFFL, -1));
        long word = LockLayout.identity(4242, 77) | LockLayout.CONTENDED;
        assertEquals(4242, LockLayout.pid(word));
        assertEquals(LockLayout.CONTENDED, LockLayout.state(word));
        assertEquals(LockLayout.FREE, LockLayout.state(0));
        assertEquals(0, LockLayout.pid(0));
    }

    @Test
    void formatAndLockLeaveTheDocumentedBytes() {
        memory.fill((byte) 0x55);
        SharedLock lock = SharedLock.format(memory, 64);
        if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
            assertEquals("MMLK", new String(memory.asSlice(72, 4).toArray(JAVA_BYTE), StandardCharsets.US_ASCII));
        }
        assertEquals(0x4b4c4d4d, memory.get(JAVA_INT, 72));
        assertEquals(1, memory.get(JAVA_INT, 80));
        assertEquals(0, memory.get(JAVA_LONG, 64), "a free lock's word is 0");
        assertEquals(0, memory.get(JAVA_INT, 76), "consistent");
        for (long at = 84; at < 128; at++) {
            assertEquals(0, memory.get(JAVA_BYTE, at), "reserved byte " + at);
        }
        assertEquals((byte) 0x55, memory.get(JAVA_BYTE, 63), "format stays inside its 64 bytes");
        assertEquals((byte) 0x55, memory.get(JAVA_BYTE, 128), "format stays inside its 64 bytes");

        assertEquals(LockResult.ACQUIRED, lock.lock());
        long word = memory.get(JAVA_LONG, 64);
        assertEquals(ProcessHandle.current().pid(), LockLayout.pid(word));
        assertEquals(LockLayout.LOCKED, LockLayout.state(word));
        assertEquals(ProcessIdentity.current(), word & ~LockLayout.STATE_MASK, "the identity in bits 2 to 63");
        assertEquals((int) word, memory.get(JAVA_INT, 64 + LockLayout.FUTEX_OFFSET), "the futex is the low half");
        lock.unlock();
        assertEquals(0, memory.get(JAVA_LONG, 64));
    }

    /** What a program in another language does, from the javadoc alone. */
    @Test
    void aLockMadeByHandFromTheDiagramWorksWithTheJavaSide() {
        memory.set(JAVA_INT, 16, 1);
        memory.set(JAVA_INT, 8, 0x4b4c4d4d);
        SharedLock lock = SharedLock.attach(memory, 0);
        // A holder that died: its identity with state "locked".
        memory.set(JAVA_LONG, 0, (NO_SUCH_PID << 32 | 12345L << 2) | 1);
        assertEquals(NO_SUCH_PID, lock.ownerPid());
        assertEquals(LockResult.OWNER_DIED, lock.tryLock());
        assertEquals(1, memory.get(JAVA_INT, 12), "the data is marked inconsistent");
        lock.unlock();
        assertEquals(LockResult.OWNER_DIED, lock.tryLock(), "until a holder repairs it");
        lock.markConsistent();
        assertEquals(0, memory.get(JAVA_INT, 12));
        lock.unlock();
        // A live holder, written by hand: this process's identity.
        memory.set(JAVA_LONG, 0, ProcessIdentity.current() | 1);
        assertEquals(LockResult.NOT_ACQUIRED, lock.tryLock());
        memory.set(JAVA_LONG, 0, 0L);
        assertEquals(LockResult.ACQUIRED, lock.tryLock());
        lock.unlock();
    }

    @Test
    void aLockOfAnotherLayoutVersionIsRefusedAtAttach() {
        SharedLock.format(memory, 128);
        memory.set(JAVA_INT, 128 + 16, 2);
        assertRefused(() -> SharedLock.attach(memory, 128), "SharedLock.attach(128): the lock at offset 128 has layout "
                + "version 2, this library reads version 1 (LockLayout.VERSION); attach with the mman release that "
                + "formatted it, or format it again while no process uses it");
        memory.set(JAVA_INT, 128 + 16, 0);
        assertRefused(() -> SharedLock.attach(memory, 128), "has layout version 0 (version 0: formatted by an mman "
                + "release older than layout versions), this library reads version 1");
        memory.set(JAVA_INT, 128 + 16, 1);
        SharedLock.attach(memory, 128);
    }

    private static void assertRefused(org.junit.jupiter.api.function.Executable call, String expected) {
        MMapInvalidParameterException e = assertThrows(MMapInvalidParameterException.class, call);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
