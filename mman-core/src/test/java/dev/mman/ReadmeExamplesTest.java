package dev.mman;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.testing.ChildJvm;
import dev.mman.testing.ChildResult;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's Java examples compile and run: every {@code ```java} block of {@code README.md}
 * is compiled against mman, and every block that can run here runs in a child JVM, which must
 * exit normally and print nothing on stderr.
 *
 * <p>How a block is read:
 * <ul>
 * <li>A block with a top-level type (a line that starts with {@code class}, {@code record},
 *     {@code interface} or {@code enum}, optionally after {@code public}, {@code final} or
 *     {@code abstract}) is a whole source file. It is compiled as it stands, and run through the
 *     {@code main} of the first such type.</li>
 * <li>Any other block is the body of a method. Its {@code import} lines are imports; everything
 *     else becomes the body of {@code public static void main(String[] args) throws Exception}, in a
 *     class that also has the {@link #FRAGMENT_IMPORTS} (README "Examples, as they are tested" lists
 *     them). A name the block uses but neither defines nor imports is a compile error.</li>
 * <li>A block whose opening fence comes right after the line
 *     {@code <!-- readme-test: compile-only: why -->} is compiled but not run: it needs two
 *     processes, arguments or a person at the keyboard. Any other {@code readme-test} comment
 *     there is an error, so that a misspelt marker cannot change what is tested.</li>
 * </ul>
 *
 * <p>The children run with the default backend, whatever {@code -Ddev.mman.backend} this suite
 * runs with (the examples show the default), and with {@code --enable-native-access=ALL-UNNAMED},
 * the README's flag; so this class runs once, not once per backend (see mman-core/pom.xml).
 */
class ReadmeExamplesTest {

    /** The imports every method-body block gets. */
    static final List<String> FRAGMENT_IMPORTS = List.of(
            "dev.mman.*",
            "static dev.mman.Mman.*",
            "java.lang.foreign.*",
            "static java.lang.foreign.ValueLayout.*",
            "java.nio.charset.StandardCharsets",
            "java.nio.file.*",
            "java.util.concurrent.CompletableFuture",
            "java.util.stream.*");

    private static final Pattern MARKER = Pattern.compile("<!--\\s*readme-test:(.*?)-->");
    private static final Pattern COMPILE_ONLY = Pattern.compile("\\s*compile-only:\\s*(\\S.*?)\\s*");
    private static final Pattern TOP_LEVEL_TYPE = Pattern.compile(
            "^(?:(?:public|final|abstract)\\s+)*(?:class|record|interface|enum)\\s+(\\w+)", Pattern.MULTILINE);
    private static final Pattern IMPORT = Pattern.compile("^\\s*import\\s.*;\\s*$");

    @TempDir
    Path dir;

    /**
     * One fenced Java block of a Markdown file.
     *
     * @param line the file's line number of the first line of code (after the fence)
     * @param code the block's text
     * @param compileOnly the reason the block is not run, or null when it is
     */
    record Block(int line, String code, String compileOnly) {

        boolean wholeFile() {
            return TOP_LEVEL_TYPE.matcher(code).find();
        }

        @Override
        public String toString() {
            String first = code.lines().filter(l -> !l.isBlank()).findFirst().orElse("").strip();
            return "README.md:" + line + " " + (compileOnly == null ? "runs" : "compile-only (" + compileOnly + ")")
                    + ": " + (first.length() > 60 ? first.substring(0, 60) + "..." : first);
        }
    }

    /** A block turned into a source file, and the line of the file its first code line sits on. */
    record Source(String className, String text, int firstCodeLine) {}

    @TestFactory
    Stream<DynamicTest> everyJavaBlockOfTheReadmeCompilesAndRuns() throws IOException {
        List<Block> blocks = blocks(Files.readAllLines(readme()));
        return blocks.stream().map(block -> DynamicTest.dynamicTest(block.toString(), () -> {
            Path out = Files.createDirectories(dir.resolve("block-" + block.line()));
            Source source = compile(block, out);
            if (block.compileOnly() == null) {
                ChildResult child = run(source, out).assertCleanExit();
                assertEquals("", child.stderr(), "README.md:" + block.line() + " printed on stderr");
            }
        }));
    }

    @Test
    void theReadmeHasBlocksThatRunAndBlocksThatOnlyCompile() throws IOException {
        // Guards the test above against passing on nothing: a changed fence or marker would show here.
        List<Block> blocks = blocks(Files.readAllLines(readme()));
        long runnable = blocks.stream().filter(b -> b.compileOnly() == null).count();
        assertTrue(runnable >= 4, "runnable blocks: " + blocks);
        assertTrue(blocks.size() > runnable, "compile-only blocks: " + blocks);
    }

    @Test
    void blocksAreReadWithTheirLineAndMarker() {
        List<Block> blocks = blocks(List.of(
                "# title",
                "```bash",
                "echo not java",
                "```",
                "<!-- readme-test: compile-only: needs two processes -->",
                "```java",
                "class A {}",
                "```",
                "text",
                "```java",
                "int x = 1;",
                "```"));
        assertEquals(List.of(new Block(7, "class A {}\n", "needs two processes"), new Block(11, "int x = 1;\n", null)),
                blocks);
        assertTrue(blocks.get(0).wholeFile());
        assertFalse(blocks.get(1).wholeFile());
    }

    @Test
    void aMisspeltMarkerIsAnError() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> blocks(List.of(
                "<!-- readme-test: compileonly -->", "```java", "int x = 1;", "```")));
        assertTrue(e.getMessage().contains("line 1") && e.getMessage().contains("compile-only: why"), e.getMessage());
    }

    @Test
    void aBlockThatUsesAnUndefinedNameFailsToCompileAtItsReadmeLine() throws IOException {
        Block block = new Block(40, "byte[] data = new byte[4];\nshm.write(payload, 0);\n", null);
        AssertionError e = assertThrows(AssertionError.class, () -> compile(block, dir));
        assertTrue(e.getMessage().contains("README.md:41:") && e.getMessage().contains("cannot find symbol"),
                e.getMessage());
    }

    @Test
    void aWholeFileBlockReportsErrorsAtItsReadmeLine() throws IOException {
        Block block = new Block(10, "public class Broken {\n    int x = y;\n}\n", null);
        AssertionError e = assertThrows(AssertionError.class, () -> compile(block, dir));
        assertTrue(e.getMessage().contains("README.md:11:"), e.getMessage());
    }

    @Test
    void aBlockThatThrowsFailsItsRun() throws IOException {
        Block block = new Block(1, "MemoryMap m = MemoryMap.createAnonymous(4096);\n"
                + "m.close();\nm.read(1, 0);\n", null);
        Source source = compile(block, dir);
        ChildResult child = run(source, dir);
        assertNotEquals(0, child.exitCode());
        assertTrue(child.stderr().contains("IllegalStateException") || child.stderr().contains("MMapException"),
                child.stderr());
        assertThrows(AssertionError.class, child::assertCleanExit);
    }

    @Test
    void aFragmentKeepsItsOwnImportsAndGetsTheStandardOnes() {
        Source source = source(new Block(5, "import java.time.Duration;\n\nDuration d = Duration.ZERO;\n", null));
        assertEquals("ReadmeLine5", source.className());
        List<String> lines = source.text().lines().toList();
        assertEquals(FRAGMENT_IMPORTS.stream().map(i -> "import " + i + ";").collect(Collectors.joining(" ")),
                lines.get(0));
        assertEquals("import java.time.Duration;", lines.get(1));
        assertTrue(lines.get(3).startsWith("public class ReadmeLine5 {") && lines.get(3).endsWith("Duration d = Duration.ZERO;"),
                lines.get(3));
        assertEquals(2, source.firstCodeLine());
    }

    /**
     * The fenced {@code java} blocks of a Markdown file, with the marker on the line before each.
     *
     * @param markdown the file's lines
     * @return the blocks in order
     * @throws IllegalStateException for a {@code readme-test} comment that is not a known marker
     */
    static List<Block> blocks(List<String> markdown) {
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < markdown.size(); i++) {
            if (!markdown.get(i).strip().equals("```java")) {
                continue;
            }
            String compileOnly = i > 0 ? marker(markdown.get(i - 1), i) : null;
            StringBuilder code = new StringBuilder();
            int start = i + 1;
            for (i = start; i < markdown.size() && !markdown.get(i).strip().equals("```"); i++) {
                code.append(markdown.get(i)).append('\n');
            }
            blocks.add(new Block(start + 1, code.toString(), compileOnly));
        }
        return blocks;
    }

    /** The reason in a compile-only marker, or null when the line holds no marker. */
    private static String marker(String line, int lineNumber) {
        Matcher marker = MARKER.matcher(line);
        if (!marker.find()) {
            return null;
        }
        Matcher compileOnly = COMPILE_ONLY.matcher(marker.group(1));
        if (!compileOnly.matches()) {
            throw new IllegalStateException("README.md line " + lineNumber + ": unknown marker '" + line.strip()
                    + "'; the only one is <!-- readme-test: compile-only: why -->");
        }
        return compileOnly.group(1);
    }

    /** The source file for a block, as the class comment describes. */
    static Source source(Block block) {
        Matcher type = TOP_LEVEL_TYPE.matcher(block.code());
        if (type.find()) {
            return new Source(type.group(1), block.code(), 1);
        }
        // Line for line as in the README, after one line of standard imports, so that a compiler
        // line number maps straight back; the class opens on the first line of code.
        String className = "ReadmeLine" + block.line();
        StringBuilder text = new StringBuilder(FRAGMENT_IMPORTS.stream().map(i -> "import " + i + ";")
                .collect(Collectors.joining(" "))).append('\n');
        boolean opened = false;
        for (String line : block.code().lines().toList()) {
            if (!opened && !line.isBlank() && !IMPORT.matcher(line).matches()) {
                text.append("public class ").append(className)
                        .append(" { public static void main(String[] args) throws Exception { ");
                opened = true;
            }
            text.append(line).append('\n');
        }
        text.append(opened ? "}}\n" : "public class " + className + " { public static void main(String[] a) {}}\n");
        return new Source(className, text.toString(), 2);
    }

    /**
     * Compiles a block into {@code out} with the JDK's javac.
     *
     * @throws AssertionError with javac's output, each error at its README line, when it does not compile
     */
    static Source compile(Block block, Path out) throws IOException {
        Source source = source(block);
        Path file = out.resolve("src").resolve(source.className() + ".java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, source.text(), StandardCharsets.UTF_8);
        ToolProvider javac = ToolProvider.findFirst("javac")
                .orElseThrow(() -> new IllegalStateException("this JDK has no javac (java.util.spi.ToolProvider)"));
        StringWriter log = new StringWriter();
        int status;
        try (PrintWriter printer = new PrintWriter(log)) {
            status = javac.run(printer, printer, "--release", "25", "-proc:none", "-encoding", "UTF-8",
                    "-d", out.toString(), "-cp", System.getProperty("java.class.path"), file.toString());
        }
        if (status != 0) {
            // javac says "<file>:<line>: error: ..."; the README's line is what a reader needs.
            Matcher at = Pattern.compile("^" + Pattern.quote(file.toString()) + ":(\\d+):", Pattern.MULTILINE)
                    .matcher(log.toString());
            String errors = at.replaceAll(m -> "README.md:"
                    + (block.line() + Integer.parseInt(m.group(1)) - source.firstCodeLine()) + ":");
            throw new AssertionError("the README block at line " + block.line() + " does not compile:\n" + errors
                    + "--- as compiled ---\n" + source.text());
        }
        return source;
    }

    /** Runs a compiled block in a child JVM with the default backend. */
    private ChildResult run(Source source, Path classes) {
        return ChildJvm.in(dir).withDefaultBackend()
                .withClassPath(classes + File.pathSeparator + System.getProperty("java.class.path"))
                .start(source.className()).awaitExit();
    }

    /** README.md at the top of the repository, found from the module directory the tests run in. */
    private static Path readme() {
        for (Path at = Path.of("").toAbsolutePath(); at != null; at = at.getParent()) {
            if (Files.isRegularFile(at.resolve("README.md")) && Files.isDirectory(at.resolve("mman-core"))) {
                return at.resolve("README.md");
            }
        }
        throw new IllegalStateException("no README.md beside mman-core above " + Path.of("").toAbsolutePath());
    }
}
