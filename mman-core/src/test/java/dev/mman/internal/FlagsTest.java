package dev.mman.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mman.Mman;
import org.junit.jupiter.api.Test;

/** Constant bits rendered by name for messages, with unknown bits shown in hex. */
class FlagsTest {

    @Test
    void protection() {
        assertEquals("PROT_NONE", Flags.protection(Mman.PROT_NONE));
        assertEquals("PROT_READ", Flags.protection(Mman.PROT_READ));
        assertEquals("PROT_READ|PROT_WRITE", Flags.protection(Mman.PROT_READ | Mman.PROT_WRITE));
        assertEquals("PROT_READ|PROT_WRITE|PROT_EXEC", Flags.protection(7));
        assertEquals("PROT_READ|0x8", Flags.protection(Mman.PROT_READ | 0x8));
        assertEquals("0x18", Flags.protection(0x18));
    }

    @Test
    void mapping() {
        assertEquals("0", Flags.mapping(0));
        assertEquals("MAP_SHARED", Flags.mapping(Mman.MAP_SHARED));
        assertEquals("MAP_PRIVATE|MAP_ANONYMOUS|MAP_POPULATE",
                Flags.mapping(Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS | Mman.MAP_POPULATE));
        assertEquals("MAP_SHARED|MAP_PRIVATE|MAP_FIXED", Flags.mapping(Mman.MAP_SHARED | Mman.MAP_PRIVATE | Mman.MAP_FIXED));
        assertEquals("MAP_SHARED|0x40", Flags.mapping(Mman.MAP_SHARED | 0x40));
        assertEquals("0x80000000", Flags.mapping(Integer.MIN_VALUE));
    }

    @Test
    void msync() {
        assertEquals("0", Flags.msync(0));
        assertEquals("MS_ASYNC", Flags.msync(Mman.MS_ASYNC));
        assertEquals("MS_SYNC|MS_INVALIDATE", Flags.msync(Mman.MS_SYNC | Mman.MS_INVALIDATE));
        assertEquals("MS_ASYNC|MS_SYNC", Flags.msync(Mman.MS_ASYNC | Mman.MS_SYNC));
        assertEquals("MS_SYNC|0x10", Flags.msync(Mman.MS_SYNC | 0x10));
    }
}
