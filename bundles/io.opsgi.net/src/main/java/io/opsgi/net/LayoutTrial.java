package io.opsgi.net;

import java.util.Locale;

/**
 * Whether a plan keeps the channel-blocked layout between its steps or runs NCHW between all of them, chosen by
 * measuring both on the plan's own kernels while it warms up, as its threads per step are ({@link StepThreads}).
 * Which is faster depends on the kernels, not on the structure: a depthwise conv reading blocks gains far more than
 * a 1x1 conv that reads them a little slower than its NCHW GEMM loses (MobileNetV2), while a net of 1x1 and 3x3 convs
 * around concats and pools can lose (SqueezeNet 1.1: 8.7 against 7.1 ms at one thread, 2026-12-07); a kernel bundle
 * added later may turn either. Both layouts give the same answer within the conv tolerance (the shipped kernels:
 * the same bits), so the trial changes only the speed.
 *
 * <p>Runs alternate kept and NCHW from the first; after {@link Tuning#warmNanos} and {@link Tuning#warmRuns} (the
 * JIT compiles both paths meanwhile) each run's time is a sample, and once each layout has {@link Tuning#samples}
 * the plan keeps layouts unless NCHW's median is {@link Tuning#margin} below the kept one's. The trial belongs to a
 * set of kernels: when the conv lease's kernels change it starts over.
 */
final class LayoutTrial {
    /** Warm-up time and runs, samples per layout, the margin NCHW must win by. */
    record Tuning(long warmNanos, int warmRuns, int samples, double margin) {
        static final Tuning DEFAULT = new Tuning(500_000_000L, 20, 15, 0.03);
        /** No trial: layouts kept from the first run (plans whose threads a test measures alone). */
        static final Tuning NONE = new Tuning(0, 0, 0, 0);
    }

    private final Tuning tuning;
    private Object key;
    private long runs, warmedNanos, warmedRuns;
    private final long[] kept, nchw;
    private int keptSamples, nchwSamples;
    /** The choice (null: measuring) and the two medians it was made on. */
    private volatile Boolean keep;
    private long keptMedian, nchwMedian;

    LayoutTrial(Tuning tuning) {
        this.tuning = tuning;
        this.kept = new long[tuning.samples()];
        this.nchw = new long[tuning.samples()];
        this.keep = tuning.samples() == 0 ? Boolean.TRUE : null;
    }

    /** Whether the next run keeps layouts, for the conv kernels of {@code key}: alternating while measuring, then the choice. */
    synchronized boolean keepsLayouts(Object key) {
        if (!key.equals(this.key)) {
            this.key = key;
            runs = warmedNanos = warmedRuns = 0;
            keptSamples = nchwSamples = 0;
            keep = tuning.samples() == 0 ? Boolean.TRUE : null;
        }
        Boolean k = keep;
        return k != null ? k : (runs++ & 1) == 0;
    }

    /** Records a run of {@code nanos} with ({@code keptLayouts}) or without kept layouts, for the kernels of {@code key}. */
    synchronized void record(Object key, boolean keptLayouts, long nanos) {
        if (keep != null || !key.equals(this.key)) {
            return;
        }
        if (warmedRuns < tuning.warmRuns() || warmedNanos < tuning.warmNanos()) {
            warmedRuns++;
            warmedNanos += nanos;
            return;
        }
        if (keptLayouts && keptSamples < kept.length) {
            kept[keptSamples++] = nanos;
        } else if (!keptLayouts && nchwSamples < nchw.length) {
            nchw[nchwSamples++] = nanos;
        }
        if (keptSamples == kept.length && nchwSamples == nchw.length) {
            keptMedian = StepThreads.median(kept);
            nchwMedian = StepThreads.median(nchw);
            keep = decide(keptMedian, nchwMedian, tuning.margin());
        }
    }

    /** Keep layouts unless NCHW is faster by more than {@code margin}. */
    static boolean decide(long keptMedian, long nchwMedian, double margin) {
        return nchwMedian >= keptMedian * (1 - margin);
    }

    /** The choice: true to keep layouts, null while measuring. */
    Boolean choice() {
        return keep;
    }

    /** Whether the trial is still measuring (the thread choice waits for it: their alternations would mix). */
    boolean measuring() {
        return keep == null;
    }

    /** For the plan's description. */
    synchronized String describe() {
        if (keep == null) {
            return "kept or NCHW between steps: measured while the plan warms up (alternating until then)";
        }
        if (kept.length == 0) {
            return "kept (not measured)";
        }
        return String.format(Locale.ROOT, "%s (measured at warm-up: kept %.3f ms, NCHW %.3f ms, medians of %d runs each)",
                keep ? "kept" : "NCHW between steps, faster here", keptMedian / 1e6, nchwMedian / 1e6, kept.length);
    }
}
