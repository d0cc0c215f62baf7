package dev.mman;

import java.lang.ref.Cleaner;
import java.util.function.Supplier;

/**
 * The one {@link Cleaner} of mman, started on first need rather than in a class initializer. A
 * cleaner is a thread, and a process at its thread limit ({@code ulimit -u}) cannot start one: in
 * an initializer that {@link OutOfMemoryError} left the class unusable for the rest of the JVM's
 * life ({@link NoClassDefFoundError} from every later mapping). Here it is an
 * {@link MMapAllocationException} for the call that needed it, and the next call tries again.
 */
final class Cleaners {

    private static volatile Cleaner shared;

    private Cleaners() {}

    /**
     * The cleaner, started now if it was not yet.
     *
     * @param call the call that needs it, for the message
     * @throws MMapAllocationException when its thread cannot be started; nothing was changed
     */
    static Cleaner shared(Supplier<String> call) {
        Cleaner cleaner = shared;
        if (cleaner != null) {
            return cleaner;
        }
        synchronized (Cleaners.class) {
            if (shared == null) {
                try {
                    shared = Cleaner.create();
                } catch (OutOfMemoryError noThread) {
                    MMapAllocationException refused = new MMapAllocationException(call.get() + ": mman's cleaner "
                            + "thread, which unmaps what is dropped unclosed, cannot be started (" + noThread.getMessage()
                            + "); the process is at its thread limit (ulimit -u, or a cgroup's pids.max): end some "
                            + "threads or raise the limit, then retry", 0);
                    refused.initCause(noThread);
                    throw refused;
                }
            }
            return shared;
        }
    }
}
