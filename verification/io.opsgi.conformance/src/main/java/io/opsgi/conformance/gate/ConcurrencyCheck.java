package io.opsgi.conformance.gate;

import io.opsgi.conformance.BlockedPath;
import io.opsgi.conformance.Differential;
import io.opsgi.conformance.VectorCase;
import io.opsgi.op.Kernel;
import io.opsgi.runtime.chain.KernelChain;
import io.opsgi.op.Operator;
import io.opsgi.op.Operators;
import io.opsgi.tensor.Tensor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One kernel instance called from {@link #THREADS} threads at once, each on different cases (other
 * configurations, other sizes, other ops of the kernel), every answer compared with the reference's
 * answer computed beforehand on one thread. Kernels must be thread-safe; one that keeps state in a
 * shared buffer is right on one thread and wrong here. The threads start together at a barrier and
 * call until the budget ({@link #BUDGET_MILLIS} unless configured, {@link GateVerifier#CONCURRENCY_MILLIS})
 * has passed (after at least {@link #MIN_ROUNDS} rounds each) or the first wrong answer. A conv kernel with blocked
 * entry points is also called through them ({@link BlockedPath#sharingPrepared}): one prepared conv per case, run
 * from every thread, as a network plan's concurrent runs share it.
 */
final class ConcurrencyCheck {
    /** More threads than the 2 cores of the CI machines, so calls also interleave by preemption. */
    static final int THREADS = 4;
    /** The default budget: how long the threads keep calling once the minimum rounds are made. */
    static final long BUDGET_MILLIS = 1_500;
    static final int MIN_ROUNDS = 3;
    /** Cases in play (the largest valid ones; vector cases are small, so calls are short and many). */
    static final int MAX_CASES = 24;
    /** A thread that does not come back within this long after the budget is hung. */
    static final long JOIN_MILLIS = 10_000;

    /**
     * One call to make: a case's configuration with new values, and the answer it must give; {@code via} the kernel or a
     * path of it; {@code thread} the one thread that makes it, or -1 for all.
     */
    private record Call(VectorCase c, Operator operator, Map<String, Tensor> inputs, Map<String, Object> expected, Kernel via, String how, int thread) {
    }

    /** @param calls how many concurrent calls were made; {@code failure} null if every one was right */
    record Outcome(int calls, String failure) {
    }

    private ConcurrencyCheck() {
    }

    /**
     * @param references per op, the reference kernel; an op without one is judged by the kernel's own
     *                   answer on one thread (its sequential result must not change under concurrency)
     */
    static Outcome run(Map<String, List<VectorCase>> casesByOp, Kernel kernel, Map<String, Kernel> references, long seed)
            throws InterruptedException {
        return run(casesByOp, kernel, references, seed, BUDGET_MILLIS);
    }

    /** @param budgetMillis how long the threads keep calling once each has made {@link #MIN_ROUNDS} rounds (0: those rounds only) */
    static Outcome run(Map<String, List<VectorCase>> casesByOp, Kernel kernel, Map<String, Kernel> references, long seed, long budgetMillis)
            throws InterruptedException {
        List<Call> calls = prepare(casesByOp, kernel, references, seed);
        if (calls.isEmpty()) {
            return new Outcome(0, null);
        }
        List<Call> plain = calls.stream().filter(c -> c.via() == kernel).toList(), shared = calls.stream().filter(c -> c.via() != kernel).toList();
        AtomicReference<String> failure = new AtomicReference<>();
        AtomicInteger made = new AtomicInteger();
        CyclicBarrier start = new CyclicBarrier(THREADS);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(budgetMillis);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int id = t;
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                    for (int round = 0; failure.get() == null && (round < MIN_ROUNDS || System.nanoTime() < deadline); round++) {
                        // Through a shared prepared conv: every thread in the same order, so that they run the same one at once.
                        for (int i = 0; i < shared.size() && failure.get() == null; i++) {
                            if (shared.get(i).thread() == id) {
                                call(shared.get(i), id, made, failure);
                            }
                        }
                        // Each thread walks the cases from its own offset: at any moment the threads run different ones.
                        for (int i = 0; i < plain.size() && failure.get() == null; i++) {
                            call(plain.get((i + id * plain.size() / THREADS) % plain.size()), id, made, failure);
                        }
                    }
                } catch (Exception e) {
                    failure.compareAndSet(null, "concurrency check broke down: " + e);
                }
            }, "opsgi-gate-concurrency-" + (t + 1));
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
        long joinBy = deadline + TimeUnit.MILLISECONDS.toNanos(JOIN_MILLIS);
        for (Thread thread : threads) {
            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(joinBy - System.nanoTime())));
            if (thread.isAlive()) {
                failure.compareAndSet(null, "timeout: a call made under concurrency did not return within " + JOIN_MILLIS
                        + " ms after the check's budget; thread " + thread.getName() + " abandoned");
                threads.forEach(Thread::interrupt);
                break;
            }
        }
        return new Outcome(made.get(), failure.get());
    }

    private static void call(Call call, int id, AtomicInteger made, AtomicReference<String> failure) {
        String problem = check(call);
        made.incrementAndGet();
        if (problem != null) {
            failure.compareAndSet(null, "wrong under concurrency: case " + call.c().name() + " [" + call.c().attrsText() + "]" + call.how() + " on thread "
                    + (id + 1) + " of " + THREADS + " (call " + made.get() + " of this check; right when called alone): " + problem);
        }
    }

    /** The valid cases, largest first, with new values and the answer computed on this one thread. */
    private static List<Call> prepare(Map<String, List<VectorCase>> casesByOp, Kernel kernel, Map<String, Kernel> references, long seed) {
        List<VectorCase> all = new ArrayList<>();
        casesByOp.values().forEach(cases -> cases.stream().filter(c -> !c.isErrorCase()).forEach(all::add));
        all.sort(Comparator.comparingLong((VectorCase c) -> c.inputs().values().stream().mapToLong(p -> p.toFile().length()).sum()).reversed());
        List<Call> calls = new ArrayList<>();
        Kernel blocked = BlockedPath.sharingPrepared(kernel);
        int cases = 0;
        for (VectorCase c : all) {
            if (cases == MAX_CASES) {
                break;
            }
            Operator operator = Operators.get(c.op());
            Map<String, Tensor> inputs;
            Map<String, Object> expected;
            try {
                inputs = Differential.perturbedInputs(c, seed);
                Kernel judge = references.getOrDefault(c.op(), kernel);
                expected = operator.run(only(operator, judge), c.attrs(), inputs);
            } catch (Exception | StackOverflowError e) {
                continue; // refused values, unreadable file: not a case for this check
            }
            if (rightAlone(c, operator, inputs, expected, kernel)) {
                calls.add(new Call(c, operator, inputs, expected, kernel, "", -1));
                cases++;
                if (blocked != null) {
                    calls.addAll(sharedPrepared(c, operator, inputs, references.getOrDefault(c.op(), kernel), blocked, seed));
                }
            }
        }
        return calls;
    }

    /**
     * The calls of one case through a path sharing one prepared conv ({@link BlockedPath#sharingPrepared}): the same weight
     * and bias on every thread (so the same prepared conv), each thread its own input, as a plan's concurrent runs; none
     * if the path does not take the case or gets it wrong alone.
     */
    private static List<Call> sharedPrepared(VectorCase c, Operator operator, Map<String, Tensor> inputs, Kernel judge, Kernel path, long seed) {
        List<Call> calls = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            try {
                Map<String, Tensor> own = new java.util.HashMap<>(inputs);
                own.put("input", Differential.perturbedInputs(c, seed + 1 + t).get("input"));
                Map<String, Tensor> in = Map.copyOf(own);
                Map<String, Object> expected = operator.run(only(operator, judge), c.attrs(), in);
                if (!rightAlone(c, operator, in, expected, path)) {
                    return List.of();
                }
                calls.add(new Call(c, operator, in, expected, path, " through its blocked entry points (one prepared object on every thread, each its own input)", t));
            } catch (Exception | StackOverflowError e) {
                return List.of(); // refused values, unreadable file: not a case for this check
            }
        }
        return calls;
    }

    /** Whether {@code kernel} gives the answer alone; a case it gets wrong alone is the vector replay's to report, not this check's. */
    private static boolean rightAlone(VectorCase c, Operator operator, Map<String, Tensor> inputs, Map<String, Object> expected, Kernel kernel) {
        try {
            Map<String, Object> alone = operator.run(only(operator, kernel), c.attrs(), inputs);
            return Differential.compare(c, inputs, expected, alone, "the reference kernel").isEmpty();
        } catch (Exception | StackOverflowError e) {
            return false; // unsupported geometry, or a failure the replay reports
        }
    }

    /** Null if the kernel's answer is right, else what was wrong. */
    private static String check(Call call) {
        try {
            Map<String, Object> actual = call.operator().run(only(call.operator(), call.via()), call.c().attrs(), call.inputs());
            List<String> problems = Differential.compare(call.c(), call.inputs(), call.expected(), actual, "the reference kernel");
            return problems.isEmpty() ? null : String.join("; ", problems);
        } catch (RuntimeException | StackOverflowError e) {
            return "threw " + e;
        }
    }

    @SuppressWarnings("unchecked")
    private static Kernel only(Operator operator, Kernel kernel) {
        return KernelChain.only((Class<Kernel>) operator.kernelType(), kernel);
    }
}
