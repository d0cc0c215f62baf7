package dev.mman.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The ring throughput benchmarks count messages, not calls: a write into a full ring or a read of
 * an empty one counts nothing.
 */
@AuxCounters(AuxCounters.Type.OPERATIONS)
@State(Scope.Thread)
public class MessageCount {

    /** Messages written or read by this thread in this iteration. */
    public long messages;

    /** Starts each iteration from zero. */
    @Setup(Level.Iteration)
    public void reset() {
        messages = 0;
    }
}
