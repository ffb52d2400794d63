package io.opsgi.remote.itest;

import io.opsgi.op.Activation;
import io.opsgi.op.ActivationAttrs;
import io.opsgi.op.Activations;
import io.opsgi.op.ElementwiseKernel;
import io.opsgi.runtime.OperatorRegistry;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** Threads calling relu through the registry while kernels come and go, each answer compared with the expected one. */
final class Callers implements AutoCloseable {
    final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger wrong = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();

    /** {@code expected} is the reference kernel's answer on {@code x}. */
    Callers(OperatorRegistry registry, Tensor x, Tensor expected, int n) {
        for (int t = 0; t < n; t++) {
            Thread th = new Thread(() -> {
                while (running.get()) {
                    try {
                        Tensor y = registry.call("relu", ElementwiseKernel.class, k -> Activations.apply(k, x, ActivationAttrs.of(Activation.RELU)));
                        if (!y.equals(expected)) {
                            wrong.incrementAndGet();
                            problems.add("wrong answer");
                        }
                    } catch (RuntimeException e) {
                        failed.incrementAndGet();
                        problems.add(e.toString());
                    }
                    calls.incrementAndGet();
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "relu-caller-" + t);
            th.setDaemon(true);
            threads.add(th);
            th.start();
        }
    }

    /** A relu input with negatives, zeros of both signs and positives. */
    static Tensor input(int n, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = i % 97 == 0 ? -0f : i % 89 == 0 ? 0f : (float) r.nextGaussian();
        }
        return Tensor.wrap(Shape.of(1, n), v);
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread t : threads) {
            t.join(30_000);
        }
    }

    String summary() {
        return calls + " calls, " + wrong + " wrong, " + failed + " failed" + (problems.isEmpty() ? "" : ": " + problems.stream().limit(5).toList());
    }
}
