package dev.mman.cli;

import static java.lang.constant.ConstantDescs.CD_String;
import static java.lang.constant.ConstantDescs.CD_void;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.classfile.ClassFile;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./mman} launcher, run on a copy of the repository's layout (whose path has a space)
 * with a stand-in jar that prints its arguments: it reaches the JVM through a symlink, from another
 * directory, and whatever its cache's JDK file holds. An empty one, or one whose line has no
 * newline, once ended the launcher silently with exit code 1 before any JVM started ({@code read}
 * fails at end of file, and the script runs under {@code set -e}).
 */
class LauncherTest {

    @TempDir
    Path dir;

    private Path root;
    private Path target;

    /** Lays out the launcher, find-jdk and the files its staleness check reads, all older than the jar. */
    @BeforeEach
    void layOut() throws IOException {
        Assumptions.assumeFalse(System.getProperty("os.name").startsWith("Windows"),
                "./mman is the launcher of Linux and macOS; on Windows the jar is run with java -jar");
        assertTrue(ChildJvm.onPath("bash"), "the launcher is a bash script");
        root = Files.createDirectories(dir.resolve("a repo"));
        Path repository = Path.of("..").toAbsolutePath().normalize();
        Files.copy(repository.resolve("mman"), root.resolve("mman"));
        Files.createDirectories(root.resolve(".mvn"));
        Files.copy(repository.resolve(".mvn/find-jdk"), root.resolve(".mvn/find-jdk"));
        FileTime old = FileTime.fromMillis(System.currentTimeMillis() - 3_600_000);
        for (String module : List.of("", "mman-core/", "mman-cli/")) {
            Path sources = Files.createDirectories(root.resolve(module + "src/main"));
            Path pom = Files.writeString(root.resolve(module + "pom.xml"), "<project/>");
            Files.setLastModifiedTime(pom, old);
            Files.setLastModifiedTime(sources, old);
        }
        target = Files.createDirectories(root.resolve("mman-cli/target"));
        writeEchoJar(target.resolve("mman.jar"));
    }

    /** A runnable jar whose main prints "launched" and its arguments. */
    private static void writeEchoJar(Path jar) throws IOException {
        ClassDesc printStream = ClassDesc.of("java.io.PrintStream");
        byte[] echo = ClassFile.of().build(ClassDesc.of("Echo"), type -> type.withFlags(ClassFile.ACC_PUBLIC)
                .withMethodBody("main", MethodTypeDesc.of(CD_void, CD_String.arrayType()),
                        ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC, code -> code
                                .getstatic(ClassDesc.of("java.lang.System"), "out", printStream)
                                .ldc("launched ")
                                .ldc(" ")
                                .aload(0)
                                .invokestatic(CD_String, "join", MethodTypeDesc.of(CD_String,
                                        ClassDesc.of("java.lang.CharSequence"),
                                        ClassDesc.of("java.lang.CharSequence").arrayType()))
                                .invokevirtual(CD_String, "concat", MethodTypeDesc.of(CD_String, CD_String))
                                .invokevirtual(printStream, "println", MethodTypeDesc.of(CD_void, CD_String))
                                .return_()));
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "Echo");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
            out.putNextEntry(new JarEntry("Echo.class"));
            out.write(echo);
            out.closeEntry();
        }
    }

    private record Run(int exitCode, String out, String err) {}

    private Run launch(Path workingDir, String launcher, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", launcher));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workingDir.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home")); // the JDK 25 running the tests
        Process process = builder.start();
        process.getOutputStream().close();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the launcher did not finish in 60 s");
        }
        return new Run(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private void assertLaunched(Run run, String expected) {
        assertEquals(0, run.exitCode(), run.err());
        assertEquals("launched " + expected, run.out().strip(), run.err());
    }

    @Test
    void anEmptyOrUnterminatedCacheJdkFileSendsTheSearchRound() throws Exception {
        Path jdkFile = target.resolve("mman.aot.jdk");
        Files.writeString(jdkFile, "");
        assertLaunched(launch(root, "./mman", "--version"), "--version");
        Files.writeString(jdkFile, "/nonexistent/jdk");
        assertLaunched(launch(root, "./mman", "info", "two words"), "info two words");
    }

    @Test
    void itFindsItsJarThroughASymlinkARelativePathAndAnotherDirectory() throws Exception {
        Path links = Files.createDirectories(dir.resolve("some links"));
        Files.createSymbolicLink(links.resolve("mm an"), Path.of("../a repo/mman"));
        assertLaunched(launch(dir, "some links/mm an", "-V"), "-V");
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        assertLaunched(launch(elsewhere, "../a repo/mman", "residency", "x"), "residency x");
        assertLaunched(launch(root, "mman", "--version"), "--version");
    }
}
