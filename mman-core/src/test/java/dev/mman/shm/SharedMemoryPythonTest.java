package dev.mman.shm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.SharedMemory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CPython's {@code multiprocessing.shared_memory} and mman share objects both ways. Python's
 * resource tracker unlinks at exit every object a process attached to, unless told not to
 * ({@code track=False} from 3.13, {@code resource_tracker.unregister} before), which the README
 * tells Python users and the last test shows.
 */
class SharedMemoryPythonTest {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final long TIMEOUT_SECONDS = 60;

    /** Attaches to argv[1] without letting the tracker unlink it, prints what Java wrote, writes back. */
    private static final String ATTACH = """
            import sys
            from multiprocessing import shared_memory, resource_tracker
            name = sys.argv[1]
            if sys.version_info >= (3, 13):
                shm = shared_memory.SharedMemory(name=name, track=False)
            else:
                shm = shared_memory.SharedMemory(name=name)
                resource_tracker.unregister(shm._name, "shared_memory")
            print("SIZE", shm.size)
            print("READ", bytes(shm.buf[:15]).decode("ascii"), flush=True)
            reply = b"hello from python"
            shm.buf[1024:1024 + len(reply)] = reply
            shm.close()
            """;

    /** Attaches to argv[1] the default way, so that the tracker unlinks it when this process exits. */
    private static final String ATTACH_TRACKED = """
            import sys
            from multiprocessing import shared_memory
            shm = shared_memory.SharedMemory(name=sys.argv[1])
            shm.close()
            """;

    /** Creates argv[1], writes, waits for a line on stdin, prints what Java wrote back, unlinks. */
    private static final String CREATE = """
            import os, sys
            from multiprocessing import shared_memory
            shm = shared_memory.SharedMemory(name=sys.argv[1], create=True, size=8192)
            shm.buf[:11] = b"from python"
            print("READY", flush=True)
            sys.stdin.readline()
            print("GOT", bytes(shm.buf[1024:1033]).decode("ascii"))
            print("BLOCKS", os.fstat(shm._fd).st_blocks * 512, flush=True)
            shm.close()
            shm.unlink()
            """;

    private final String name = "mman-python-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();

    @BeforeAll
    static void needsPython() {
        String version;
        try {
            Process probe = new ProcessBuilder("python3", "--version").redirectErrorStream(true).start();
            version = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (probe.waitFor() != 0) {
                skip("python3 --version failed: " + version);
            }
        } catch (IOException e) {
            skip("python3 is not on PATH (" + e.getMessage() + ")");
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        System.out.println("[SharedMemoryPythonTest] using " + version);
    }

    private static void skip(String why) {
        String message = why + ": the tests of sharing memory with CPython are skipped";
        System.out.println("[SharedMemoryPythonTest] " + message);
        Assumptions.abort(message);
    }

    @AfterEach
    void removeName() {
        SharedMemory.unlink(name);
    }

    @Test
    void javaCreatesAndPythonAttachesReadsAndWritesBack() throws Exception {
        try (SharedMemory shm = SharedMemory.create(name, 4096)) {
            shm.write(ascii("hello from java"), 0);
            Python python = Python.start(ATTACH, name);
            List<String> out = python.finish();
            assertTrue(out.contains("SIZE 4096"), out.toString());
            assertTrue(out.contains("READ hello from java"), out.toString());
            assertArrayEquals(ascii("hello from python"), shm.read(17, 1024));
            assertTrue(Files.exists(Path.of("/dev/shm", name)), "unregistered, the tracker left the name alone");
            assertFalse(python.stderr().contains("leaked shared_memory"), python.stderr());
        }
    }

    @Test
    void pythonCreatesAndJavaOpensReservesAndWritesBack() throws Exception {
        Python python = Python.start(CREATE, name);
        python.awaitLine("READY");
        try (SharedMemory shm = SharedMemory.open(name)) {
            assertEquals(8192, shm.size());
            assertArrayEquals(ascii("from python"), shm.read(11, 0));
            shm.write(ascii("from java"), 1024);
        }
        python.send("go");
        List<String> out = python.finish();
        assertTrue(out.contains("GOT from java"), out.toString());
        assertTrue(out.contains("BLOCKS 8192"), "Python sized the object sparse; mman's open reserved it: " + out);
        assertFalse(Files.exists(Path.of("/dev/shm", name)), "Python unlinked what it created");
    }

    @Test
    void pythonsDefaultTrackerUnlinksWhatItOnlyAttachedTo() throws Exception {
        try (SharedMemory shm = SharedMemory.create(name, 4096)) {
            shm.write(ascii("still mapped"), 0);
            Python python = Python.start(ATTACH_TRACKED, name);
            python.finish();
            System.out.println("a tracked attach of /" + name + " ended with: " + python.stderr().strip());
            assertFalse(Files.exists(Path.of("/dev/shm", name)), "the tracker removed a name it did not create");
            assertArrayEquals(ascii("still mapped"), shm.read(12, 0), "mappings outlive the name");
        }
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** A python3 process running a script, with its output collected line by line. */
    private record Python(Process process, BufferedReader stdout, Writer stdin, List<String> lines) {

        static Python start(String script, String name) throws IOException {
            Process process = new ProcessBuilder("python3", "-c", script, name).start();
            return new Python(process, new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8)), process.outputWriter(StandardCharsets.UTF_8), new java.util.ArrayList<>());
        }

        void awaitLine(String wanted) throws IOException {
            for (String line = stdout.readLine(); line != null; line = stdout.readLine()) {
                lines.add(line);
                if (line.equals(wanted)) {
                    return;
                }
            }
            throw new AssertionError("python ended before printing " + wanted + ": " + lines + "\n" + stderr());
        }

        void send(String line) throws IOException {
            stdin.write(line + "\n");
            stdin.flush();
        }

        List<String> finish() throws IOException, InterruptedException {
            stdin.close();
            for (String line = stdout.readLine(); line != null; line = stdout.readLine()) {
                lines.add(line);
            }
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("python ran longer than " + TIMEOUT_SECONDS + " s: " + lines);
            }
            assertEquals(0, process.exitValue(), "python failed: " + lines + "\n" + stderr());
            return lines;
        }

        String stderr() {
            try {
                return new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return e.toString();
            }
        }
    }
}
