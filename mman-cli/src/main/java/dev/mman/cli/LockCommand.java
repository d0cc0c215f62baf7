package dev.mman.cli;

import dev.mman.MMapException;
import dev.mman.Mman;
import dev.mman.MemoryMap;
import dev.mman.PageCache;
import dev.mman.SystemInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** {@code mman lock}: locks files into RAM and holds them, like {@code vmtouch -l}. */
final class LockCommand extends BatchCommand {

    private static final int EPERM = 1;
    private static final int EAGAIN = 11;
    private static final int ENOMEM = 12;

    Long seconds;
    boolean force;

    private final List<MemoryMap> held = new ArrayList<>();
    private final KernelFiles kernel;
    /** The bytes of data to lock, holes left out: what the refusal and the summary count. */
    private long asked;

    @Override
    CommandSpec declare() {
        CommandSpec spec = declare("lock", "Lock files into RAM (mlock, like vmtouch -l) and hold them until "
                + "interrupted (Ctrl-C).", "Locking more than RLIMIT_MEMLOCK needs a higher limit or CAP_IPC_LOCK; "
                + "locking more data than the memory available (MemAvailable) is refused unless --force. The holes "
                + "of a sparse file hold no data: they are neither locked nor counted.");
        spec.addOption(Declare.option(Long.class, () -> seconds, value -> seconds = value, "N",
                "Release after N seconds instead of waiting for Ctrl-C.", "--seconds").build());
        spec.addOption(Declare.flag(value -> force = value,
                "Lock even more than the memory available (the OOM killer may follow).", "--force"));
        return spec;
    }

    /** Locks against the running system's memory. */
    LockCommand() {
        this(KernelFiles.system());
    }

    /** Locks against the memory that {@code kernel}'s {@code meminfo} reports (a test's own file). */
    LockCommand(KernelFiles kernel) {
        this.kernel = kernel;
    }

    @Override
    void before(Targets.Found found) {
        if (seconds != null && seconds < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--seconds must be 0 or more");
        }
        asked = found.files().stream().mapToLong(LockCommand::dataBytes).sum();
        Long available = kernel.memInfo("MemAvailable");
        if (!force && available != null && asked > available) {
            throw new UserError("refusing to lock " + Sizes.human(asked) + " (" + asked + " bytes) of data: only "
                    + Sizes.human(available) + " (" + available + " bytes) of memory is available (MemAvailable), "
                    + "and locking more drives the machine into the OOM killer; lock less (--range, --max-file-size) "
                    + "or add --force");
        }
    }

    /**
     * The bytes a lock of the target's range would pin: its data, widened to whole pages, since the
     * holes are not locked. A file that cannot be read counts nothing here; locking it fails on its own line.
     */
    private static long dataBytes(Targets.Target target) {
        try {
            return FileWindows.dataParts(target.file(), target.offset(), target.offset() + target.length()).stream()
                    .mapToLong(PageCache.Range::length).sum();
        } catch (UserError unreadable) {
            return 0;
        }
    }

    @Override
    Pages process(Targets.Target target, long window) {
        long[] lockedBytes = {0};
        try (Progress progress = progress("lock " + target.file(), target.length())) {
            FileWindows.rangesOfData(target.file(), target.offset(), target.offset() + target.length(), window,
                    progress, (offset, length) -> {
                        MemoryMap map = MemoryMap.createFileMapping(target.file(), offset, length, Mman.PROT_READ,
                                Mman.MAP_SHARED);
                        try {
                            lock(map, asked);
                        } catch (RuntimeException e) {
                            map.close();
                            throw e;
                        }
                        held.add(map);
                        lockedBytes[0] += length;
                    });
        }
        return new Pages(pages(target.length()), pages(lockedBytes[0]), true, lockedBytes[0]);
    }

    @Override
    String workedPages() {
        return "Locked Pages";
    }

    @Override
    public Integer call() {
        try {
            return super.call();
        } finally {
            release();
        }
    }

    @Override
    void after() {
        if (held.isEmpty()) {
            return;
        }
        line(() -> "locked " + Sizes.human(asked) + " (" + asked + " bytes); " + (seconds == null
                ? "holding until interrupted (Ctrl-C)" : "holding for " + seconds + " s"));
        hold();
    }

    private void release() {
        held.forEach(MemoryMap::close);
        held.clear();
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
