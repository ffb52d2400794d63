package io.opsgi.runtime.internal;

import io.opsgi.runtime.LiveCallJudge;
import io.opsgi.op.GeometryClass;
import io.opsgi.runtime.VerificationReport;
import io.opsgi.runtime.chain.KernelChain;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sampled shadow checks: a share of live calls is recomputed by the op's reference kernel on one
 * background thread and compared by the {@link LiveCallJudge}, inputs included (a kernel that
 * changed an input it only reads is caught on the caller's thread, by comparing the input with a
 * copy taken before the call). Cost on the caller: a random draw per call; a sampled call also copies
 * its inputs and outputs. The background thread takes a job only when it is idle (a queue of one,
 * dropped when busy) and only while the checks' busy time stays within {@code budget} of the wall
 * time. Busy time is the wall time of each recomputation (on a loaded machine that is more than the
 * core time it took) plus the sampled callers' own copying and comparing, so however slow the
 * reference is, the checks take at most that share of one core's time, the callers' part included.
 */
final class ShadowChecks implements AutoCloseable {
    /** What a failed check does: quarantine the kernel with this report. */
    interface Mismatch {
        void found(Candidate kernel, String op, VerificationReport report);
    }

    /** One sampled call: inputs as they were before it, the kernel's outputs, where to put the reference's. */
    record Sample(Object[] before, int[] written) {
    }

    private record Job(Candidate kernel, Candidate reference, String op, Method method, Object[] args, int[] written, float[][] actual) {
    }

    /** At most this much unused check time carries over from quiet spells. */
    private static final long MAX_CREDIT_NANOS = 1_000_000_000L;

    private final double rate;
    private final double budget;
    private final LiveCallJudgeSource judges;
    private final Mismatch onMismatch;
    private final BlockingQueue<Job> queue = new ArrayBlockingQueue<>(1);
    /** Busy time and time on, carried over when the registry restarts the checks (a reconfiguration neither resets nor refills the budget). */
    private final Account account;
    private final AtomicLong busyNanos;
    private final AtomicLong checked = new AtomicLong();
    /** The checks' own time as spent (busyNanos also holds the unused credit written off), for the accounts. */
    private final AtomicLong spentNanos = new AtomicLong();
    private final Thread worker;
    private volatile boolean closed;

    /** Where the current judge comes from (a dynamic service). */
    interface LiveCallJudgeSource {
        LiveCallJudge judge();
    }

    /**
     * The budget's account: the checks' busy time and how long they have been on, over every {@link ShadowChecks}
     * the registry started (each reconfiguration starts new ones). Checks that started afresh on every change of
     * configuration would run their first cheap check at once and meter the rest against a clock just reset.
     */
    static final class Account {
        final AtomicLong busyNanos = new AtomicLong();
        /**
         * A recomputation is queued or running (perhaps of checks the registry has since replaced): no call is sampled
         * meanwhile (its time is charged only when it ends).
         */
        volatile boolean checking;
        /** How long checks were on before the current ones started, and when those started (0: none on now). */
        private volatile long onBefore, since;

        synchronized void resume() {
            if (since == 0) {
                since = System.nanoTime();
            }
        }

        synchronized void pause() {
            if (since != 0) {
                onBefore += System.nanoTime() - since;
                since = 0;
            }
        }

        long onNanos() {
            long s = since;
            return onBefore + (s == 0 ? 0 : System.nanoTime() - s);
        }
    }

    ShadowChecks(double rate, double budget, LiveCallJudgeSource judges, Mismatch onMismatch) {
        this(rate, budget, judges, onMismatch, new Account());
    }

    /** Checks that go on with {@code account} (the registry's, kept across reconfigurations); {@link #close} pauses it. */
    ShadowChecks(double rate, double budget, LiveCallJudgeSource judges, Mismatch onMismatch, Account account) {
        this.account = account;
        this.busyNanos = account.busyNanos;
        account.resume();
        this.rate = rate;
        this.budget = budget;
        this.judges = judges;
        this.onMismatch = onMismatch;
        this.worker = new Thread(this::work, "opsgi-shadow-check");
        worker.setDaemon(true);
        worker.start();
    }

    /** The share of the wall time since the checks started that they were busy (the callers' copies included). */
    double busyShare() {
        return (double) busyNanos.get() / Math.max(1, account.onNanos());
    }

    /** What the checks have spent so far: the callers' copies and comparisons and the recomputations' wall time (ns). */
    long spentNanos() {
        return spentNanos.get();
    }

    /** Live calls checked so far. */
    long checked() {
        return checked.get();
    }

    /**
     * Before a call of {@code op}: a sample of it (copies of its inputs), or null for the calls not sampled.
     * A check is charged ahead: the reference's measured time on this call's work must fit the budget earned
     * so far, so even the first check of a slow reference (a direct conv, 100x the kernel) waits until the
     * budget covers it, and no input is copied for a check that would not run.
     */
    Sample sample(String op, Candidate reference, Object[] args, int[] written) {
        if (rate <= 0 || ThreadLocalRandom.current().nextDouble() >= rate || account.checking || judges.judge() == null) {
            return null;
        }
        double expected = 0;
        if (reference != null) {
            String geometryClass = GeometryClass.of(args.length == 0 ? null : args[0]);
            double perUnit = reference.nanosPerUnit(op, geometryClass);
            expected = perUnit > 0 ? perUnit * KernelChain.work(args) : reference.measuredNanos(op, geometryClass).orElse(0);
        }
        if (busyNanos.get() + expected > budget * account.onNanos()) {
            return null;
        }
        long start = System.nanoTime();
        Object[] before = args.clone();
        for (int p = 0; p < before.length; p++) {
            if (before[p] instanceof float[] a && !isWritten(p, written)) {
                before[p] = a.clone();
            }
        }
        long copied = System.nanoTime() - start;
        busyNanos.addAndGet(copied);
        spentNanos.addAndGet(copied);
        return new Sample(before, written);
    }

    /** After {@code kernel} answered a sampled call: checks its inputs now, queues the reference's recomputation. */
    void answered(Sample sample, Candidate kernel, Candidate reference, String op, Method method, Object[] args) {
        long start = System.nanoTime();
        try {
            compareInputsAndQueue(sample, kernel, reference, op, method, args);
        } finally {
            long spent = System.nanoTime() - start;
            busyNanos.addAndGet(spent); // the caller's share of the checks counts against the budget
            spentNanos.addAndGet(spent);
        }
    }

    private void compareInputsAndQueue(Sample sample, Candidate kernel, Candidate reference, String op, Method method, Object[] args) {
        for (int p = 0; p < args.length; p++) {
            if (args[p] instanceof float[] now && !isWritten(p, sample.written()) && !Arrays.equals(now, (float[]) sample.before()[p])) {
                onMismatch.found(kernel, op, VerificationReport.failed("changed an input it only reads, on a live call (sampled check)",
                        List.of("case: " + op + " " + method.getName() + Leases.describe(args), "input argument " + p + " differs after the call"),
                        Duration.ZERO));
                return;
            }
        }
        if (reference == null || reference == kernel) {
            return;
        }
        Object[] refArgs = sample.before().clone();
        float[][] actual = new float[sample.written().length][];
        for (int i = 0; i < actual.length; i++) {
            int p = sample.written()[i];
            if (args[p] instanceof float[] out) { // an optional output not asked for stays null (batch norm's statistics at inference)
                actual[i] = out.clone();
                refArgs[p] = new float[out.length];
            }
        }
        account.checking = true; // before the job is there, so the worker's "done" cannot come first (a full queue: one is pending)
        queue.offer(new Job(kernel, reference, op, method, refArgs, sample.written(), actual));
    }

    private void work() {
        while (!closed) { // a check may swallow close()'s interrupt (the reference's own threads see it)
            Job job;
            try {
                job = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            long start = System.nanoTime();
            try {
                check(job);
            } catch (RuntimeException | LinkageError e) {
                // a check that breaks down gives no verdict; the next one runs
            } finally {
                long now = System.nanoTime();
                long busy = busyNanos.addAndGet(now - start);
                spentNanos.addAndGet(now - start);
                account.checking = false;
                // Credit unused while idle is capped, so a long quiet spell cannot buy a burst of checks later.
                long credit = (long) (budget * account.onNanos()) - busy;
                if (credit > MAX_CREDIT_NANOS) {
                    busyNanos.addAndGet(credit - MAX_CREDIT_NANOS);
                }
            }
        }
    }

    private void check(Job job) {
        LiveCallJudge judge = judges.judge();
        if (judge == null || !job.reference().enter()) {
            return;
        }
        try {
            job.method().invoke(job.reference().kernel, job.args());
        } catch (InvocationTargetException | IllegalAccessException | RuntimeException e) {
            return; // the reference could not recompute it: nothing to judge by
        } finally {
            job.reference().exit();
        }
        checked.incrementAndGet();
        List<float[]> inputs = new ArrayList<>();
        for (int p = 0; p < job.args().length; p++) {
            if (job.args()[p] instanceof float[] a && !isWritten(p, job.written())) {
                inputs.add(a);
            }
        }
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < job.written().length; i++) {
            if (job.actual()[i] == null) {
                continue; // an output the call did not ask for
            }
            String output = job.written().length == 1 ? "output" : "output " + job.written()[i];
            String problem;
            try {
                problem = judge.compare(job.op(), job.args()[0], inputs, output, (float[]) job.args()[job.written()[i]], job.actual()[i]);
            } catch (RuntimeException e) {
                return; // the judge cannot judge this op: no verdict, and the checks go on
            }
            if (problem != null) {
                problems.add(problem);
            }
        }
        if (!problems.isEmpty()) {
            List<String> details = new ArrayList<>();
            details.add("case: " + job.op() + " " + job.method().getName() + Leases.describe(job.args()));
            details.addAll(problems);
            onMismatch.found(job.kernel(), job.op(), VerificationReport.failed(
                    "a sampled live call differed from the reference kernel " + job.reference().variant(), details, Duration.ZERO));
        }
    }

    private static boolean isWritten(int p, int[] written) {
        for (int w : written) {
            if (w == p) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        closed = true;
        account.pause();
        worker.interrupt();
        if (queue.poll() != null) {
            account.checking = false; // a job that will never run
        }
    }
}
