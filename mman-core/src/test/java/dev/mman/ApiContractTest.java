package dev.mman;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The names docs/API.md fixes, with the original library's constant values, and javadoc on every public member. */
class ApiContractTest {

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({
        "PROT_NONE, 0", "PROT_READ, 1", "PROT_WRITE, 2", "PROT_EXEC, 4",
        "MAP_FILE, 0", "MAP_SHARED, 1", "MAP_PRIVATE, 2", "MAP_TYPE, 0xf", "MAP_FIXED, 0x10",
        "MAP_ANONYMOUS, 0x20", "MAP_ANON, 0x20",
        "MS_ASYNC, 1", "MS_SYNC, 2", "MS_INVALIDATE, 4",
        "FILE_MAP_EXECUTE, 0x20"
    })
    void constantsCarryTheSeedValues(String name, String value) throws ReflectiveOperationException {
        Field field = Mman.class.getField(name);
        int modifiers = field.getModifiers();
        assertTrue(Modifier.isPublic(modifiers) && Modifier.isStatic(modifiers) && Modifier.isFinal(modifiers), name);
        assertSame(int.class, field.getType(), name);
        assertEquals(Integer.decode(value), field.getInt(null), name);
    }

    @Test
    void mmanHasTheFixedEntryPoints() throws ReflectiveOperationException {
        assertSame(String.class, Mman.class.getField("VERSION").getType());
        expect(Mman.class, long.class, "pageSize");
        expect(Mman.class, long.class, "allocationGranularity");
        expect(Mman.class, MemoryMap.class, "mmapRegion", long.class);
        expect(Mman.class, MemoryMap.class, "mmapRegion", long.class, int.class, int.class);
        expect(Mman.class, MemoryMap.class, "mmapRegion", long.class, int.class, int.class, int.class, long.class);
    }

    @Test
    void memoryMapHasTheFixedMethods() throws ReflectiveOperationException {
        assertTrue(AutoCloseable.class.isAssignableFrom(MemoryMap.class));
        Map<String, Class<?>[]> factories = Map.of(
                "createAnonymous/1", new Class<?>[] {long.class},
                "createAnonymous/2", new Class<?>[] {long.class, int.class},
                "createAnonymous/3", new Class<?>[] {long.class, int.class, int.class},
                "createFileMapping/fd", new Class<?>[] {int.class, long.class, long.class, int.class, int.class},
                "createFileMapping/path", new Class<?>[] {Path.class, long.class, long.class, int.class, int.class});
        for (Map.Entry<String, Class<?>[]> factory : factories.entrySet()) {
            String name = factory.getKey().substring(0, factory.getKey().indexOf('/'));
            Method method = expect(MemoryMap.class, MemoryMap.class, name, factory.getValue());
            assertTrue(Modifier.isStatic(method.getModifiers()), factory.getKey());
        }
        expect(MemoryMap.class, long.class, "address");
        expect(MemoryMap.class, long.class, "size");
        expect(MemoryMap.class, boolean.class, "isValid");
        expect(MemoryMap.class, long.class, "pageSize");
        expect(MemoryMap.class, byte[].class, "read", int.class);
        expect(MemoryMap.class, byte[].class, "read", int.class, long.class);
        expect(MemoryMap.class, int.class, "write", byte[].class);
        expect(MemoryMap.class, int.class, "write", byte[].class, long.class);
        expect(MemoryMap.class, void.class, "mprotect", int.class);
        expect(MemoryMap.class, void.class, "msync");
        expect(MemoryMap.class, void.class, "msync", int.class);
        expect(MemoryMap.class, void.class, "msync", long.class, long.class, int.class);
        expect(MemoryMap.class, void.class, "mlock");
        expect(MemoryMap.class, void.class, "munlock");
        expect(MemoryMap.class, void.class, "madvise", Advice.class);
        expect(MemoryMap.class, void.class, "fill", byte.class);
        expect(MemoryMap.class, void.class, "fill", long.class, long.class, byte.class);
        expect(MemoryMap.class, BitSet.class, "residency");
        expect(MemoryMap.class, long.class, "residentPages");
        expect(MemoryMap.class, MemorySegment.class, "asSegment");
        expect(MemoryMap.class, MemorySegment.class, "asSegment", ValueLayout.class);
        expect(MemoryMap.class, ByteBuffer.class, "asByteBuffer");
        expect(MemoryMap.class, void.class, "close");
    }

    @Test
    void theTypedOptionsApiSitsBesideTheSeedSurface() throws ReflectiveOperationException {
        assertTrue(Modifier.isFinal(MapOptions.class.getModifiers()), "MapOptions is an immutable value");
        for (Field field : MapOptions.class.getDeclaredFields()) {
            assertTrue(Modifier.isFinal(field.getModifiers()) && Modifier.isPrivate(field.getModifiers()),
                    field.toString());
        }
        expectStatic(MapOptions.class, MapOptions.class, "anonymous", long.class);
        expectStatic(MapOptions.class, MapOptions.class, "file", Path.class);
        expectStatic(MapOptions.class, MapOptions.class, "descriptor", int.class);
        expect(MapOptions.class, MapOptions.class, "offset", long.class);
        expect(MapOptions.class, MapOptions.class, "length", long.class);
        expect(MapOptions.class, MapOptions.class, "access", Access.class, Access[].class);
        expect(MapOptions.class, MapOptions.class, "access", Set.class);
        expect(MapOptions.class, MapOptions.class, "sharing", Sharing.class);
        expect(MapOptions.class, MapOptions.class, "backend", Backend.class);
        expect(MapOptions.class, MapOptions.class, "prefaultThreads", int.class);
        for (String flag : new String[] {"populate", "hugePages", "confined", "reserve"}) {
            expect(MapOptions.class, MapOptions.class, flag);
        }
        expect(MapOptions.class, MemoryMap.class, "map");
        expect(MapOptions.class, CompletableFuture.class, "mapAsync");
        expect(MapOptions.class, CompletableFuture.class, "mapAsync", Executor.class);
        assertEquals(List.of("READ", "WRITE", "EXEC"), names(Access.values()));
        assertEquals(List.of("SHARED", "PRIVATE"), names(Sharing.values()));
        assertEquals(List.of("SYNC", "ASYNC"), names(SyncMode.values()));
        expect(MemoryMap.class, void.class, "mprotect", Set.class);
        expect(MemoryMap.class, Set.class, "access");
        expect(MemoryMap.class, void.class, "msync", SyncMode.class);
        expect(MemoryMap.class, void.class, "msync", long.class, long.class, SyncMode.class);
        expect(MemoryMap.class, void.class, "discard", long.class, long.class);
    }

    private static List<String> names(Enum<?>[] values) {
        return Arrays.stream(values).map(Enum::name).toList();
    }

    private static void expectStatic(Class<?> owner, Class<?> returns, String name, Class<?>... parameters)
            throws NoSuchMethodException {
        assertTrue(Modifier.isStatic(expect(owner, returns, name, parameters).getModifiers()), name);
    }

    @Test
    void exceptionsFormTheFixedHierarchy() throws ReflectiveOperationException {
        assertSame(RuntimeException.class, MMapException.class.getSuperclass());
        assertSame(MMapException.class, MMapAllocationException.class.getSuperclass());
        assertSame(MMapException.class, MMapInvalidParameterException.class.getSuperclass());
        expect(MMapException.class, int.class, "errno");
        MMapException wrapped = new MMapException("wrapped", new IllegalStateException("cause"));
        assertEquals(0, wrapped.errno());
        assertEquals("cause", wrapped.getCause().getMessage());
        assertEquals(12, new MMapAllocationException("no memory", 12).errno());
        assertEquals(0, new MMapInvalidParameterException("bad").errno());
    }

    @Test
    void everyPublicMemberHasJavadoc(@TempDir Path out) {
        ToolProvider javadoc = ToolProvider.findFirst("javadoc").orElseThrow();
        StringWriter report = new StringWriter();
        PrintWriter writer = new PrintWriter(report);
        // Surefire runs in the module directory; -Xdoclint:all with -Xwerror turns a missing comment into a failure.
        int status = javadoc.run(writer, writer, "-quiet", "-Xdoclint:all", "-Xwerror", "-d", out.toString(),
                "--module-source-path", "dev.mman=src/main/java", "--module", "dev.mman",
                "--show-module-contents", "all", "--show-packages", "all");
        writer.flush();
        assertEquals(0, status, report.toString());
    }

    private static Method expect(Class<?> owner, Class<?> returns, String name, Class<?>... parameters)
            throws NoSuchMethodException {
        Method method = owner.getMethod(name, parameters);
        assertTrue(Modifier.isPublic(method.getModifiers()), method.toString());
        assertSame(returns, method.getReturnType(), method.toString());
        return method;
    }
}
