/**
 * mman: the complete {@code <sys/mman.h>} for Java, built on the Foreign Function and Memory API.
 *
 * <p>The module exports {@link dev.mman} (mappings and named shared memory), {@link dev.mman.pool}
 * (blocks carved out of a mapping, shareable between processes) and {@link dev.mman.ipc} (locks
 * and ring buffers inside shared mappings). Everything that makes native calls lives in the
 * unexported {@code dev.mman.internal} package. Run with {@code --enable-native-access=dev.mman}
 * (or {@code ALL-UNNAMED} on the class path).
 */
module dev.mman {
    exports dev.mman;
    exports dev.mman.pool;
    exports dev.mman.ipc;
}
