package dev.mman.fuzz;

import dev.mman.MMapException;
import dev.mman.MapOptions;
import dev.mman.MappedRecords;
import dev.mman.MemoryMap;
import dev.mman.Mman;
import dev.mman.PageCache;
import dev.mman.SharedMemory;
import dev.mman.ipc.MpscRingBuffer;
import dev.mman.ipc.SharedLock;
import dev.mman.ipc.SpscRingBuffer;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.BaseStream;

/**
 * Calls every public method and factory of the classes below by reflection, with extreme values
 * ({@link FuzzValues}) one parameter at a time around a tuple that works, and on closed objects,
 * and prints a {@code VIOLATION} line for every exception outside mman's documented ones. Runs in
 * a child JVM ({@code ApiFuzzTest}): a crash or a hang fails one test, not the suite.
 *
 * <p>Output: {@code VIOLATION method(args) -> exception}, {@code NO-VALUES type in method}, and at
 * the end {@code CALLS n METHODS m}.
 */
public final class ApiFuzz {

    /** The public API under test; the pool belongs elsewhere. */
    static final List<Class<?>> CLASSES = List.of(Mman.class, MapOptions.class, MemoryMap.class, SharedMemory.class, PageCache.class,
            MappedRecords.class, MappedRecords.RecordIterator.class, SpscRingBuffer.class, MpscRingBuffer.class,
            SharedLock.class);

    /** At most this many tuples of good values are tried to find one that works. */
    private static final int BASE_ATTEMPTS = 48;

    private final FuzzValues values;
    private long calls;
    private volatile String current = "starting";

    private ApiFuzz(FuzzValues values) {
        this.values = values;
    }

    /**
     * Runs the fuzz.
     *
     * @param args the working directory for files, sockets and FIFOs
     * @throws Exception when the fixtures cannot be made
     */
    public static void main(String[] args) throws Exception {
        try (FuzzValues values = new FuzzValues(Path.of(args[0]))) {
            ApiFuzz fuzz = new ApiFuzz(values);
            fuzz.watchForHangs();
            int methods = 0;
            for (Method method : methods()) {
                fuzz.fuzz(method);
                methods++;
            }
            System.out.println("CALLS " + fuzz.calls + " METHODS " + methods);
        }
        System.out.flush();
        System.exit(0); // the async factories' daemon threads are done; nothing else to wait for
    }

    /** Every public method of the classes, each once (statics are inherited), in a stable order. */
    static List<Method> methods() {
        Set<Method> all = new LinkedHashSet<>();
        for (Class<?> type : CLASSES) {
            for (Method method : type.getMethods()) {
                Class<?> owner = method.getDeclaringClass();
                if (owner != Object.class && owner.getPackageName().startsWith("dev.mman")
                        && !(owner == Enum.class || owner == Record.class)) {
                    all.add(method);
                }
            }
        }
        List<Method> sorted = new ArrayList<>(all);
        sorted.sort(Comparator.comparing(Method::toGenericString));
        return sorted;
    }

    private void fuzz(Method method) {
        boolean isStatic = Modifier.isStatic(method.getModifiers());
        List<Class<?>> receivers = isStatic ? List.of(method.getDeclaringClass()) : receiverTypes(method);
        Class<?>[] types = method.getParameterTypes();
        for (Class<?> type : types) {
            if (!values.knows(type)) {
                System.out.println("NO-VALUES " + type.getName() + " in " + method);
                return;
            }
        }
        for (Class<?> receiverType : receivers) {
            int[] base = base(method, receiverType, isStatic, types);
            // One parameter at a time over all its values, the others at the base.
            for (int p = 0; p < types.length; p++) {
                for (int v = 0; v < values.count(types[p]); v++) {
                    int[] choice = base.clone();
                    choice[p] = v;
                    call(method, receiverType, isStatic, types, choice, false);
                }
            }
            if (types.length == 0) {
                call(method, receiverType, isStatic, types, base, false);
            }
            if (!isStatic) {
                call(method, receiverType, false, types, base, true);
            }
        }
    }

    /** The concrete receivers a method is called on: its class, or every fuzzed class that inherits it. */
    private static List<Class<?>> receiverTypes(Method method) {
        List<Class<?>> types = new ArrayList<>();
        for (Class<?> type : CLASSES) {
            if (method.getDeclaringClass().isAssignableFrom(type) && !Modifier.isAbstract(type.getModifiers())) {
                types.add(type);
            }
        }
        return types;
    }

    /** The first tuple of good values with which the call returns; the all-first tuple when none does. */
    private int[] base(Method method, Class<?> receiverType, boolean isStatic, Class<?>[] types) {
        int[] choice = new int[types.length];
        for (int attempt = 0; attempt < BASE_ATTEMPTS; attempt++) {
            int rest = attempt;
            boolean exhausted = false;
            for (int p = 0; p < types.length; p++) {
                int good = values.goodCount(types[p]);
                choice[p] = rest % good;
                rest /= good;
            }
            exhausted = rest > 0;
            if (exhausted) {
                break;
            }
            if (call(method, receiverType, isStatic, types, choice, false)) {
                return choice.clone();
            }
        }
        return new int[types.length];
    }

    /**
     * One call: makes the receiver and the arguments fresh, calls, judges what it threw, and lets
     * go of whatever it made.
     *
     * @return whether it returned normally
     */
    private boolean call(Method method, Class<?> receiverType, boolean isStatic, Class<?>[] types, int[] choice,
            boolean closedReceiver) {
        if (values.skipped(method, types, choice)) {
            return false;
        }
        calls++;
        List<AutoCloseable> made = new ArrayList<>();
        Object receiver = null;
        Object[] args = new Object[types.length];
        boolean closedInvolved = closedReceiver;
        String label = method.getDeclaringClass().getSimpleName() + "." + method.getName();
        try {
            if (!isStatic) {
                receiver = values.receiver(receiverType, made, closedReceiver);
            }
            for (int p = 0; p < types.length; p++) {
                args[p] = values.value(types[p], choice[p], made);
                closedInvolved |= values.isClosed(types[p], choice[p]);
            }
            label = (closedReceiver ? "closed " : "") + receiverType.getSimpleName() + "." + method.getName()
                    + "(" + describe(args) + ")";
            current = label;
            Object result = method.invoke(receiver, args);
            settle(result, made);
            return true;
        } catch (InvocationTargetException thrown) {
            judge(label, thrown.getCause(), closedInvolved);
            return false;
        } catch (ReflectiveOperationException | RuntimeException setup) {
            System.out.println("VIOLATION " + label + " -> fixture failed: " + setup);
            return false;
        } finally {
            current = "between calls, after " + label;
            for (int i = made.size() - 1; i >= 0; i--) {
                try {
                    made.get(i).close();
                } catch (Exception ignored) {
                    // closing a fixture a call already closed, resized or unlinked
                }
            }
        }
    }

    /** Waits for futures and remembers results to close, so that nothing leaks from one call to the next. */
    private void settle(Object result, List<AutoCloseable> made) throws InvocationTargetException {
        if (result instanceof CompletableFuture<?> future) {
            try {
                settle(future.get(30, TimeUnit.SECONDS), made);
            } catch (ExecutionException failed) {
                throw new InvocationTargetException(failed.getCause());
            } catch (Exception stuck) {
                throw new InvocationTargetException(stuck);
            }
        } else if (result instanceof BaseStream<?, ?> stream) {
            made.add(stream::close);
        } else if (result instanceof AutoCloseable closeable) {
            made.add(closeable);
        }
    }

    private static void judge(String label, Throwable thrown, boolean closedInvolved) {
        if (!documented(thrown, closedInvolved)) {
            System.out.println("VIOLATION " + label + " -> " + thrown.getClass().getName() + ": "
                    + String.valueOf(thrown.getMessage()).replace('\n', ' '));
        }
    }

    /**
     * mman's documented exceptions: its own; a null argument's NPE naming it; a backend's
     * UnsupportedOperationException; the lock's IllegalMonitorStateException and its reentrancy
     * refusal; the iterator's NoSuchElementException; and the JDK's "Already closed" where the
     * call involved closed memory (the ipc structures document it).
     */
    static boolean documented(Throwable thrown, boolean closedInvolved) {
        String message = thrown.getMessage();
        return thrown instanceof MMapException
                || thrown instanceof NullPointerException && message != null && !message.startsWith("Cannot ")
                || thrown instanceof UnsupportedOperationException && message != null
                || thrown instanceof IllegalMonitorStateException
                || thrown instanceof NoSuchElementException
                || thrown instanceof IllegalStateException && message != null
                        && (closedInvolved && message.equals("Already closed") || message.contains("not reentrant"));
    }

    private static String describe(Object[] args) {
        StringBuilder out = new StringBuilder();
        for (Object arg : args) {
            if (!out.isEmpty()) {
                out.append(", ");
            }
            String text = arg instanceof byte[] bytes ? "byte[" + bytes.length + "]" : String.valueOf(arg);
            out.append(text.length() > 60 ? text.substring(0, 60) + "..." : text);
        }
        return out.toString();
    }

    /** Reports a call that takes far too long, and ends the JVM so that the test sees which. */
    private void watchForHangs() {
        Thread watchdog = new Thread(() -> {
            String seen = null;
            long since = System.nanoTime();
            while (true) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
                String now = current;
                if (!now.equals(seen)) {
                    seen = now;
                    since = System.nanoTime();
                } else if (System.nanoTime() - since > TimeUnit.SECONDS.toNanos(20)) {
                    System.out.println("VIOLATION " + now + " -> hangs (20 s)");
                    System.out.flush();
                    Runtime.getRuntime().halt(3);
                }
            }
        }, "fuzz-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }
}
