package dev.mman.cli;

import dev.mman.MMapException;
import dev.mman.Mman;
import dev.mman.MemoryMap;
import dev.mman.SystemInfo;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mman lock}: locks files into RAM and holds them, like {@code vmtouch -l}. */
@Command(name = "lock", mixinStandardHelpOptions = true,
        description = {"Lock files into RAM (mlock, like vmtouch -l) and hold them until interrupted (Ctrl-C).",
            "Locking more than RLIMIT_MEMLOCK needs a higher limit or CAP_IPC_LOCK."})
final class LockCommand implements Runnable {

    private static final int EPERM = 1;
    private static final int EAGAIN = 11;
    private static final int ENOMEM = 12;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "Regular files to lock.")
    List<Path> files;

    @Option(names = "--seconds", paramLabel = "N",
            description = "Release after N seconds instead of waiting for Ctrl-C.")
    Long seconds;

    @Mixin
    FileWindows.SizeOption window;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        if (seconds != null && seconds < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--seconds must be 0 or more");
        }
        long[] sizes = InputFiles.sizes(files);
        long windowBytes = window.bytes();
        long asked = java.util.Arrays.stream(sizes).sum();
        List<MemoryMap> held = new ArrayList<>();
        boolean terminal = Progress.onTerminal();
        try {
            for (int i = 0; i < sizes.length; i++) {
                Path file = files.get(i);
                try (Progress progress = new Progress(spec.commandLine().getErr(), "lock " + file, sizes[i], terminal)) {
                    FileWindows.ranges(file, sizes[i], windowBytes, progress, (offset, length) -> {
                        MemoryMap map = MemoryMap.createFileMapping(file, offset, length, Mman.PROT_READ,
                                Mman.MAP_SHARED);
                        held.add(map);
                        lock(map, asked);
                    });
                }
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println("locked " + files.size() + (files.size() == 1 ? " file, " : " files, ") + Sizes.human(asked)
                    + " (" + asked + " bytes); " + (seconds == null ? "holding until interrupted (Ctrl-C)"
                            : "holding for " + seconds + " s"));
            out.flush();
            hold();
        } finally {
            held.forEach(MemoryMap::close);
        }
    }

    private void lock(MemoryMap map, long asked) {
        try {
            map.mlock();
        } catch (MMapException e) {
            int errno = e.errno();
            if (errno == ENOMEM || errno == EPERM || errno == EAGAIN) {
                throw new UserError(limitMessage(asked), e);
            }
            throw e;
        }
    }

    /** One line: the limit, what was asked, and every way to raise the limit. */
    static String limitMessage(long asked) {
        long limit = SystemInfo.lockedMemoryLimit();
        String limitText = limit == Long.MAX_VALUE ? "unlimited" : Sizes.human(limit) + " (" + limit + " bytes)";
        long kib = (asked + 1023) / 1024;
        return "cannot lock " + Sizes.human(asked) + " (" + asked + " bytes): RLIMIT_MEMLOCK is " + limitText
                + "; raise it with `ulimit -l " + kib + "` (KiB) or `ulimit -l unlimited`, a memlock line in "
                + "/etc/security/limits.conf, LimitMEMLOCK= for a systemd service, or run with CAP_IPC_LOCK";
    }

    private void hold() {
        CountDownLatch never = new CountDownLatch(1);
        try {
            if (seconds == null) {
                never.await();
            } else {
                never.await(seconds, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
