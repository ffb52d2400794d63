package io.opsgi.net;

import io.opsgi.op.IntraOp;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Which steps of a plan run on all intra-op threads and which on the calling thread alone, chosen per step by
 * measuring both on the step's real geometry while the plan warms up (cuDNN's benchmark mode, FFTW's planner):
 * the flop rule ({@code Parallel.sized}: convs below {@code opsgi.inlineFlops} on the calling thread, the other
 * kernels split by their own grain) cannot see the hand-off's real cost, which made MobileNetV2 and SqueezeNet
 * slower on two threads than on one.
 *
 * <p>The plan runs under the flop rule until it has run for {@link Tuning#warmNanos} and {@link Tuning#warmRuns}
 * (the JIT compiles the kernels meanwhile); then each step runs alternately on one thread
 * ({@link IntraOp.Split#ONE}) and on all ({@link IntraOp.Split#ALL}), neighbouring steps in opposite modes, until each
 * mode has {@link Tuning#samples} times; the step then runs on all threads only if the median there is
 * {@link Tuning#margin} below the median on one (a tie stays on one thread: it costs a core for nothing). Each step
 * decides alone and the choice is kept. A change of the thread count measures again from the warm-up; a step whose
 * kernel was prepared again (a swap) measures again.
 *
 * <p>The JIT's compiler threads share the cores: while C2 compiles, the second thread's half of a step waits for a
 * core, so a step measured then looks slower on all threads than it is (SqueezeNet at two threads: 7.6 ms in the
 * benchmark forks that chose while C2 still compiled, 5.5 ms in the one that chose after). So the warm-up also waits
 * for a window in which the JIT compiled for at most {@link Tuning#jitShare} of the window's time (but not beyond
 * {@link #PATIENCE} times the warm-up), and a measurement during which the JIT compiled more than that is discarded
 * and taken again, at most {@link #ROUNDS} times (the JVM's {@link CompilationMXBean}; without its time, never). With {@link ExecutionPlan.ThreadChoice#FLOPS}, or one thread
 * configured, nothing is measured and every step runs as the flop rule says.
 *
 * <p>A step's output does not depend on the choice: the fast kernels split their work over output elements (rows,
 * planes, GEMM blocks with the whole reduction in each), so every output value is summed in the same order on one
 * thread and on several ({@code StepThreadsTest} checks the bits on every example).
 *
 * <p>Thread-safe: concurrent runs record their samples under the step's lock; a decided step is read through one
 * volatile field.
 */
final class StepThreads {
    /** How a step runs in one run. */
    enum Mode {
        /** The flop rule: as the kernels split it themselves. */
        FLOP_RULE,
        /** On the calling thread alone. */
        ONE,
        /** On all intra-op threads, whatever its size. */
        ALL
    }

    /**
     * When and how long to measure: the warm-up lasts {@code warmNanos} of runs, {@code warmRuns} runs, and until the
     * fastest run of a window of {@code window} runs has twice in a row not improved on the earlier windows' by 5% (the
     * JIT is done; 0: no such check); then {@code samples} timings per mode. {@link #DEFAULT} for plans, shorter in tests.
     */
    record Tuning(long warmNanos, int warmRuns, int window, int samples, double margin, double jitShare) {
        /** Done within benchmarks' 5 s of warm-up on the three ONNX models on an idle machine. */
        static final Tuning DEFAULT = new Tuning(1_000_000_000L, 10, 8, 15, 0.05, 0.1);

        /** Without regard to the JIT (tests). */
        Tuning(long warmNanos, int warmRuns, int window, int samples, double margin) {
            this(warmNanos, warmRuns, window, samples, margin, Double.POSITIVE_INFINITY);
        }
    }

    /** The warm-up stops waiting for a quiet JIT after this many times its length (a container compiling other code). */
    static final int PATIENCE = 10;
    /** Measurements taken at most, the last one kept however busy the JIT was. */
    static final int ROUNDS = 3;

    /** Nanoseconds the JIT has compiled so far (summed over its threads), or a constant when the JVM does not say. */
    static final LongSupplier JIT_NANOS = jitNanos();

    private static LongSupplier jitNanos() {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
            return () -> 0L;
        }
        return () -> jit.getTotalCompilationTime() * 1_000_000L;
    }

    private final ExecutionPlan.ThreadChoice rule;
    private final Tuning tuning;
    private final LongSupplier jit;
    private final Choice[] steps;
    private final AtomicLong runs = new AtomicLong();
    /**
     * The warm-up so far: time, runs, the current window's and the earlier windows' fastest run, windows without gain;
     * the current window's time and the JIT's time at its start.
     */
    private long warmedNanos, warmedRuns, windowMin = Long.MAX_VALUE, bestMin = Long.MAX_VALUE, windowNanos, windowJit;
    private int inWindow, flatWindows;
    /** The current measurement: its round (from 1), the runs' time so far and the JIT's time at its start. */
    private int round;
    private long measuredNanos, measureJit;
    private volatile boolean warm;
    /** The run after which the last step chose (-1: not all have). */
    private volatile long allChosenAt = -1;
    /** The configured thread count the choices belong to. */
    private volatile int forThreads;

    StepThreads(ExecutionPlan.ThreadChoice rule, Tuning tuning, int steps) {
        this(rule, tuning, steps, JIT_NANOS);
    }

    /** {@code jit}: the JIT's compile time so far, in nanoseconds. */
    StepThreads(ExecutionPlan.ThreadChoice rule, Tuning tuning, int steps, LongSupplier jit) {
        this.rule = rule;
        this.tuning = tuning;
        this.jit = jit;
        this.steps = new Choice[steps];
        for (int i = 0; i < steps; i++) {
            this.steps[i] = new Choice();
        }
        this.forThreads = IntraOp.threads();
        this.windowJit = jit.getAsLong();
    }

    /** Starts a run: its index (the parity of the measuring modes). A changed thread count starts the measurement over. */
    long begin() {
        int t = IntraOp.threads();
        if (t != forThreads) {
            synchronized (this) {
                if (t != forThreads) {
                    for (Choice c : steps) {
                        c.reset(null);
                    }
                    restartWarmUp();
                    runs.set(0);
                    allChosenAt = -1;
                    forThreads = t;
                }
            }
        }
        return runs.getAndIncrement();
    }

    /** How step {@code step} runs in run {@code run}. */
    Mode mode(int step, long run) {
        if (!measuring()) {
            return Mode.FLOP_RULE;
        }
        Mode chosen = steps[step].chosen;
        if (chosen != null) {
            return chosen;
        }
        if (!warm) {
            return Mode.FLOP_RULE;
        }
        return ((run + step) & 1) == 0 ? Mode.ONE : Mode.ALL;
    }

    /** Records that step {@code step} of run {@code run} ran in {@code mode} for {@code nanos}; {@code key}: the kernel's prepared object (null: none). */
    void record(int step, long run, Mode mode, long nanos, Object key) {
        if (!measuring()) {
            return;
        }
        Choice c = steps[step];
        if (c.key != key) {
            synchronized (this) {
                c.reset(key); // prepared again (another kernel): measure again
                allChosenAt = -1;
                startMeasurement(1);
            }
            return;
        }
        if (mode == Mode.FLOP_RULE || c.chosen != null) {
            return;
        }
        c.add(mode, nanos, tuning);
        if (c.chosen != null && Arrays.stream(steps).allMatch(s -> s.chosen != null)) {
            synchronized (this) {
                if (allChosenAt >= 0 || Arrays.stream(steps).anyMatch(s -> s.chosen == null)) {
                    return; // another run's step decided last, or a measurement started again meanwhile
                }
                if (round < ROUNDS && jitBusy(jit.getAsLong() - measureJit, measuredNanos)) {
                    for (Choice s : steps) {
                        s.reset(s.key);
                    }
                    startMeasurement(round + 1);
                    return;
                }
                allChosenAt = run;
            }
        }
    }

    /** Whether the JIT compiled for more than its share of {@code nanos} of runs. */
    private boolean jitBusy(long compiledNanos, long nanos) {
        return compiledNanos > tuning.jitShare() * nanos;
    }

    private synchronized void startMeasurement(int r) {
        round = r;
        measuredNanos = 0;
        measureJit = jit.getAsLong();
    }

    /** Where the measurement stands, for the line under the step table. */
    String progress() {
        if (!measuring()) {
            return "";
        }
        long at = allChosenAt;
        if (at < 0) {
            return runs.get() == 0 ? "" : "; still measuring after " + runs.get() + " runs";
        }
        int r = round;
        return "; every step chosen after run " + (at + 1) + (r > 1 ? " (measurement " + r + ": the JIT compiled during the one before)" : "");
    }

    /** Ends a run of {@code nanos}: counted towards the warm-up. */
    void end(long nanos) {
        if (!measuring() || allChosenAt >= 0) {
            return;
        }
        synchronized (this) {
            if (warm) {
                measuredNanos += nanos;
                return;
            }
            warmedNanos += nanos;
            warmedRuns++;
            boolean flat = tuning.window() == 0;
            if (!flat) {
                windowMin = Math.min(windowMin, nanos);
                windowNanos += nanos;
                if (++inWindow == tuning.window()) {
                    long now = jit.getAsLong();
                    boolean quiet = !jitBusy(now - windowJit, windowNanos);
                    flatWindows = quiet && bestMin != Long.MAX_VALUE && windowMin >= 0.95 * bestMin ? flatWindows + 1 : 0;
                    bestMin = Math.min(bestMin, windowMin);
                    windowMin = Long.MAX_VALUE;
                    windowNanos = 0;
                    windowJit = now;
                    inWindow = 0;
                }
                flat = flatWindows >= 2 || tuning.warmNanos() > 0 && warmedNanos >= PATIENCE * tuning.warmNanos();
            }
            warm = flat && warmedRuns >= tuning.warmRuns() && warmedNanos >= tuning.warmNanos();
            if (warm) {
                startMeasurement(1);
            }
        }
    }

    private synchronized void restartWarmUp() {
        warmedNanos = 0;
        warmedRuns = 0;
        windowMin = Long.MAX_VALUE;
        bestMin = Long.MAX_VALUE;
        inWindow = 0;
        flatWindows = 0;
        windowNanos = 0;
        windowJit = jit.getAsLong();
        round = 0;
        warm = false;
    }

    private boolean measuring() {
        return rule == ExecutionPlan.ThreadChoice.MEASURED && forThreads > 1;
    }

    /** What the summary says about the threads of step {@code step}, before or after the choice. */
    String describe(int step) {
        if (rule == ExecutionPlan.ThreadChoice.FLOPS) {
            return "flop rule";
        }
        if (forThreads <= 1) {
            return "1 (1 configured)";
        }
        Choice c = steps[step];
        Mode chosen = c.chosen;
        if (chosen == null) {
            return runs.get() == 0 ? "measured at warm-up" : "measuring";
        }
        return String.format(Locale.ROOT, "%s (%.3f / %.3f ms)", chosen == Mode.ALL ? String.valueOf(forThreads) : "1", c.oneMs, c.allMs);
    }

    /** The choice of step {@code step}, or null while it is measured (or never, under the flop rule). */
    Mode chosen(int step) {
        return steps[step].chosen;
    }

    /** Decides from the medians: all threads only when clearly faster. */
    static Mode decide(long[] one, long[] all, double margin) {
        return median(all) < (1 - margin) * median(one) ? Mode.ALL : Mode.ONE;
    }

    static long median(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** One step's measurement and choice. */
    private static final class Choice {
        volatile Mode chosen;
        volatile Object key;
        volatile double oneMs, allMs;
        private long[] one = new long[0], all = new long[0];

        synchronized void reset(Object newKey) {
            key = newKey;
            chosen = null;
            one = new long[0];
            all = new long[0];
        }

        synchronized void add(Mode mode, long nanos, Tuning t) {
            if (chosen != null) {
                return;
            }
            if (mode == Mode.ONE && one.length < t.samples()) {
                one = Arrays.copyOf(one, one.length + 1);
                one[one.length - 1] = nanos;
            } else if (mode == Mode.ALL && all.length < t.samples()) {
                all = Arrays.copyOf(all, all.length + 1);
                all[all.length - 1] = nanos;
            }
            if (one.length >= t.samples() && all.length >= t.samples()) {
                oneMs = median(one) / 1e6;
                allMs = median(all) / 1e6;
                chosen = decide(one, all, t.margin());
            }
        }
    }
}
