package dev.mman.internal;

import dev.mman.MMapException;
import java.lang.foreign.MemorySegment;

/** Chooses the {@link Platform} for the running OS, once. */
final class Platforms {

    private Platforms() {}

    private static final class Holder {
        static final Platform CURRENT = load(System.getProperty("os.name"), System.getProperty("os.arch"));
    }

    static Platform current() {
        return Holder.CURRENT;
    }

    /**
     * The platform for an OS and architecture, or an {@link UnsupportedPlatform} that explains
     * why there is none. Never throws: the explanation is raised by the first call instead.
     */
    static Platform load(String osName, String arch) {
        String reason = unsupportedReason(osName, arch);
        if (reason != null) {
            return new UnsupportedPlatform(reason);
        }
        try {
            return create(osName, arch);
        } catch (MMapException wrongSystem) {
            return new UnsupportedPlatform(wrongSystem.getMessage());
        } catch (UnsatisfiedLinkError missing) {
            return new UnsupportedPlatform("the native calls could not be prepared: " + missing.getMessage());
        } catch (IllegalCallerException e) {
            return new UnsupportedPlatform(nativeAccessDenied(e));
        } catch (ExceptionInInitializerError e) {
            if (e.getCause() instanceof IllegalCallerException denied) {
                return new UnsupportedPlatform(nativeAccessDenied(denied));
            }
            return new UnsupportedPlatform("the native calls could not be prepared: " + e.getCause());
        }
    }

    /** The backend for an OS that {@link #unsupportedReason} accepted. */
    private static Platform create(String osName, String arch) {
        return switch (family(osName)) {
            case LINUX -> new LinuxPlatform(arch);
            case MACOS -> DarwinPlatform.load(arch);
            case WINDOWS -> WindowsPlatform.load(arch);
            case OTHER -> throw new IllegalStateException(osName + " has no backend");
        };
    }

    /** The operating systems mman tells apart. */
    enum Family {
        /** Linux, any distribution. */
        LINUX,
        /** macOS, which Java names {@code Mac OS X}. */
        MACOS,
        /** Windows, which Java names {@code Windows 11} and the like. */
        WINDOWS,
        /** Anything else. */
        OTHER
    }

    /** Which family an {@code os.name} belongs to. */
    static Family family(String osName) {
        String os = osName == null ? "" : osName;
        if (os.startsWith("Linux")) {
            return Family.LINUX;
        }
        if (os.startsWith("Mac") || os.startsWith("Darwin")) {
            return Family.MACOS;
        }
        return os.startsWith("Windows") ? Family.WINDOWS : Family.OTHER;
    }

    private static final String WHERE = "it runs on Linux (x86_64, aarch64), macOS (aarch64, x86_64) and "
            + "Windows (amd64, aarch64)";

    /** Why mman cannot run on this OS and architecture, or null when it can. */
    static String unsupportedReason(String osName, String arch) {
        String os = osName == null ? "" : osName;
        boolean x64 = arch.equals("amd64") || arch.equals("x86_64");
        boolean arm64 = arch.equals("aarch64");
        return switch (family(osName)) {
            case LINUX -> x64 || arm64 ? null : "mman supports Linux on x86_64 and aarch64; this is Linux on " + arch;
            case MACOS -> x64 || arm64 ? null : "mman supports macOS on aarch64 and x86_64; this is " + os + " on " + arch;
            case WINDOWS -> x64 || arm64 ? null : "mman supports Windows on amd64 and aarch64; this is " + os + " on " + arch;
            case OTHER -> "mman does not support " + os + " (" + arch + "); " + WHERE;
        };
    }

    private static String nativeAccessDenied(IllegalCallerException e) {
        return "native access is denied (" + e.getMessage() + "); start java with "
                + "--enable-native-access=dev.mman (module path) or --enable-native-access=ALL-UNNAMED (class path)";
    }

    /** Stands in for a platform mman cannot run on: every call raises the same clear error. */
    static final class UnsupportedPlatform implements Platform {

        private final String reason;

        UnsupportedPlatform(String reason) {
            this.reason = reason;
        }

        private MMapException refuse() {
            return new MMapException(reason);
        }

        @Override
        public String describe() {
            throw refuse();
        }

        @Override
        public long pageSize() {
            throw refuse();
        }

        @Override
        public long allocationGranularity() {
            throw refuse();
        }

        @Override
        public long map(long size, int prot, int flags, int fd, long offset) {
            throw refuse();
        }

        @Override
        public void unmap(long address, long size) {
            throw refuse();
        }

        @Override
        public void protect(long address, long size, int prot) {
            throw refuse();
        }

        @Override
        public void sync(long address, long size, int flags) {
            throw refuse();
        }

        @Override
        public void lock(long address, long size) {
            throw refuse();
        }

        @Override
        public void unlock(long address, long size) {
            throw refuse();
        }

        @Override
        public void advise(long address, long size, dev.mman.Advice advice, boolean writable) {
            throw refuse();
        }

        @Override
        public byte[] residency(long address, long size) {
            throw refuse();
        }

        @Override
        public int openFile(java.nio.file.Path path, boolean writable) {
            throw refuse();
        }

        @Override
        public void closeFile(int fd) {
            throw refuse();
        }

        @Override
        public FileStatus fileStatus(int fd) {
            throw refuse();
        }

        @Override
        public String describeFd(int fd) {
            throw refuse();
        }

        @Override
        public long lockedMemoryLimit() {
            throw refuse();
        }

        @Override
        public int sharedMemoryCreate(String name, int mode) {
            throw refuse();
        }

        @Override
        public int sharedMemoryOpen(String name) {
            throw refuse();
        }

        @Override
        public boolean sharedMemoryUnlink(String name) {
            throw refuse();
        }

        @Override
        public void truncate(int fd, long size) {
            throw refuse();
        }

        @Override
        public long remap(long address, long oldSize, long newSize) {
            throw refuse();
        }

        @Override
        public int sharedMemoryNameMax() {
            throw refuse();
        }

        @Override
        public void dropCache(int fd, long offset, long length) {
            throw refuse();
        }

        @Override
        public java.util.List<Long> hugePageSizes() {
            throw refuse();
        }

        @Override
        public String transparentHugePageMode() {
            throw refuse();
        }

        @Override
        public boolean futexWait(MemorySegment word, int expected, long timeoutNanos) {
            throw refuse();
        }

        @Override
        public int futexWake(MemorySegment word, int count) {
            throw refuse();
        }

        @Override
        public long processStartTime(long pid) {
            throw refuse();
        }

        @Override
        public boolean registerForProcessBarriers() {
            throw refuse();
        }

        @Override
        public boolean barrierOnRegisteredProcesses() {
            throw refuse();
        }
    }
}
