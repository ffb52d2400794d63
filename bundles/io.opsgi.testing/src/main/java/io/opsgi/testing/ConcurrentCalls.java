package io.opsgi.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The thread-safety harness of the kernel tests: the same body on several threads at once, each
 * with its own seeded {@link Random}, all released together so that their calls overlap. A kernel
 * that keeps per-call state in its instance (a shared scratch buffer) gets its outputs mixed up,
 * and the body's own check against the reference fails; that failure is rethrown as it was.
 */
public final class ConcurrentCalls {
    private ConcurrentCalls() {
    }

    /** One thread's work: typically calls of the kernel under test, each checked against the reference. */
    @FunctionalInterface
    public interface Body {
        void run(Random r) throws Exception;
    }

    /** Runs {@code body} on {@code threads} threads, thread t with {@code new Random(firstSeed + t)}; at most 10 minutes. */
    public static void run(int threads, long firstSeed, Body body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CyclicBarrier start = new CyclicBarrier(threads);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long seed = firstSeed + t;
                runs.add(pool.submit(() -> {
                    start.await();
                    body.run(new Random(seed));
                    return null;
                }));
            }
            for (Future<?> f : runs) {
                try {
                    f.get(10, TimeUnit.MINUTES);
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof Exception ex ? ex : e.getCause() instanceof Error err ? rethrow(err) : e;
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static Exception rethrow(Error e) {
        throw e;
    }
}
