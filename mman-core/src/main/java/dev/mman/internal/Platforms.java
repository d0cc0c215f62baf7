package dev.mman.internal;

import dev.mman.MMapException;
import dev.mman.internal.darwin.DarwinPlatform;
import dev.mman.internal.linux.LinuxPlatform;
import dev.mman.internal.windows.WindowsPlatform;

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
            case LINUX -> LinuxPlatform.load(arch);
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

    /**
     * Stands in for a platform mman cannot run on: every call raises the same clear error, which
     * {@link Platform}'s defaults ask for, so only the description needs saying.
     */
    static final class UnsupportedPlatform implements Platform {

        private final String reason;

        UnsupportedPlatform(String reason) {
            this.reason = reason;
        }

        @Override
        public MMapException unavailable(String call) {
            return new MMapException(reason);
        }

        @Override
        public void requireNativeCalls(String call) {
            throw unavailable(call);
        }

        @Override
        public String describe() {
            throw unavailable("describe");
        }
    }
}
