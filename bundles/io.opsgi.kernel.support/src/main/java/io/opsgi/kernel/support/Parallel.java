package io.opsgi.kernel.support;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Intra-op parallelism shared by every fast kernel: one daemon pool for the whole container and one
 * thread count, {@code opsgi.threads} (system property, or Config Admin PID {@code io.opsgi.threads}
 * via {@link IntraOpThreads}), defaulting to the available processors.
 *
 * <p>{@link #forEach} hands out task indices dynamically (an atomic counter), so uneven tasks
 * balance themselves; the calling thread works too, so one thread means no hand-off at all.
 * A call made from a pool thread runs inline: nested parallel loops never wait on the pool they
 * occupy, so they cannot deadlock.
 */
public final class Parallel {
    public static final String THREADS_PROPERTY = "opsgi.threads";

    private static volatile int threads = initialThreads();
    private static final ThreadLocal<Boolean> ON_POOL = ThreadLocal.withInitial(() -> false);
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(() -> {
            ON_POOL.set(true);
            r.run();
        }, "opsgi-intra-op-" + NAMES.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    private Parallel() {
    }

    /** The intra-op thread count kernels use now. */
    public static int threads() {
        return threads;
    }

    /** Sets the intra-op thread count (at least 1); takes effect for calls that start afterwards. */
    public static void setThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("opsgi.threads must be at least 1, got " + n);
        }
        threads = n;
    }

    /**
     * Work below this many flops runs on the calling thread alone ({@link #inline}): handing tasks to
     * the pool costs tens of microseconds, and the other core is often busy on a shared machine.
     * {@code opsgi.inlineFlops} overrides it.
     */
    public static final long INLINE_FLOPS = Long.getLong("opsgi.inlineFlops", 1L << 22);

    /** Runs {@code body} with every {@link #forEach} inside it on the calling thread (no hand-off). */
    public static void inline(Runnable body) {
        if (ON_POOL.get()) {
            body.run();
            return;
        }
        ON_POOL.set(true);
        try {
            body.run();
        } finally {
            ON_POOL.set(false);
        }
    }

    /** {@code body} inline if {@code flops} is below {@link #INLINE_FLOPS}, else as it is (its loops on all threads). */
    public static void sized(long flops, Runnable body) {
        if (flops < INLINE_FLOPS) {
            inline(body);
        } else {
            body.run();
        }
    }

    /** Runs {@code task.accept(i)} for every i in [0, tasks), on up to {@link #threads()} threads; returns when all are done. */
    public static void forEach(int tasks, IntConsumer task) {
        int workers = Math.min(threads, tasks);
        if (workers <= 1 || ON_POOL.get()) {
            for (int i = 0; i < tasks; i++) {
                task.accept(i);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        Runnable work = () -> {
            for (int i; (i = next.getAndIncrement()) < tasks; ) {
                task.accept(i);
            }
        };
        List<Future<?>> helpers = new ArrayList<>(workers - 1);
        for (int t = 1; t < workers; t++) {
            helpers.add(POOL.submit(work));
        }
        Throwable failure = null;
        try {
            work.run();
        } catch (RuntimeException | Error e) {
            failure = e;
            next.set(tasks); // stop handing out work; helpers finish their current task
        }
        // Every helper is joined before this returns or throws, even when the caller is interrupted: a
        // helper still writing the output after the call ended would corrupt whatever reads it next. The
        // caller reaches this point only once every task is handed out, so waiting here completes the call;
        // the interrupt is kept for the caller to act on.
        boolean interrupted = false;
        for (Future<?> f : helpers) {
            while (true) {
                try {
                    f.get();
                    break;
                } catch (ExecutionException e) {
                    if (failure == null) {
                        failure = e.getCause();
                    }
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure instanceof RuntimeException r) {
            throw r;
        }
        if (failure instanceof Error err) {
            throw err;
        }
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
    }

    /** Splits [0, n) into about {@code threads() * 4} contiguous ranges of at least {@code grain} and runs {@code body} on each. */
    public static void forRange(int n, int grain, RangeBody body) {
        if (n <= 0) {
            return;
        }
        int chunks = Math.max(1, Math.min(threads * 4, n / Math.max(1, grain)));
        int size = (n + chunks - 1) / chunks;
        int count = (n + size - 1) / size;
        forEach(count, c -> body.run(c * size, Math.min(n, (c + 1) * size)));
    }

    /** A piece of a parallel loop over the half-open range [from, to). */
    @FunctionalInterface
    @org.osgi.annotation.versioning.ConsumerType
    public interface RangeBody {
        void run(int from, int to);
    }

    private static int initialThreads() {
        String value = System.getProperty(THREADS_PROPERTY);
        if (value != null && !value.isBlank()) {
            try {
                int n = Integer.parseInt(value.trim());
                if (n >= 1) {
                    return n;
                }
            } catch (NumberFormatException ignored) {
                // fall through to the default, as an absent property would
            }
            System.err.println("opsgi: ignoring " + THREADS_PROPERTY + "=" + value + " (must be an integer >= 1)");
        }
        return Runtime.getRuntime().availableProcessors();
    }
}
