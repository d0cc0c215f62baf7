package dev.mman.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrowsExactly;
import static org.junit.jupiter.api.Assertions.fail;

import dev.mman.MemoryMap;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * One mapping and its model, side by side, plus the views taken so far. {@link Operation}s act on
 * both and compare.
 */
public final class ModelRun {

    /** Views are kept up to this many; later ones replace the oldest, so that runs stay varied. */
    static final int MAX_VIEWS = 8;

    private final MemoryMap map;
    private final MappingModel model;
    private final Path file;
    private final List<View> views = new ArrayList<>();

    /**
     * Pairs a mapping with its model.
     *
     * @param map the real mapping
     * @param model its model, in the same state
     * @param file the file behind a shared file mapping, whose contents must follow the model; or null
     */
    public ModelRun(MemoryMap map, MappingModel model, Path file) {
        this.map = map;
        this.model = model;
        this.file = file;
    }

    MemoryMap map() {
        return map;
    }

    MappingModel model() {
        return model;
    }

    /**
     * Runs {@code call} on the mapping: it must throw exactly {@code expected}, or, when that is
     * null, return normally.
     *
     * @return what the call returned, or null when it threw as expected
     */
    <T> T perform(String call, Class<? extends Throwable> expected, Callable<T> action) {
        if (expected != null) {
            assertThrowsExactly(expected, action::call, call + " on " + map + " must throw");
            return null;
        }
        try {
            return action.call();
        } catch (Exception | Error unexpected) {
            return fail(call + " on " + map + " must succeed, but threw " + unexpected, unexpected);
        }
    }

    void keep(View view) {
        if (views.size() == MAX_VIEWS) {
            views.remove(0);
        }
        views.add(view);
    }

    /** The view at {@code index} modulo the number kept, or null before the first one. */
    View view(int index) {
        return views.isEmpty() ? null : views.get(index % views.size());
    }

    /**
     * Checks what the model says about the mapping as a whole: open or closed, its protection,
     * and, for a file mapping, the file's contents.
     */
    public void checkState() {
        assertEquals(!model.closed(), map.isValid(), "isValid()");
        if (!model.closed()) {
            assertEquals(model.protection(), map.protection(), "protection()");
        }
    }

    /** Checks that the file behind a shared file mapping holds exactly the model's bytes. */
    void checkFile() {
        if (file == null) {
            return;
        }
        try {
            assertArrayEquals(model.contents(), Files.readAllBytes(file), "the file must hold what was written");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Ends the run: syncs and compares a file mapping, then closes the mapping and checks the file
     * once more, as the unmapped state must be the same.
     */
    public void finish() {
        if (!model.closed()) {
            map.msync();
        }
        checkFile();
        map.close();
        model.close();
        checkFile();
        checkState();
    }
}
