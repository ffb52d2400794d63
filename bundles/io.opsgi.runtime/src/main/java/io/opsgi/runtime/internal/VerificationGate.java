package io.opsgi.runtime.internal;

import io.opsgi.op.Kernel;
import io.opsgi.runtime.KernelVerifier;
import io.opsgi.runtime.VerificationReport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs verifications one at a time in the background, in the order they come (a focus's first: {@link Owner#holdBack}),
 * a pass remembered from an earlier run of the same code on this machine standing for one ({@link VerdictMemory}),
 * each on a thread of its own under a time limit: a kernel that hangs is abandoned on its thread (a daemon; Java cannot kill it) and
 * quarantined, and the queue moves on. Verdicts go back to the registry, which owns all state.
 */
final class VerificationGate {
    /** What the gate needs from the registry. */
    interface Owner {
        /** The verifier, or null while none is registered. */
        KernelVerifier verifier();

        /**
         * The references to compare {@code c} with, per op; null if a reference exists but is still
         * pending (the job then waits its turn again).
         */
        Map<String, Kernel> referencesFor(Candidate c);

        /** Whether {@code ticket} is still the verification {@code c} waits for. */
        boolean current(Candidate c, int ticket);

        /** Whether an open focus holds {@code c}'s verification back; if so the owner submits it again when the focuses change. */
        boolean holdBack(Candidate c, int ticket);

        void verdict(Candidate c, int ticket, VerificationReport report);

        /** The local bundle whose code {@code k} is, or null (unknown, or imported from another process). */
        org.osgi.framework.Bundle home(Kernel k);

        /** Per op of {@code c}, the eligible kernels serving it now by variant: the verifier times {@code c} against them. */
        Map<String, Map<String, Kernel>> rivalsFor(Candidate c);
    }

    private static final long RETRY_MILLIS = 50;
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final Owner owner;
    private final Duration timeLimit;
    /** Where passes are remembered across restarts; null: nowhere. */
    private volatile VerdictMemory memory;
    private final ScheduledExecutorService queue = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "opsgi-gate"));

    VerificationGate(Owner owner, Duration timeLimit, VerdictMemory memory) {
        this.owner = owner;
        this.timeLimit = timeLimit;
        this.memory = memory;
    }

    void rememberIn(VerdictMemory m) {
        memory = m;
    }

    Duration timeLimit() {
        return timeLimit;
    }

    void submit(Candidate c, int ticket) {
        queue.execute(() -> run(c, ticket));
    }

    /** Forgets {@code c}'s remembered pass: it failed since. */
    void forget(Candidate c) {
        VerdictMemory memory = this.memory;
        if (memory != null && c.verdictKey != null) {
            memory.forget(c.verdictKey);
        }
    }

    void close() {
        queue.shutdownNow();
    }

    private void run(Candidate c, int ticket) {
        if (!owner.current(c, ticket) || owner.holdBack(c, ticket)) {
            return;
        }
        KernelVerifier verifier = owner.verifier();
        if (verifier == null) {
            return; // the registry submits every pending kernel again when a verifier arrives
        }
        Map<String, Kernel> references = owner.referencesFor(c);
        if (references == null) {
            queue.schedule(() -> run(c, ticket), RETRY_MILLIS, TimeUnit.MILLISECONDS);
            return;
        }
        VerdictMemory memory = this.memory;
        String key = memory == null ? null : memory.key(c, references, verifier, seed(c), timeLimit, owner::home);
        c.verdictKey = key;
        VerificationReport remembered = key == null || c.fresh ? null : memory.recall(key);
        if (remembered != null) {
            owner.verdict(c, ticket, remembered);
            return;
        }
        var request = new KernelVerifier.Request(c.ops, c.variant(), c.bundle, c.kernel, references, seed(c), owner.rivalsFor(c));
        long start = System.nanoTime();
        FutureTask<VerificationReport> task = new FutureTask<>(() -> verifier.verify(request));
        Thread worker = daemon(task, "opsgi-verify-" + c.variant() + "-" + THREADS.incrementAndGet());
        worker.start();
        VerificationReport report;
        try {
            report = task.get(timeLimit.toMillis(), TimeUnit.MILLISECONDS);
            if (report == null) {
                report = VerificationReport.failed("the verifier returned no report", List.of(), since(start));
            }
        } catch (TimeoutException e) {
            worker.interrupt();
            report = VerificationReport.failed("exceeded the verification time limit of " + timeLimit.toSeconds() + " s",
                    List.of("still running in thread " + worker.getName() + " at " + where(worker)), since(start));
        } catch (ExecutionException e) {
            report = VerificationReport.failed("verification broke down: " + e.getCause(), List.of(), since(start));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (key != null && owner.current(c, ticket)) {
            memory.remember(key, report);
        }
        owner.verdict(c, ticket, report);
    }

    /** Differential inputs are seeded per kernel, so a verdict can be reproduced. */
    private static long seed(Candidate c) {
        return 0x5EEDL ^ (c.variant().hashCode() * 0x9E3779B97F4A7C15L) ^ String.join(",", c.ops).hashCode();
    }

    private static String where(Thread t) {
        StackTraceElement[] trace = t.getStackTrace();
        return trace.length == 0 ? "?" : trace[0].toString();
    }

    private static Duration since(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
