/**
 * mman: the complete {@code <sys/mman.h>} for Java, built on the Foreign Function and Memory API.
 *
 * <p>The module exports {@link dev.mman} and {@link dev.mman.ipc} (locks and ring buffers inside
 * shared mappings); everything that makes native calls lives in the
 * unexported {@code dev.mman.internal} package. Run with {@code --enable-native-access=dev.mman}
 * (or {@code ALL-UNNAMED} on the class path).
 */
module dev.mman {
    exports dev.mman;
    exports dev.mman.ipc;
}
