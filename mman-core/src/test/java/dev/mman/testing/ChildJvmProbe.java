package dev.mman.testing;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

/** The child-JVM side of {@link ChildJvmTest}: misbehaves on purpose in the way it is told to. */
public final class ChildJvmProbe {

    private ChildJvmProbe() {}

    /**
     * Crashes, hangs, or prints its JVM options.
     *
     * @param args {@code crash}, {@code hang} or {@code options}
     * @throws InterruptedException never in practice: a hanging child is killed
     */
    public static void main(String[] args) throws InterruptedException {
        switch (args[0]) {
            case "crash" -> System.out.println(MemorySegment.ofAddress(8).reinterpret(8).get(ValueLayout.JAVA_LONG, 0));
            case "hang" -> new CountDownLatch(1).await();
            case "options" -> Arrays.stream(ProcessHandle.current().info().arguments().orElseThrow())
                    .forEach(option -> System.out.println("OPTION " + option));
            default -> throw new IllegalArgumentException("no mode " + args[0]);
        }
    }
}
