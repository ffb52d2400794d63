package io.opsgi.conformance.gate;

import io.opsgi.conformance.Differential;
import io.opsgi.conformance.VectorCase;
import io.opsgi.conformance.VectorFormatException;
import io.opsgi.op.GeometryClass;
import io.opsgi.op.Kernel;
import io.opsgi.runtime.chain.KernelChain;
import io.opsgi.op.Operator;
import io.opsgi.op.Operators;
import io.opsgi.runtime.VerificationReport.Timing;
import io.opsgi.tensor.Tensor;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Large inputs and speed, one op at a time: on each representative {@link Workload} the kernel's
 * answer is compared with the reference's (a call that overruns its bound is named and ends the
 * trial: the kernel hangs on large inputs), then the kernel and the kernels now serving the op are
 * timed in the same run: each warmed up on many one-plane calls of the workload's geometry
 * ({@link Workloads#plane}) and then on the workload until its best time stops improving, then up to
 * {@link #MAX_ROUNDS} rounds, interleaved call by call so that load on the machine falls on all of
 * them alike, within {@link #ROUND_BUDGET_NANOS} per workload (at least one). The best round is
 * kept ({@code Timing.medianNanos} holds it), per geometry class.
 *
 * <p>Why the best and not the median: load on the machine only ever adds time, and it adds most to
 * the kernels that hand work to a second thread: a parallel kernel's call waits for its helper to be
 * scheduled, which at load average 16 on 2 cores took 10-170 ms per call where the call itself takes
 * 0.1-0.4 ms (vector batch norm: median 1.7 ms against direct's 1.0 ms with two threads, 0.09 against
 * 0.10 ms with one). The selection this feeds lasts beyond the load, so it is made on what each kernel
 * costs when it gets the cores, which is what JMH measures on a quiet machine.
 */
final class SpeedTrial {
    static final int MAX_ROUNDS = 100;
    /** The timing of one kernel, all its ops together, stops after this (a workload under way finishes its rounds). */
    static final long BUDGET_NANOS = 10_000_000_000L;
    /** The time a class's first workload gets when the kernel's budget is spent (warm-ups and rounds). */
    static final long FIRST_WORKLOAD_NANOS = 2_500_000_000L;
    /** Rounds for a kernel timed alone. */
    static final int ALONE_ROUNDS = 2;
    /** Timed rounds stop after this much time per workload (at least one round): bounds admission next to a slow reference. */
    static final long ROUND_BUDGET_NANOS = 700_000_000L;
    /** Each kernel is warmed up per workload for at least this long and {@link #WARMUP_CALLS} calls, at most {@link #WARMUP_CAP_NANOS}. */
    static final long WARMUP_NANOS = 200_000_000L;
    static final int WARMUP_CALLS = 3;
    static final long WARMUP_CAP_NANOS = 2_000_000_000L;
    /** The workload warm-up ends once this many calls in a row brought no new best time (by 10%). */
    static final int STEADY_CALLS = 3;
    /**
     * One-plane calls of the workload's geometry before its first timed call: at least this many and
     * {@link #PLANE_WARMUP_NANOS}, then until {@link #PLANE_STEADY_BATCHES} batches of
     * {@link #PLANE_BATCH} brought no new best; at most {@link #PLANE_WARMUP_CAP_NANOS}. C2 compiles a
     * method after about 600 to 5,000 invocations, and the Vector API code runs 10-100x slower until it
     * has (vector avg pool on 64x112x112 from a fresh JVM at load 17: 0.3-1.2 s per call for the first
     * calls, 3-10 ms for the next ~200 in C1's code, then 0.3 ms).
     */
    static final int PLANE_WARMUP_CALLS = 2_000;
    static final long PLANE_WARMUP_NANOS = 300_000_000L;
    static final long PLANE_WARMUP_CAP_NANOS = 1_500_000_000L;
    static final int PLANE_BATCH = 100;
    static final int PLANE_STEADY_BATCHES = 3;
    /**
     * Before its first large call a kernel runs the op's small vector cases, at most this long and
     * {@link #SMALL_WARMUP_CALLS} calls: the JIT then compiles it by its usual counters. Without them
     * the first large calls run interpreted or in on-stack-replacement code (vector max pool on
     * 64x112x112: 7.7 s and 1.8 s for the first two calls, then 0.5 ms), longer than the large warm-up
     * may take, so the trial timed the interpreter (1866 ms against the direct kernel's 212 ms).
     */
    static final long SMALL_WARMUP_NANOS = 300_000_000L;
    static final int SMALL_WARMUP_CALLS = 5_000;
    /** A call's bound: this many times the reference's time on the same input, and at least {@link #MIN_CALL_MILLIS}. */
    static final int CALL_FACTOR = 100;
    static final long MIN_CALL_MILLIS = 3_000;
    /** The bound of a call with no reference to time against (the reference verifying itself). */
    static final long SELF_JUDGED_MILLIS = 30_000;

    /** @param hung whether a call overran its bound (its thread is abandoned; nothing more should run on the kernel) */
    record Outcome(List<String> checked, List<String> failures, List<Timing> timings, boolean hung) {
    }

    private final Operator operator;
    private final String variant;
    private final Kernel kernel;
    private final Kernel reference;
    private final Map<String, Kernel> rivals;
    /** The op's valid vector cases, small calls for {@link #warmUpSmall}. */
    private final List<VectorCase> smallCases;
    /** Kernels warmed up on the small cases in this trial. */
    private final java.util.Set<Kernel> warmedSmall = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    private final List<String> checked = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();
    private final List<Timing> timings = new ArrayList<>();
    private boolean hung;
    /** Geometry classes that have a standard workload. */
    private final java.util.Set<String> standardClasses = new java.util.HashSet<>();
    /** Workloads checked and not timed yet. */
    private final List<Checked> toTime = new ArrayList<>();

    private record Checked(Workload w, String geometryClass, boolean timeKernel) {
    }

    /**
     * @param reference the op's reference kernel, null when {@code kernel} is the reference (then its
     *                  large-input answers are only required to come back in time)
     * @param rivals    the kernels now serving the op, by variant, timed beside {@code kernel}
     */
    private SpeedTrial(String op, String variant, Kernel kernel, Kernel reference, Map<String, Kernel> rivals, List<VectorCase> cases) {
        this.operator = Operators.get(op);
        this.smallCases = Workloads.scalable(cases);
        this.variant = variant;
        this.kernel = kernel;
        this.reference = reference;
        this.rivals = rivals;
    }

    /** Checks {@code op}'s large inputs, then times the kernel on them: {@link #check} and {@link #time} in one. */
    static Outcome run(String op, String variant, Kernel kernel, Kernel reference, Map<String, Kernel> rivals, List<VectorCase> cases,
            long seed) throws InterruptedException {
        SpeedTrial trial = check(op, variant, kernel, reference, rivals, cases, seed);
        return trial.hung || !trial.failures.isEmpty() ? trial.outcome() : trial.time(System.nanoTime() + BUDGET_NANOS);
    }

    /**
     * The large-input half: every workload of {@code op} checked against the reference. A kernel
     * serving several ops is checked on all of them before any is timed, so the JIT has had that
     * long to compile it (timing the first op right after its first large call measures the interpreter).
     */
    static SpeedTrial check(String op, String variant, Kernel kernel, Kernel reference, Map<String, Kernel> rivals, List<VectorCase> cases,
            long seed) throws InterruptedException {
        SpeedTrial trial = new SpeedTrial(op, variant, kernel, reference, rivals, cases);
        List<Workload> standard = Workloads.standard(op, seed);
        for (Workload w : standard) {
            trial.workload(w, true);
            if (trial.hung) {
                return trial;
            }
        }
        if (Workloads.needsScaledCase(op, standard)) {
            // The first scaled case the reference accepts (repeating the batch can break a case's shape rules).
            for (VectorCase c : Workloads.scalable(cases)) {
                Workload w;
                try {
                    w = Workloads.scaled(c, seed);
                } catch (VectorFormatException e) {
                    continue;
                }
                if (w != null && trial.workload(w, false)) {
                    break;
                }
            }
        }
        return trial;
    }

    Outcome outcome() {
        return new Outcome(checked, failures, timings, hung);
    }

    /**
     * The timing half: the kernel and its rivals on every workload that was checked, until {@code
     * deadline} (nanoTime); past it, only the first workload of each geometry class not timed yet, with
     * {@link #FIRST_WORKLOAD_NANOS} of its own, so that every op and class of a kernel serving many ops
     * is timed (an untimed kernel would follow the timed ones in its class).
     */
    Outcome time(long deadline) {
        java.util.Set<String> timedClasses = new java.util.HashSet<>();
        for (Checked c : toTime) {
            long now = System.nanoTime();
            boolean first = timedClasses.add(c.geometryClass());
            if (now > deadline && !first) {
                continue; // the kernel's timing budget is spent and this class has its time
            }
            time(c.w(), c.geometryClass(), c.timeKernel(), first ? Math.max(deadline, now + FIRST_WORKLOAD_NANOS) : deadline);
        }
        toTime.clear();
        return outcome();
    }

    /**
     * Checks one workload and queues it for timing; false if it does not apply (the reference refuses
     * it). A scaled vector case is timed only in a geometry class without a standard workload: the
     * standard ones are the layers networks run (workloads.json, what JMH times), while a vector case
     * repeated to 2^21 elements can be a shape no network has (avg pool on 2,732x3x16x16 planes, where
     * per-row work outweighs the vector loop), and selection compares a class's slowest workload.
     */
    private boolean workload(Workload w, boolean standard) throws InterruptedException {
        AtomicReference<Object> geometry = new AtomicReference<>();
        Kernel judge = reference != null ? reference : kernel;
        Map<String, Object> expected;
        long referenceNanos;
        try {
            long t0 = System.nanoTime();
            // The reference is trusted; a kernel judged by itself (it is the reference) is still bounded.
            expected = reference != null ? call(recording(judge, geometry), w)
                    : GuardedCall.run(() -> call(recording(judge, geometry), w), SELF_JUDGED_MILLIS, variant);
            referenceNanos = System.nanoTime() - t0;
        } catch (KernelChain.UnsupportedGeometryException e) {
            return false;
        } catch (GuardedCall.Overrun e) {
            failures.add("timeout: no answer within " + SELF_JUDGED_MILLIS + " ms on large input " + w.describe() + "; thread " + e.thread
                    + " abandoned");
            hung = true;
            return true;
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception | StackOverflowError e) {
            if (reference != null) {
                return false; // the reference refuses this configuration at this size
            }
            failures.add("large input " + w.describe() + ": threw " + e);
            return true;
        }
        String geometryClass = GeometryClass.of(geometry.get());
        long bound = Math.max(MIN_CALL_MILLIS, CALL_FACTOR * referenceNanos / 1_000_000);
        boolean timeKernel = true;
        if (reference != null) {
            try {
                Map<String, Object> actual = GuardedCall.run(() -> call(kernel, w), bound, variant);
                List<String> problems = Differential.compare(w.asCase(), w.inputs(), expected, actual, "the reference kernel");
                if (!problems.isEmpty()) {
                    failures.add("large input " + w.describe() + ": differs from the reference kernel: " + String.join("; ", problems));
                    timeKernel = false;
                }
            } catch (KernelChain.UnsupportedGeometryException e) {
                timeKernel = false;
            } catch (GuardedCall.Overrun e) {
                failures.add("timeout: no answer within " + bound + " ms on large input " + w.describe() + " (" + w.inputElements()
                        + " input elements; the reference took " + millis(referenceNanos) + "); thread " + e.thread + " abandoned");
                hung = true;
                return true;
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception | StackOverflowError e) {
                failures.add("large input " + w.describe() + ": threw " + e);
                timeKernel = false;
            }
        }
        checked.add(w.name() + " (" + geometryClass + ")");
        if (standard) {
            standardClasses.add(geometryClass);
        }
        if (standard || !standardClasses.contains(geometryClass)) {
            toTime.add(new Checked(w, geometryClass, timeKernel));
        }
        return true;
    }

    /** Times the kernel (if it answered right) and every rival that takes the workload, interleaved. */
    private void time(Workload w, String geometryClass, boolean timeKernel, long deadline) {
        Map<String, Replay> runners = new LinkedHashMap<>();
        if (timeKernel) {
            runners.put(variant, Replay.of(operator, kernel, w));
        }
        rivals.forEach((v, k) -> {
            if (!v.equals(variant) && k != kernel) {
                try {
                    runners.put(v, Replay.of(operator, k, w)); // also tells whether it takes this geometry at all
                } catch (RuntimeException e) {
                    // a rival that declines (or fails) this workload is not timed on it
                }
            }
        });
        // Alone (no kernel serves the op yet, e.g. a reference at startup) there is nothing to compare:
        // a few cold runs give the time a deadline can start from, and the next kernel's trial re-times it warm.
        boolean alone = runners.size() <= 1;
        if (!alone) {
            Workload plane = Workloads.plane(w);
            runners.values().forEach(r -> {
                Replay onePlane = null;
                try {
                    onePlane = plane == null ? null : Replay.of(operator, r.kernel(), plane);
                } catch (RuntimeException e) {
                    // the op's rules do not allow the cut (the kernel or its contract declines it): the vector cases instead
                }
                if (onePlane != null) {
                    warmUpPlane(onePlane, deadline);
                } else {
                    warmUpSmall(r.kernel(), deadline);
                }
                warmUp(r, deadline);
            });
        }
        int maxRounds = alone ? ALONE_ROUNDS : MAX_ROUNDS;
        Map<String, long[]> times = new LinkedHashMap<>();
        runners.keySet().forEach(v -> times.put(v, new long[maxRounds]));
        long start = System.nanoTime();
        int rounds = 0;
        while (rounds < maxRounds && (rounds == 0 || System.nanoTime() - start < ROUND_BUDGET_NANOS)
                && !Thread.currentThread().isInterrupted()) {
            for (Map.Entry<String, Replay> r : runners.entrySet()) {
                times.get(r.getKey())[rounds] = r.getValue().timed();
            }
            rounds++;
        }
        int n = rounds;
        times.forEach((v, t) -> timings.add(new Timing(operator.name(), geometryClass, w.name(), v, best(Arrays.copyOf(t, n)), n,
                runners.get(v).work())));
    }

    /**
     * The kernel calls one run of a workload makes, recorded once (through the op's contract, which
     * validates and allocates) and replayed on the same arguments: what is timed is the kernel, as
     * JMH times it, not the contract's allocation of a fresh multi-MB output per call (page faults and
     * zeroing that cost every kernel alike, 2-4 ms on 2^21 elements, and hid a 10x difference between
     * kernels under that noise).
     */
    private record Replay(Kernel kernel, List<Method> methods, List<Object[]> args) {
        static Replay of(Operator operator, Kernel k, Workload w) {
            List<Method> methods = new ArrayList<>();
            List<Object[]> args = new ArrayList<>();
            Class<?> family = operator.kernelType();
            Kernel recording = (Kernel) Proxy.newProxyInstance(family.getClassLoader(), new Class<?>[] {family}, (proxy, method, a) -> {
                if (method.getDeclaringClass() != Object.class && !method.getName().equals("supports")) {
                    methods.add(method);
                    args.add(a);
                }
                try {
                    return method.invoke(k, a);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            });
            operator.run(KernelChain.only(kernelType(operator), recording), w.attrs(), w.inputs());
            return new Replay(k, List.copyOf(methods), List.copyOf(args));
        }

        @SuppressWarnings("unchecked")
        private static Class<Kernel> kernelType(Operator operator) {
            return (Class<Kernel>) operator.kernelType();
        }

        /** The kernel work of one replay ({@link KernelChain#work}), which live calls' deadlines scale by. */
        long work() {
            return args.stream().mapToLong(KernelChain::work).sum();
        }

        /** One replay of the recorded calls, in nanoseconds. */
        long timed() {
            long t0 = System.nanoTime();
            try {
                for (int i = 0; i < methods.size(); i++) {
                    methods.get(i).invoke(kernel, args.get(i));
                }
            } catch (InvocationTargetException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
            return System.nanoTime() - t0;
        }
    }

    /** Runs the op's small vector cases on {@code k} (once per trial), so the JIT compiles it before its first large call is timed. */
    private void warmUpSmall(Kernel k, long deadline) {
        if (!warmedSmall.add(k)) {
            return;
        }
        List<Replay> small = new ArrayList<>();
        for (VectorCase c : smallCases) {
            try {
                small.add(Replay.of(operator, k, new Workload(c.name(), c.op(), c.attrs(), c.readInputs())));
            } catch (Exception e) {
                // a case the kernel declines, or whose files cannot be read: not a warm-up call
            }
        }
        long start = System.nanoTime();
        try {
            for (int i = 0; !small.isEmpty() && i < SMALL_WARMUP_CALLS && System.nanoTime() - start < SMALL_WARMUP_NANOS
                    && System.nanoTime() < deadline && !Thread.currentThread().isInterrupted(); i++) {
                small.get(i % small.size()).timed();
            }
        } catch (RuntimeException e) {
            // it answered these cases in the values check; a warm-up call that fails only ends the warm-up
        }
    }

    /**
     * Replays the one-plane twin of a workload ({@link Workloads#plane}) in batches of
     * {@link #PLANE_BATCH}: at least {@link #PLANE_WARMUP_CALLS} calls and {@link #PLANE_WARMUP_NANOS},
     * then until {@link #PLANE_STEADY_BATCHES} batches in a row brought no new best (by 10%) and no
     * compilation finished during them; at most {@link #PLANE_WARMUP_CAP_NANOS}.
     */
    private static void warmUpPlane(Replay r, long deadline) {
        try {
            warmUp(r, PLANE_BATCH, PLANE_WARMUP_CALLS, PLANE_WARMUP_NANOS, PLANE_WARMUP_CAP_NANOS, PLANE_STEADY_BATCHES, deadline);
        } catch (RuntimeException e) {
            // it answered the workload; a warm-up call that fails only ends the warm-up
        }
    }

    /**
     * Replays {@code r} until the JIT has compiled it: at least {@link #WARMUP_CALLS} calls and
     * {@link #WARMUP_NANOS}, then until {@link #STEADY_CALLS} calls in a row brought no new best time
     * (by 10%) and no compilation finished during the last one; at most {@link #WARMUP_CAP_NANOS}.
     * Vector API code runs 10-100x slower until C2 has compiled it, and on a loaded machine the
     * compiler threads take seconds to get to it (vector relu on 2^21 elements: 100-250 ms per call
     * for the first ~12 calls at load 12 on 2 cores, then 2 ms), so steady times alone can be the
     * interpreter's; and a parallel kernel's times under load swing by 100x call to call, so two calls
     * that agree are no sign of anything.
     */
    private static void warmUp(Replay r, long deadline) {
        warmUp(r, 1, WARMUP_CALLS, WARMUP_NANOS, WARMUP_CAP_NANOS, STEADY_CALLS, deadline);
    }

    /**
     * Replays {@code r} in steps of {@code batch} calls: at least {@code minCalls} calls and {@code
     * minNanos}, then until {@code steadySteps} steps in a row brought no new best (by 10%) with no
     * compilation finished during them; at most {@code capNanos} or until {@code deadline}.
     */
    private static void warmUp(Replay r, int batch, int minCalls, long minNanos, long capNanos, int steadySteps, long deadline) {
        long start = System.nanoTime(), best = Long.MAX_VALUE;
        int sinceBest = 0;
        for (int calls = 0; !Thread.currentThread().isInterrupted(); ) {
            long compiledBefore = compilationMillis(), t0 = System.nanoTime();
            for (int i = 0; i < batch; i++) {
                r.timed();
            }
            calls += batch;
            long t = System.nanoTime() - t0, spent = System.nanoTime() - start;
            if (t < best - best / 10) {
                best = t;
                sinceBest = 0;
            } else if (compilationMillis() == compiledBefore) {
                sinceBest++;
            } else {
                sinceBest = 0;
            }
            if (spent >= capNanos || System.nanoTime() > deadline || sinceBest >= steadySteps && calls >= minCalls && spent >= minNanos) {
                return;
            }
        }
    }

    /** Total time the JIT compilers have worked so far; -1 if the JVM does not say. */
    private static long compilationMillis() {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : -1;
    }

    private Map<String, Object> call(Kernel k, Workload w) {
        return operator.run(only(k), w.attrs(), w.inputs());
    }

    @SuppressWarnings("unchecked")
    private Kernel only(Kernel k) {
        return KernelChain.only((Class<Kernel>) operator.kernelType(), k);
    }

    /** {@code k} behind a proxy of its family that remembers the first argument of the call (the geometry). */
    private Kernel recording(Kernel k, AtomicReference<Object> geometry) {
        Class<?> family = operator.kernelType();
        return (Kernel) Proxy.newProxyInstance(family.getClassLoader(), new Class<?>[] {family}, (proxy, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return method.invoke(k, args);
            }
            if (args != null && args.length > 0 && !method.getName().equals("supports")) {
                geometry.compareAndSet(null, args[0]);
            }
            try {
                return method.invoke(k, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }

    private static long best(long[] t) {
        return Arrays.stream(t).min().orElse(0);
    }

    private static String millis(long nanos) {
        return io.opsgi.runtime.VerificationReport.millis(nanos);
    }

}
