package dev.mman.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.AccessDeniedException;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The files a page-cache command works on, chosen as vmtouch chooses them: named files, the
 * regular files below named directories (recursively), or a list read from a file or stdin;
 * filtered by pattern and size, a hard-linked file counted once.
 *
 * <p>A symbolic link named on the command line or in a list is followed (as {@code find -H} does);
 * one met inside a directory only with {@code --follow-symlinks}, and then a link back up the tree
 * is reported instead of walked forever.
 */
final class Targets {

    List<Path> paths = new ArrayList<>();
    Path batch;
    boolean nulSeparated;
    boolean followLinks;
    List<String> includes = new ArrayList<>();
    List<String> ignores = new ArrayList<>();
    Long maxSize;
    FileRange range;

    /** Adds the options that choose the files to {@code spec}, bound to this object's fields. */
    void declareOn(CommandSpec spec) {
        spec.addPositional(Declare.positionals(Path.class, () -> paths, value -> paths = value, "PATH", "0..*",
                "Files or directories (walked recursively)."));
        spec.addOption(Declare.option(Path.class, () -> batch, value -> batch = value, "LIST",
                "Also read paths from LIST, one a line ('-' for standard input), as vmtouch -b.", "-b", "--batch").build());
        spec.addOption(Declare.flag(value -> nulSeparated = value,
                "The --batch list separates paths with NUL bytes (find -print0).", "-0", "--null"));
        spec.addOption(Declare.flag(value -> followLinks = value,
                "Follow symbolic links met inside directories.", "-f", "--follow-symlinks"));
        spec.addOption(Declare.listOption(String.class, () -> includes, value -> includes = value, "GLOB",
                "Only files whose name matches GLOB (repeatable; for example '*.db').", "-I", "--include").build());
        spec.addOption(Declare.listOption(String.class, () -> ignores, value -> ignores = value, "GLOB",
                "Skip files and directories whose name matches GLOB (repeatable).", "-i", "--ignore").build());
        spec.addOption(Declare.option(Long.class, () -> maxSize, value -> maxSize = value, "SIZE",
                "Skip files larger than SIZE (for example 500M).", "-m", "--max-file-size")
                .converters(new SizeConverter()).build());
        spec.addOption(Declare.option(FileRange.class, () -> range, value -> range = value, "RANGE",
                "Only this part of each file: FROM-TO, FROM- or -TO in bytes with K, M, G (for example 4K-1M), "
                        + "as vmtouch -p.", "-p", "--range")
                .converters(new FileRange.Converter()).build());
    }

    /** One regular file to work on, with the part of it that the command covers. */
    record Target(Path file, long size, long offset, long length) {}

    /** What the walk found: the files, how many directories it entered, and how many paths failed. */
    record Found(List<Target> files, long directories, int problems) {}

    /** Reads a size such as {@code 500M}; a bad one is a usage error. */
    static final class SizeConverter implements picocli.CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String text) {
            try {
                long bytes = Sizes.parse(text);
                if (bytes < 0) {
                    throw new picocli.CommandLine.TypeConversionException("'" + text + "' is negative");
                }
                return bytes;
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /**
     * Finds the files, reporting each path that cannot be used as one line to {@code problem} and
     * going on with the rest.
     *
     * @throws UserError when no path was given at all, or the list cannot be read
     */
    Found find(Consumer<String> problem) {
        List<Path> named = new ArrayList<>(paths);
        if (batch != null) {
            named.addAll(readList());
        }
        Walk walk = new Walk(problem);
        for (Path path : named) {
            walk.named(path);
        }
        return new Found(walk.found, walk.directories, walk.problems);
    }

    private List<Path> readList() {
        List<Path> list = new ArrayList<>();
        try (InputStream in = batch.toString().equals("-") ? System.in : Files.newInputStream(batch)) {
            if (nulSeparated) {
                for (String name : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\0")) {
                    if (!name.isEmpty()) {
                        list.add(Path.of(name));
                    }
                }
            } else {
                BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (!line.isEmpty()) {
                        list.add(Path.of(line));
                    }
                }
            }
        } catch (NoSuchFileException e) {
            throw new UserError(batch + ": no such file (the --batch list)", e);
        } catch (IOException | java.nio.file.InvalidPathException e) {
            throw new UserError(batch + ": cannot read the --batch list (" + e.getMessage() + ")", e);
        }
        return list;
    }

    /** One walk over the named paths, which remembers the files (by inode) and directories seen. */
    private final class Walk {
        final List<Target> found = new ArrayList<>();
        final Set<Object> seen = new HashSet<>();
        final List<PathMatcher> include = matchers(includes);
        final List<PathMatcher> ignore = matchers(ignores);
        final Consumer<String> problem;
        long directories;
        int problems;

        Walk(Consumer<String> problem) {
            this.problem = problem;
        }

        void fail(String message) {
            problems++;
            problem.accept(message);
        }

        void named(Path path) {
            BasicFileAttributes attributes;
            try {
                attributes = Files.readAttributes(path, BasicFileAttributes.class);
            } catch (NoSuchFileException e) {
                fail(path + ": no such file");
                return;
            } catch (AccessDeniedException e) {
                fail(path + ": permission denied");
                return;
            } catch (IOException e) {
                fail(path + ": " + e.getMessage());
                return;
            }
            if (attributes.isDirectory()) {
                walk(path);
            } else {
                file(path, attributes, true);
            }
        }

        private void walk(Path top) {
            Set<FileVisitOption> options = followLinks ? EnumSet.of(FileVisitOption.FOLLOW_LINKS)
                    : EnumSet.noneOf(FileVisitOption.class);
            try {
                Files.walkFileTree(top, options, Integer.MAX_VALUE, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                        if (!dir.equals(top) && matches(ignore, dir)
                                || attrs.fileKey() != null && !seen.add(attrs.fileKey())) {
                            return FileVisitResult.SKIP_SUBTREE; // ignored, or reached again through a link
                        }
                        directories++;
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                        if (attrs.isRegularFile()) {
                            file(file, attrs, false);
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e) {
                        if (!(e instanceof FileSystemLoopException)) { // a link back up: that tree is walked already
                            fail(file + (e instanceof AccessDeniedException ? ": permission denied" : ": " + e.getMessage()));
                        }
                        return FileVisitResult.CONTINUE;
                    }
                });
            } catch (IOException e) {
                fail(top + ": " + e.getMessage());
            }
        }

        /** A file: checked and filtered; one that was {@code named} and cannot be used is a problem. */
        private void file(Path file, BasicFileAttributes attributes, boolean named) {
            if (!named && (!matches(include, file) && !include.isEmpty() || matches(ignore, file))) {
                return;
            }
            if (named && !include.isEmpty() && !matches(include, file) || named && matches(ignore, file)) {
                return;
            }
            if (!attributes.isRegularFile()) {
                fail(file + ": not a regular file; only regular files have cached pages to map");
                return;
            }
            if (maxSize != null && attributes.size() > maxSize) {
                return;
            }
            Object key = attributes.fileKey();
            if (key != null && !seen.add(key)) {
                return; // a hard link (or the same path twice): its pages are counted once
            }
            if (!Files.isReadable(file)) {
                fail(file + ": permission denied; it needs to be readable");
                return;
            }
            if (attributes.size() == 0) {
                if (named) {
                    fail(file + ": is empty; an empty file has no pages");
                } else {
                    found.add(new Target(file, 0, 0, 0)); // counted as vmtouch counts it, with no pages
                }
                return;
            }
            long offset = range == null ? 0 : range.start(attributes.size());
            long end = range == null ? attributes.size() : range.end(attributes.size());
            found.add(new Target(file, attributes.size(), offset, Math.max(0, end - offset)));
        }
    }

    private static List<PathMatcher> matchers(List<String> globs) {
        List<PathMatcher> matchers = new ArrayList<>();
        for (String glob : globs) {
            try {
                matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + glob));
            } catch (IllegalArgumentException e) {
                throw new UserError("'" + glob + "' is not a pattern (" + e.getMessage() + ")", e);
            }
        }
        return matchers;
    }

    private static boolean matches(List<PathMatcher> matchers, Path path) {
        Path name = path.getFileName();
        return name != null && matchers.stream().anyMatch(m -> m.matches(name));
    }
}
