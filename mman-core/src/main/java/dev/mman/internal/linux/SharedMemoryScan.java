package dev.mman.internal.linux;

import dev.mman.MMapException;
import dev.mman.SharedMemoryInfo;
import dev.mman.internal.SharedMemoryObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Lists the objects in {@code /dev/shm} and finds, through {@code /proc}, the processes that map
 * them or hold them open. {@code /proc} changes while it is read: a process that exits mid-scan is
 * skipped, one whose entries cannot be read is remembered with its uids, and nothing read there sizes
 * an allocation (lines are streamed, numbers only compared).
 *
 * <p>Both directories are parameters, so that tests can point the scan at a tree of their own.
 */
final class SharedMemoryScan {

    /** The process file system. */
    static final Path PROC = Path.of("/proc");
    /** glibc's {@code sem_open} keeps named semaphores here as {@code sem.NAME}: not shared memory. */
    private static final String SEMAPHORE_PREFIX = "sem.";
    private static final int GROUP_OR_OTHER = 0066;
    private static final String ATTRIBUTES = "unix:isRegularFile,ino,size,mode,uid,owner,lastModifiedTime";

    private final Path directory;
    private final Path proc;
    /** How /proc/PID/maps and /proc/PID/fd name a file of the directory: its path and a slash. */
    private final String prefix;

    /**
     * A scan of {@code directory} through {@code proc}.
     *
     * @param directory the shared-memory directory, {@link LinuxPlatform#DEV_SHM}
     * @param proc the process file system, {@link #PROC}
     */
    SharedMemoryScan(Path directory, Path proc) {
        this.directory = directory;
        this.proc = proc;
        this.prefix = directory + "/";
    }

    /** One entry of the directory, as {@code stat} found it. */
    private record Entry(String name, long inode, long size, int mode, int uid, String owner, FileTime modified) {}

    /** What the walk through /proc found: who uses which inode, and whom it could not look at. */
    private static final class Users {
        final Map<Long, Set<Long>> byInode = new HashMap<>();
        /**
         * The processes that could not be inspected, with their uids (real, effective, saved, file
         * system), or null when those could not be read either.
         */
        final Map<Long, int[]> hidden = new TreeMap<>();

        void add(long inode, long pid) {
            byInode.computeIfAbsent(inode, i -> new TreeSet<>()).add(pid);
        }

        /** The processes that could not be inspected and might open the entry, by its permission bits. */
        List<Long> mightUse(Entry entry) {
            List<Long> pids = new ArrayList<>();
            hidden.forEach((pid, uids) -> {
                if (uids == null || Arrays.stream(uids).anyMatch(
                        uid -> uid == entry.uid() || (uid != 0 && (entry.mode() & GROUP_OR_OTHER) != 0))) {
                    pids.add(pid);
                }
            });
            return pids;
        }
    }

    /**
     * Lists the objects and the processes that use them.
     *
     * @return one object per regular file that is not a semaphore, by name; empty when the
     *     directory does not exist
     */
    List<SharedMemoryObject> scan() {
        Map<String, Entry> byName = entries();
        if (byName.isEmpty()) {
            return List.of();
        }
        Map<Long, Entry> byInode = new HashMap<>();
        byName.values().forEach(entry -> byInode.put(entry.inode(), entry));
        Users users = users(byName, byInode);
        int me = ownUid();
        int directoryOwner = uidOf(directory);
        List<SharedMemoryObject> objects = new ArrayList<>();
        for (Entry entry : byName.values()) {
            List<Long> pids = List.copyOf(users.byInode.getOrDefault(entry.inode(), Set.of()));
            SharedMemoryInfo info = new SharedMemoryInfo("/" + entry.name(), entry.size(), entry.mode(),
                    entry.owner(), entry.modified().toInstant(), pids, users.mightUse(entry));
            boolean removable = me == 0 || me >= 0 && (me == entry.uid() || me == directoryOwner);
            objects.add(new SharedMemoryObject(info, entry.inode(), removable));
        }
        objects.sort((a, b) -> a.info().name().compareTo(b.info().name()));
        return List.copyOf(objects);
    }

    /** The regular files of the directory but semaphores; an entry that vanishes while listed is left out. */
    private Map<String, Entry> entries() {
        Map<String, Entry> byName = new HashMap<>();
        try (DirectoryStream<Path> listing = Files.newDirectoryStream(directory)) {
            for (Path path : listing) {
                String name = path.getFileName().toString();
                if (name.startsWith(SEMAPHORE_PREFIX)) {
                    continue;
                }
                Map<String, Object> stat;
                try {
                    stat = Files.readAttributes(path, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                } catch (IOException gone) {
                    continue; // unlinked between the listing and the stat
                }
                if (!(Boolean) stat.get("isRegularFile")) {
                    continue;
                }
                byName.put(name, new Entry(name, (Long) stat.get("ino"), (Long) stat.get("size"),
                        (Integer) stat.get("mode") & 07777, (Integer) stat.get("uid"),
                        ((UserPrincipal) stat.get("owner")).getName(), (FileTime) stat.get("lastModifiedTime")));
            }
        } catch (NoSuchFileException absent) {
            return Map.of();
        } catch (IOException e) {
            throw new MMapException("cannot list " + directory + ": " + e
                    + "; check that it is readable by this user", e);
        }
        return byName;
    }

    /** Walks /proc once: each process's maps and descriptors. */
    private Users users(Map<String, Entry> byName, Map<Long, Entry> byInode) {
        Users users = new Users();
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(proc, SharedMemoryScan::isPid)) {
            for (Path process : processes) {
                long pid = Long.parseLong(process.getFileName().toString());
                try {
                    mappings(process, pid, byInode, users);
                    descriptors(process, pid, byName, users);
                } catch (NoSuchFileException exited) {
                    continue;
                } catch (IOException unreadable) {
                    if (Files.isDirectory(process)) {
                        hidden(process, pid, users);
                    } // else it exited while its files were read (ESRCH)
                }
            }
        } catch (IOException e) {
            throw new MMapException("cannot list " + proc + " to see which processes use shared memory: "
                    + e + "; is /proc mounted?", e);
        }
        return users;
    }

    private static boolean isPid(Path entry) {
        String name = entry.getFileName().toString();
        return !name.isEmpty() && name.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    /** Adds the process for every line of its maps that names an entry, by path and inode. */
    private void mappings(Path process, long pid, Map<Long, Entry> byInode, Users users) throws IOException {
        try (BufferedReader maps = Files.newBufferedReader(process.resolve("maps"), StandardCharsets.UTF_8)) {
            for (String line = maps.readLine(); line != null; line = maps.readLine()) {
                long inode = mappedInode(line, prefix);
                if (inode >= 0 && byInode.containsKey(inode)) {
                    users.add(inode, pid);
                }
            }
        }
    }

    /**
     * The inode of a {@code /proc/PID/maps} line whose path starts with {@code prefix}: the fifth
     * field, before the path. The path is the first field with a slash in it.
     *
     * @return the inode, or -1 when the line maps something else or is not understood
     */
    static long mappedInode(String line, String prefix) {
        int path = line.indexOf('/');
        if (path < 0 || !line.startsWith(prefix, path)) {
            return -1;
        }
        String[] fields = line.substring(0, path).trim().split(" +");
        if (fields.length != 5) {
            return -1;
        }
        try {
            return Long.parseLong(fields[4]);
        } catch (NumberFormatException notAnInode) {
            return -1;
        }
    }

    /** Adds the process when one of its descriptors points at an entry; a descriptor closed meanwhile is skipped. */
    private void descriptors(Path process, long pid, Map<String, Entry> byName, Users users) throws IOException {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(process.resolve("fd"))) {
            for (Path fd : fds) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException closed) {
                    continue;
                }
                Entry entry = target.startsWith(prefix) ? byName.get(target.substring(prefix.length())) : null;
                if (entry != null) {
                    users.add(entry.inode(), pid);
                }
            }
        }
    }

    /** Remembers a process that could not be inspected, with the uids from its world-readable status. */
    private static void hidden(Path process, long pid, Users users) {
        int[] uids = uids(process.resolve("status"));
        if (uids != null || Files.isDirectory(process)) { // no status and no directory: it has exited
            users.hidden.put(pid, uids);
        }
    }

    /** The four uids of a {@code status} file's {@code Uid:} line, or null when it cannot be read. */
    static int[] uids(Path status) {
        try (BufferedReader lines = Files.newBufferedReader(status, StandardCharsets.UTF_8)) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.startsWith("Uid:")) {
                    String[] fields = line.substring(4).trim().split("\\s+");
                    int[] uids = new int[fields.length];
                    for (int i = 0; i < fields.length; i++) {
                        uids[i] = Integer.parseInt(fields[i]);
                    }
                    return uids;
                }
            }
        } catch (IOException | NumberFormatException unreadable) {
            return null;
        }
        return null;
    }

    /** This process's effective uid, from {@code /proc/self/status}; -1 when unknown. */
    private int ownUid() {
        int[] uids = uids(proc.resolve("self").resolve("status"));
        return uids != null && uids.length > 1 ? uids[1] : -1;
    }

    private static int uidOf(Path path) {
        try {
            return (Integer) Files.getAttribute(path, "unix:uid");
        } catch (IOException | UnsupportedOperationException e) {
            return -1;
        }
    }
}
