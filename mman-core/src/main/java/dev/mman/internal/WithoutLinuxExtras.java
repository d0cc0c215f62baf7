package dev.mman.internal;

import java.util.List;

/**
 * The answers of a platform that lacks what only Linux offers here: explicit and transparent huge
 * pages that a program can ask for, and a membarrier that reaches other processes. Callers then
 * take their portable paths (normal pages, the ordered slow path of the ring buffers).
 */
public interface WithoutLinuxExtras extends Platform {

    @Override
    default List<Long> hugePageSizes() {
        return List.of();
    }

    @Override
    default String transparentHugePageMode() {
        return "unsupported";
    }

    @Override
    default boolean registerForProcessBarriers() {
        return false;
    }

    @Override
    default boolean barrierOnRegisteredProcesses() {
        return false;
    }
}
