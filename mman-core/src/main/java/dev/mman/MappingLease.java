package dev.mman;

import dev.mman.internal.Platform;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The ownership of one native mapping: it unmaps the range exactly once, either when the mapping
 * is closed or, when it was dropped unclosed, after the garbage collector finds nothing left that
 * could reach the memory.
 *
 * <p>"Nothing left" has to include the views. A view's segment does not refer to its
 * {@link MemoryMap}, only to its arena's scope; so every view arena is given {@link #keepAlive()}
 * as its close action, which refers to this lease. The lease is then reachable while the mapping,
 * or any view, IPC structure or buffer made from one, is; and the cleaner, registered on the
 * lease, runs only when none of them is. An unmap from the cleaner therefore cannot pull memory
 * from under a Java access. (Code that keeps only {@link MemoryMap#address()} and reaches the
 * memory by other means is on its own, as the javadoc of {@code address()} says.)
 *
 * <p>This is what lets {@link MappingBudget} reclaim dropped mappings before the process runs out
 * of them, as the JDK does for direct buffers.
 */
final class MappingLease {

    private final Unmap unmap;
    private final Cleaner.Cleanable cleanable;

    /** The cleaning action: refers to the range, never to the lease, or the lease would never become unreachable. */
    private static final class Unmap implements Runnable {
        private final Platform platform;
        private final long address;
        private final long size;
        private volatile boolean closed;
        private volatile boolean viewsRetired;
        private volatile boolean moved;

        Unmap(Platform platform, long address, long size) {
            this.platform = platform;
            this.address = address;
            this.size = size;
        }

        @Override
        public void run() {
            if (moved) {
                return; // mremap moved the memory: the successor's lease owns it now
            }
            if (viewsRetired) {
                // A thread may still make one late access (see Placeholders): it must find memory.
                if (platform.replaceWithPlaceholder(address, size)) {
                    Placeholders.queue(platform, address, size);
                    return;
                }
                MappingGuard.awaitLateAccesses();
            }
            platform.unmap(address, size);
            MappingBudget.give();
            if (!closed) {
                MappingBudget.reclaimed();
            }
        }
    }

    /**
     * Makes sure a lease can be made, before anything is mapped.
     *
     * @throws MMapAllocationException when the cleaner's thread cannot be started ({@link Cleaners})
     */
    static void ready(Supplier<String> call) {
        Cleaners.shared(call);
    }

    /** The lease of a range just mapped; {@link #ready} was called first, so this cannot fail. */
    MappingLease(Platform platform, long address, long size) {
        this.unmap = new Unmap(platform, address, size);
        this.cleanable = Cleaners.shared(() -> "a mapping's lease").register(this, unmap);
    }

    /** The close action for a view arena, which keeps this lease reachable from every view. */
    Consumer<MemorySegment> keepAlive() {
        return ignored -> Reference.reachabilityFence(this);
    }

    /**
     * Gives the memory back now, for {@code close()}; the cleaner will not run again.
     *
     * @param viewsRetired whether a view arena was just closed, after which a late access is
     *     possible: the range then gets a placeholder and is unmapped later
     */
    void release(boolean viewsRetired) {
        unmap.closed = true;
        unmap.viewsRetired = viewsRetired;
        cleanable.clean();
    }

    /** Lets go without unmapping, after {@code mremap} handed the memory to a new lease. */
    void moved() {
        unmap.moved = true;
        cleanable.clean();
    }
}
