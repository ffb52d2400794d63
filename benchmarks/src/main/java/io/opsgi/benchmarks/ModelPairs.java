package io.opsgi.benchmarks;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * opsgi and ONNX Runtime on one model in ONE JVM, call by call, for {@link ModelBench}: after a warm-up of both, each
 * pair times one call of each engine back to back (the order alternating pair by pair), so that both calls of a pair
 * see the same machine. On a VM whose speed drifts by 1.2-1.7x over seconds, separate forks of two engines can
 * fall on different stretches; the median of the per-pair ratios cannot. ONNX Runtime's intra-op threads do not
 * spin between calls here ({@code session.intra_op.allow_spinning} 0): spinning, they would hold the second core
 * while opsgi's call of the pair runs.
 *
 * <pre>ModelPairs MODELS-DIR MODEL BATCH THREADS WARMUP-SECONDS SECONDS</pre>
 * prints one line: {@code PAIRED opsgi=<median ms> ort=<median ms> ratio=<median of ort/opsgi> low=.. high=.. pairs=n}
 * (low, high: the ratio's distribution-free 95% interval).
 */
public final class ModelPairs {
    private ModelPairs() {
    }

    public static void main(String[] args) throws Exception {
        ModelTrial.ModelFiles f = new ModelTrial.ModelFiles(Path.of(args[0]), args[1], Integer.parseInt(args[2]));
        int threads = Integer.parseInt(args[3]);
        double warmup = Double.parseDouble(args[4]), seconds = Double.parseDouble(args[5]);
        ModelTrial.Opsgi opsgi = ModelTrial.Opsgi.load(f, threads);
        try (ModelTrial.Ort ort = new ModelTrial.Ort(f, threads, false)) {
            long end = System.nanoTime() + (long) (warmup * 1e9);
            while (System.nanoTime() < end) {
                opsgi.run();
                ort.run();
            }
            int capacity = 1 << 16;
            double[] o = new double[capacity], r = new double[capacity], ratio = new double[capacity];
            int n = 0;
            end = System.nanoTime() + (long) (seconds * 1e9);
            while (System.nanoTime() < end && n < capacity) {
                if (n % 2 == 0) {
                    o[n] = millis(opsgi::run);
                    r[n] = millis(ort::run);
                } else {
                    r[n] = millis(ort::run);
                    o[n] = millis(opsgi::run);
                }
                ratio[n] = r[n] / o[n];
                n++;
            }
            double[] m = PairedStats.medianWithInterval(Arrays.copyOf(ratio, n));
            System.out.printf(Locale.ROOT, "PAIRED opsgi=%.4f ort=%.4f ratio=%.4f low=%.4f high=%.4f pairs=%d%n",
                    PairedStats.median(Arrays.copyOf(o, n)), PairedStats.median(Arrays.copyOf(r, n)), m[0], m[1], m[2], n);
        }
    }

    private static double millis(Runnable call) {
        long t0 = System.nanoTime();
        call.run();
        return (System.nanoTime() - t0) / 1e6;
    }
}
