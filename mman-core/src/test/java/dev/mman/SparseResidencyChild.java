package dev.mman;

import dev.mman.testing.Caught;

/**
 * The child-JVM side of {@link ResidencyRangeTest}'s heap case, run with a small heap: the answer
 * for a large range with one resident page must cost the heap what its bits need, not one bit per
 * page of the range.
 */
public final class SparseResidencyChild {

    private SparseResidencyChild() {}

    /**
     * Maps {@code args[0]} pages of read-only anonymous memory (address space only) and reports its residency.
     *
     * @param args the number of pages
     */
    public static void main(String[] args) {
        long page = Mman.pageSize();
        long pages = Long.parseLong(args[0]);
        Caught.report("residency", () -> {
            try (MemoryMap m = MemoryMap.createAnonymous(pages * page, Mman.PROT_READ, Mman.MAP_PRIVATE, Backend.NATIVE)) {
                m.read(1, 0); // the first page: its zero page makes it resident, the rest stays unmapped
                System.out.println("RESIDENT " + m.residency(0, pages * page).cardinality());
            }
        });
    }
}
