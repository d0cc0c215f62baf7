package dev.mman.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mman.Mman;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Directories, patterns, lists, ranges and sparse files, on real files, as vmtouch takes them. */
class BatchOptionsTest {

    private static final int SIZE = 64 * 1024;

    @RegisterExtension
    final TestFiles files = new TestFiles();
    private final long page = Mman.pageSize();
    private final long pages = SIZE / page;

    /** tree/{a.db, sub/{b.log, hard.db -> a.db (hard link), up -> .. (symlink), c.db -> ../a.db (symlink)}} */
    private Path tree() throws IOException {
        Path tree = Files.createDirectories(files.dir.resolve("tree/sub"));
        files.cached("tree/a.db", SIZE);
        files.cached("tree/sub/b.log", SIZE);
        Files.createLink(tree.resolve("hard.db"), files.dir.resolve("tree/a.db"));
        Files.createSymbolicLink(tree.resolve("up"), Path.of(".."));
        Files.createSymbolicLink(tree.resolve("c.db"), Path.of("../a.db"));
        return files.dir.resolve("tree");
    }

    @Test
    void aTreeIsWalkedWithAHardLinkCountedOnceAndSymlinksLeftAlone() throws IOException {
        Cli.Result result = Cli.run("residency", tree().toString());
        assertEquals(0, result.exitCode(), result.err());
        assertTrue(result.out().contains("           Files: 2\n"), result.out());
        assertTrue(result.out().contains("     Directories: 2\n"), result.out());
        assertTrue(result.out().contains("  Resident Pages: " + 2 * pages + "/" + 2 * pages + " "), result.out());
    }

    @Test
    void followingSymlinksStillCountsEachFileAndDirectoryOnce() throws IOException {
        Cli.Result result = Cli.run("residency", "--follow-symlinks", tree().toString());
        assertEquals(0, result.exitCode(), result.err());
        assertTrue(result.out().contains("           Files: 2\n"), result.out());
        assertTrue(result.out().contains("     Directories: 2\n"), result.out());
    }

    @Test
    void includeAndIgnorePatternsChooseByName() throws IOException {
        Path tree = tree();
        Cli.Result dbs = Cli.run("residency", "-I", "*.db", tree.toString());
        assertEquals(0, dbs.exitCode(), dbs.err());
        assertTrue(dbs.out().contains("           Files: 1\n"), dbs.out());
        assertTrue(dbs.out().contains("a.db") || dbs.out().contains("hard.db"), dbs.out());
        assertTrue(!dbs.out().contains("b.log"), dbs.out());

        Cli.Result noSub = Cli.run("residency", "-i", "sub", tree.toString());
        assertTrue(noSub.out().contains("     Directories: 1\n"), noSub.out());
        assertTrue(noSub.out().contains("           Files: 1\n"), noSub.out());
        Cli.Result small = Cli.run("residency", "-m", "4K", tree.toString());
        assertTrue(small.out().contains("           Files: 0\n"), small.out());
    }

    @Test
    void aListWithAMissingAndAnEmptyFileInTheMiddleDoesTheRestAndExitsWithOne() throws IOException {
        Path first = files.evicted("first.bin", SIZE);
        Path empty = files.empty("empty.bin");
        Path last = files.evicted("last.bin", SIZE);
        Path missing = files.dir.resolve("missing.bin");
        Path list = files.dir.resolve("list.txt");
        Files.writeString(list, first + "\n" + missing + "\n" + empty + "\n" + last + "\n");
        Cli.Result result = Cli.run("touch", "-b", list.toString());
        assertEquals(1, result.exitCode(), result.err());
        assertEquals(List.of("mman touch: " + missing + ": no such file",
                "mman touch: " + empty + ": is empty; an empty file has no pages"), result.err().lines().toList());
        assertTrue(result.out().contains("           Files: 2\n"), result.out());
        assertTrue(result.out().contains("   Touched Pages: " + 2 * pages + " (128 KiB)\n"), result.out());
        assertTrue(result.out().contains("  Resident Pages: " + 2 * pages + "/" + 2 * pages + " "), result.out());

        Path nul = files.dir.resolve("list.nul");
        Files.write(nul, (first + "\0" + last + "\0").getBytes(StandardCharsets.UTF_8));
        Cli.Result evicted = Cli.run("evict", "-q", "-0", "-b", nul.toString());
        assertEquals(0, evicted.exitCode(), evicted.err());
        assertEquals("", evicted.out(), "--quiet prints only errors");
        assertEquals("", evicted.err());
    }

    @Test
    void aRangeTouchesOnlyThatPartOfEachFile() throws IOException {
        Path file = files.evicted("ranged.bin", 4 << 20);
        Cli.Result touched = Cli.run("touch", "-p", "2M-2064K", file.toString());
        assertEquals(0, touched.exitCode(), touched.err());
        long part = 16384 / page;
        assertTrue(touched.out().contains("   Touched Pages: " + part + " (16.0 KiB)\n"), touched.out());
        assertTrue(touched.out().contains("  Resident Pages: " + part + "/" + part + " "), touched.out());
        // The kernel may read ahead around the range (vmtouch -p loads the same), so only the range is counted.
        Cli.Result ranged = Cli.run("residency", "-n", "-r", "-o", "PAGES,SIZE,FILE", "-p", "2M-2064K", file.toString());
        assertEquals(part + " 4.0MiB " + file, ranged.out().lines().findFirst().orElseThrow());
        assertEquals(2, Cli.run("touch", "-p", "32K-16K", file.toString()).exitCode());
    }

    @Test
    void theTableTakesFincoresOptions() throws IOException {
        Path file = files.cached("table.bin", SIZE);
        Cli.Result table = Cli.run("residency", "--bytes", file.toString());
        assertEquals(0, table.exitCode(), table.err());
        List<String> lines = table.out().lines().toList();
        assertEquals(List.of("RES", "PAGES", "SIZE", "FILE"), List.of(lines.get(0).trim().split("\\s+")));
        assertEquals(List.of(Integer.toString(SIZE), Long.toString(pages), Integer.toString(SIZE), file.toString()),
                List.of(lines.get(1).trim().split("\\s+")));
        Cli.Result human = Cli.run("residency", "-q", "-n", "-o", "RES,PERCENT", file.toString());
        assertEquals("64.0KiB 100.0", human.out().strip());
    }

    @Test
    void aSparseFileIsTouchedAndLockedWithoutItsHoles() throws IOException {
        long size = 64L << 20;
        Path sparse = files.dir.resolve("sparse.bin");
        try (RandomAccessFile raf = new RandomAccessFile(sparse.toFile(), "rw")) {
            raf.setLength(size);
            raf.seek(1 << 20);
            raf.write(new byte[] {1, 2, 3});
        }
        dev.mman.PageCache.evict(sparse);
        Cli.Result touched = Cli.run("touch", sparse.toString());
        assertEquals(0, touched.exitCode(), touched.err());
        long all = size / page;
        String line = touched.out().lines().findFirst().orElseThrow();
        // The data lies in one file-system block. The fault that reads it also reads around it
        // (read_ahead_kb, 8 MiB on some virtual disks), but never the whole 64 MiB of hole.
        assertTrue(line.startsWith("touched " + sparse + ": 64.0 MiB, "), line);
        assertTrue(line.endsWith(" pages resident; " + (all - 1) + " pages are holes, which hold no data and were "
                + "skipped"), line);
        long resident = Long.parseLong(line.replaceAll(".*MiB, (\\d+)/.*", "$1"));
        assertTrue(resident >= 1 && resident <= all / 2, line);
        assertTrue(touched.out().contains("   Touched Pages: 1 (" + Sizes.human(page) + ")"),
                "the summary counts the page read, not the holes: " + touched.out());

        Path hole = files.dir.resolve("hole.bin");
        try (RandomAccessFile raf = new RandomAccessFile(hole.toFile(), "rw")) {
            raf.setLength(size);
        }
        Cli.Result allHole = Cli.run("touch", hole.toString());
        assertEquals(0, allHole.exitCode(), allHole.err());
        assertTrue(allHole.out().contains("  Resident Pages: 0/" + all + " "), allHole.out());
        Cli.Result locked = Cli.run("lock", "--seconds", "0", sparse.toString(), hole.toString());
        assertEquals(0, locked.exitCode(), locked.err());
        assertTrue(locked.out().contains("  Resident Pages: 1/" + 2 * all + " "), locked.out());
    }

    @Test
    void aFileThisUserCannotWriteHasAnUnknownResidencyAndSaysWhy() throws Exception {
        Path file = files.evicted("theirs.bin", SIZE);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(files.dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> wrapper = List.of();
        if (ChildJvm.isRoot()) {
            assertTrue(ChildJvm.onPath("setpriv"), "setpriv (util-linux) runs the child as an ordinary user");
            wrapper = List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--");
        }
        Path crashes = Files.createDirectories(files.dir.resolve("crashes"));
        Files.setPosixFilePermissions(crashes, PosixFilePermissions.fromString("rwxrwxrwx"));
        ChildJvm.Finished result = ChildJvm.run(crashes, wrapper, List.of("--enable-native-access=ALL-UNNAMED",
                "-cp", publicClassPath()), "residency", file.toString());
        assertEquals(1, result.exitCode(), result.err());
        assertTrue(result.out().contains("?/" + pages + " pages unknown"), result.out());
        assertEquals(List.of("mman residency: " + file + ": residency unknown: " + Mincore.BLIND),
                result.err().lines().toList());
    }

    /**
     * The test class path with its jars copied where an ordinary user may read them (the local
     * Maven repository is root's own).
     */
    private String publicClassPath() throws IOException {
        Path jars = Files.createDirectories(files.dir.resolve("jars"));
        List<String> entries = new java.util.ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path path = Path.of(entry);
            if (Files.isRegularFile(path)) {
                Path copy = jars.resolve(entries.size() + "-" + path.getFileName());
                Files.copy(path, copy);
                Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
                entries.add(copy.toString());
            } else {
                entries.add(entry);
            }
        }
        return String.join(java.io.File.pathSeparator, entries);
    }
}
