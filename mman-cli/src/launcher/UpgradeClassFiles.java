import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.net.URI;
import java.net.URLClassLoader;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Copies a jar with its Java 5 class files (picocli's) rewritten as Java 6 ones with stack maps,
 * the oldest that the JDK's AOT cache accepts; the code itself is unchanged. Run by the launcher
 * before it trains the cache: {@code java UpgradeClassFiles.java IN.jar OUT.jar}.
 */
public class UpgradeClassFiles {

    private static final int JAVA_6 = 50;

    public static void main(String[] args) throws IOException {
        Path in = Path.of(args[0]);
        Path out = Path.of(args[1]);
        Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
        try (URLClassLoader loader = new URLClassLoader(new java.net.URL[] {in.toUri().toURL()}, null);
                FileSystem jar = FileSystems.newFileSystem(URI.create("jar:" + out.toUri()), Map.of())) {
            ClassFile classFile = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(
                    ClassHierarchyResolver.defaultResolver().orElse(ClassHierarchyResolver.ofResourceParsing(loader))));
            List<Path> classes;
            try (Stream<Path> all = Files.walk(jar.getPath("/"))) {
                classes = all.filter(p -> p.toString().endsWith(".class")).toList();
            }
            int upgraded = 0;
            for (Path path : classes) {
                ClassModel model = classFile.parse(Files.readAllBytes(path));
                if (model.majorVersion() >= JAVA_6) {
                    continue;
                }
                byte[] bytes = classFile.transformClass(model,
                        ClassTransform.transformingMethodBodies(CodeTransform.ACCEPT_ALL)
                                .andThen(ClassTransform.endHandler(b -> b.withVersion(JAVA_6, 0))));
                Files.write(path, bytes);
                upgraded++;
            }
            System.err.println("upgraded " + upgraded + " class files to Java 6");
        }
    }
}
