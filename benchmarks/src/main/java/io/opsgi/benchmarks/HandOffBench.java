package io.opsgi.benchmarks;

import io.opsgi.kernel.support.Parallel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What handing a memory-bound loop to a second thread costs, A against B in one run: a relu-like pass
 * (one float array into another, in 32K-float chunks) on the calling thread alone, on
 * {@link Parallel}'s hot helpers, and on the cached executor with a {@code Future} per helper that
 * {@code Parallel} used before (kept here only as the comparison). Run at 2 threads:
 * {@code java -cp ... org.openjdk.jmh.Main HandOffBench -p threads=2}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class HandOffBench {
    private static final int CHUNK = 1 << 15;

    /** 12,544: a 64x14x14 tensor, one chunk; 802,816: the 64x112x112 workloads. */
    @Param({"12544", "802816"})
    public int floats;

    @Param("2")
    public int threads;

    private float[] x;
    private float[] y;
    private ExecutorService executor;

    @Setup(Level.Trial)
    public void setup() {
        Parallel.setThreads(threads);
        x = new float[floats];
        y = new float[floats];
        for (int i = 0; i < floats; i++) {
            x[i] = (i % 7) - 3;
        }
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "hand-off-bench");
            t.setDaemon(true);
            return t;
        });
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        executor.shutdownNow();
    }

    private int chunks() {
        return (floats + CHUNK - 1) / CHUNK;
    }

    private void chunk(int c) {
        for (int i = c * CHUNK, end = Math.min(floats, (c + 1) * CHUNK); i < end; i++) {
            float v = x[i];
            y[i] = v < 0 ? 0 : v;
        }
    }

    @Benchmark
    public float[] oneThread() {
        for (int c = 0, n = chunks(); c < n; c++) {
            chunk(c);
        }
        return y;
    }

    @Benchmark
    public float[] hotHelpers() {
        Parallel.forEach(chunks(), this::chunk);
        return y;
    }

    @Benchmark
    public float[] executorFutures() throws Exception {
        forEachOnExecutor(chunks(), this::chunk);
        return y;
    }

    /** Parallel.forEach as it was: helpers submitted to a cached pool, joined through their futures. */
    private void forEachOnExecutor(int tasks, IntConsumer task) throws InterruptedException, ExecutionException {
        int workers = Math.min(threads, tasks);
        AtomicInteger next = new AtomicInteger();
        Runnable work = () -> {
            for (int i; (i = next.getAndIncrement()) < tasks; ) {
                task.accept(i);
            }
        };
        List<Future<?>> helpers = new ArrayList<>(workers - 1);
        for (int t = 1; t < workers; t++) {
            helpers.add(executor.submit(work));
        }
        work.run();
        for (Future<?> f : helpers) {
            f.get();
        }
    }
}
