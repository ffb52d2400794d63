package io.opsgi.runtime.internal;

import io.opsgi.op.GeometryClass;
import io.opsgi.op.Kernel;
import io.opsgi.runtime.KernelDescriptor;
import io.opsgi.runtime.KernelLease;
import io.opsgi.runtime.NoKernelException;
import io.opsgi.runtime.VerificationReport;
import io.opsgi.runtime.chain.KernelChain;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.osgi.service.log.Logger;

/**
 * Leases and drain: a call leases the op's chain of eligible kernels (active first, reference last)
 * and enters each, so none of them can be deactivated under it; a kernel that goes away is first
 * withdrawn from selection, then {@link #drain} waits for the calls holding it. A kernel that fails a
 * call is quarantined on the spot and the call goes on down the chain.
 */
final class Leases {
    /** How long an unbinding kernel waits for the calls running on it. */
    static final long DRAIN_TIMEOUT_MILLIS = 30_000;
    /**
     * How long after an op's reference went away its calls wait for it to come back: a refresh of a
     * bundle the kernels import (io.opsgi.kernel.support) stops them and starts them again within a
     * second or so when the machine is idle, but a refresh under load took more than 5 s in the
     * in-framework test on a busy 2-core machine (one call failed); the reference is then pending until
     * verified (waited for as long as the gate's time limit). An uninstalled reference makes calls
     * wait this long once, then they go on without it.
     */
    static final long REFERENCE_RETURN_GRACE_NANOS = 30_000_000_000L;
    /** A kernel's deadline is at least this multiple of its measured call time (scaled to the call's work). */
    static final long DEADLINE_FACTOR = 20;
    /**
     * Attempts run guarded (on a worker thread the caller waits for with the deadline) when the guard's
     * measured cost (hand-off, wake-up, clearing and copying the outputs) is at most this share of the
     * attempt's expected time: the live checks' target is 1% in all, and a guarded call pays nothing
     * else of them. Smaller calls run on the caller's thread, where the watchdog's interrupt stops them
     * (a kernel that ignores it keeps that one caller; its later calls go to the next kernel). A
     * memory-bound op costs about as much to copy as to compute, so past probation only its calls larger
     * than any it has answered are guarded.
     */
    static final double GUARD_SHARE = 0.01;
    /** A kernel's first live attempts run guarded whatever their size: it has not yet shown that it returns. */
    static final long PROBATION_CALLS = 100;

    private final Selection selection;
    private final GateState gate;
    private final Logger log;
    /** How long a call waits for a kernel of an op whose kernels are all pending. */
    private final LongSupplier pendingWaitMillis;
    /** The live checks, set when the registry is activated (null: none). */
    private volatile CallWatch watch;
    private volatile ShadowChecks shadow;
    private volatile long deadlineFloorNanos;
    /** Runs guarded attempts while calls are watched; a worker stuck in a kernel is renamed and left, another takes its place. */
    private volatile GuardedCalls guardedCalls;
    /** The shadow checks' budget account, kept across reconfigurations (each starts new {@link ShadowChecks} on it). */
    final ShadowChecks.Account shadowAccount = new ShadowChecks.Account();
    /** The accounts ({@link #spent}), kept across reconfigurations: the watched attempts' kernel time and count. */
    private final LongAdder kernelNanos = new LongAdder(), watchedAttempts = new LongAdder();
    /** What guards and shadow checks no longer watching had spent (theirs are added when they stop). */
    private final AtomicLong retiredGuardNanos = new AtomicLong(), retiredGuarded = new AtomicLong(),
            retiredShadowNanos = new AtomicLong(), retiredChecks = new AtomicLong();

    /**
     * What the live checks spent beside the kernels they watched, since the registry began: the kernels' own time on
     * watched attempts, the guard's hand-offs, wake-ups and copies, and the shadow checks' copies, comparisons and
     * recomputations (wall time of the checker thread). Not in it: the per-call bookkeeping (a deadline stamp, a
     * random draw; well under a microsecond a call, {@code RegistryCallBench}).
     */
    record Spent(long kernelNanos, long watchedAttempts, long guardNanos, long guardedAttempts, long shadowNanos, long shadowChecks) {
        /** The checks' time as a share of the watched kernels' own time. */
        double share() {
            return (double) (guardNanos + shadowNanos) / Math.max(1, kernelNanos);
        }

        Spent plus(Spent more) {
            return new Spent(kernelNanos + more.kernelNanos, watchedAttempts + more.watchedAttempts, guardNanos + more.guardNanos,
                    guardedAttempts + more.guardedAttempts, shadowNanos + more.shadowNanos, shadowChecks + more.shadowChecks);
        }

        Spent minus(Spent earlier) {
            return new Spent(kernelNanos - earlier.kernelNanos, watchedAttempts - earlier.watchedAttempts, guardNanos - earlier.guardNanos,
                    guardedAttempts - earlier.guardedAttempts, shadowNanos - earlier.shadowNanos, shadowChecks - earlier.shadowChecks);
        }
    }

    Spent spent() {
        GuardedCalls g = guardedCalls;
        ShadowChecks s = shadow;
        return new Spent(kernelNanos.sum(), watchedAttempts.sum(), retiredGuardNanos.get() + (g == null ? 0 : g.spentNanos()),
                retiredGuarded.get() + (g == null ? 0 : g.attempts()), retiredShadowNanos.get() + (s == null ? 0 : s.spentNanos()),
                retiredChecks.get() + (s == null ? 0 : s.checked()));
    }

    private void ranWatched(long nanos) {
        kernelNanos.add(nanos);
        watchedAttempts.increment();
    }

    Leases(Selection selection, GateState gate, Logger log, LongSupplier pendingWaitMillis) {
        this.selection = selection;
        this.gate = gate;
        this.log = log;
        this.pendingWaitMillis = pendingWaitMillis;
    }

    /** Starts watching live calls: deadlines (floor 0: none) and sampled shadow checks (null: none). */
    void watch(long deadlineFloorMillis, ShadowChecks checks) {
        deadlineFloorNanos = deadlineFloorMillis * 1_000_000L;
        // The watchdog looks every tenth of the floor (every deadline is at least the floor, so none is more than 10% late),
        // at most once a second: each look wakes a thread, which on a busy machine can push a kernel's helper off its core.
        watch = deadlineFloorMillis > 0 ? new CallWatch(Math.max(10, Math.min(1_000, deadlineFloorMillis / 10)), this::overran) : null;
        shadow = checks;
        guardedCalls = watch != null ? new GuardedCalls() : null;
    }

    /** Guarded attempts since calls were last watched, and what guarding a call writing {@code outputBytes} costs now (ns). */
    String guardStatistics(long outputBytes) {
        GuardedCalls g = guardedCalls;
        return g == null ? "no guard" : g.attempts() + " guarded attempts; guarding " + outputBytes + " bytes of output costs "
                + Math.round(g.costNanos(outputBytes) / 1000) + " us";
    }

    void stopWatching() {
        CallWatch w = watch;
        ShadowChecks s = shadow;
        GuardedCalls g = guardedCalls;
        watch = null;
        shadow = null;
        guardedCalls = null;
        if (g != null) {
            g.close();
            retiredGuardNanos.addAndGet(g.spentNanos());
            retiredGuarded.addAndGet(g.attempts());
        }
        if (w != null) {
            w.close();
        }
        if (s != null) {
            s.close();
            retiredShadowNanos.addAndGet(s.spentNanos());
            retiredChecks.addAndGet(s.checked());
        }
    }

    /**
     * The deadline of one attempt of {@code c} on a call of {@code op} in {@code geometryClass} with
     * {@code work} ({@link KernelChain#work}): the floor, or a generous multiple of the gate's measured
     * time per unit of work for that class times this call's work, if that is longer (a kernel timed
     * without its work known: a multiple of its measured time).
     */
    long budgetNanos(Candidate c, String op, String geometryClass, long work) {
        double perUnit = c.nanosPerUnit(op, geometryClass);
        long measured = perUnit > 0 ? (long) Math.min(Long.MAX_VALUE / (4 * DEADLINE_FACTOR), perUnit * work)
                : c.measuredNanos(op, geometryClass).orElse(0);
        return Math.max(deadlineFloorNanos, DEADLINE_FACTOR * measured);
    }

    /**
     * Whether an attempt runs guarded: the kernel is on probation (its first {@link #PROBATION_CALLS}
     * attempts), or the call is larger than any it has answered (a kernel that never returns above some
     * size, past the gate's large inputs, holds no caller: its first such call is answered by the next
     * kernel; repeated sizes, what a network sends, are not guarded again), or guarding the call costs at
     * most {@link #GUARD_SHARE} of its expected time: its own
     * time per unit of work on its recent guarded calls, else the gate's measured one (a kernel never
     * timed is taken at 1 ns per unit of work), times the call's work. The other calls stay on the caller's thread,
     * watched by the watchdog, which costs them no hand-off and no copy.
     */
    private static boolean guarded(GuardedCalls guard, Candidate c, String op, String geometryClass, Object[] args, int[] written, long work) {
        if (c.attempts.get() < PROBATION_CALLS && c.attempts.incrementAndGet() <= PROBATION_CALLS || !c.answeredAsLarge(work)) {
            return true;
        }
        double live = c.livePerUnit(op, geometryClass);
        double perUnit = live > 0 ? live : c.nanosPerUnit(op, geometryClass);
        return (perUnit > 0 ? perUnit : 1.0) * work * GUARD_SHARE >= guard.costNanos(outputBytes(args, written));
    }

    /** The bytes a guarded attempt clears and copies back: the outputs at {@code written} and every long[] (indices). */
    static long outputBytes(Object[] args, int[] written) {
        long bytes = 0;
        for (int p : written) {
            bytes += args[p] instanceof float[] a ? 4L * a.length : 0;
        }
        for (Object a : args) {
            bytes += a instanceof long[] l ? 8L * l.length : 0;
        }
        return bytes;
    }

    /**
     * Runs one attempt on a hot worker thread, with the worker's own outputs copied back when it answers
     * in time. Past the deadline the caller goes on (the chain asks the next kernel): the kernel is
     * quarantined, the worker interrupted, renamed as abandoned and left, and its outputs never reach the caller.
     */
    private Object guardedAttempt(GuardedCalls guard, Candidate c, String op, String geometryClass, Method method, Kernel kernel, Object[] args, int[] written, long budgetNanos)
            throws InvocationTargetException, IllegalAccessException {
        try {
            long work = Math.max(1, KernelChain.work(args));
            return guard.run(method, kernel, args, written, budgetNanos, "-abandoned-in-" + c.variant(),
                    nanos -> {
                        c.ranLive(op, geometryClass, (double) nanos / work);
                        ranWatched(nanos);
                    });
        } catch (GuardedCalls.Overran e) {
            overran(c, op, args.length == 0 ? null : args[0], e.workerName + "' (a worker; the caller did not wait for it", e.where, budgetNanos);
            throw new InvocationTargetException(new IllegalStateException(c.variant() + " overran its deadline of " + budgetNanos / 1_000_000
                    + " ms; its worker thread '" + e.workerName + "' is abandoned"));
        } catch (InterruptedException e) {
            // The caller gave up: the worker is stopped; the chain sees the interrupt and blames no kernel.
            Thread.currentThread().interrupt();
            throw new InvocationTargetException(e);
        }
    }

    <K extends Kernel> KernelLease<K> lease(String op, Class<K> type) {
        long deadline = 0;
        while (true) {
            Selection.Snapshot s = selection.current();
            List<Candidate> chain = s.chain(op);
            // During a refresh of a shared bundle the reference is briefly gone, then pending: wait for it (bounded)
            // rather than fail, or send a geometry to specialised kernels that do not take it.
            boolean awaitReference = deadline == 0 || System.currentTimeMillis() < deadline
                    ? s.awaitsReference(op, REFERENCE_RETURN_GRACE_NANOS) : false;
            List<Candidate> entered = new ArrayList<>(chain.size());
            if (!awaitReference) {
                for (Candidate c : chain) {
                    if (c.enter()) {
                        entered.add(c);
                    }
                }
            }
            if (!entered.isEmpty()) {
                for (Candidate c : entered) {
                    if (!type.isInstance(c.kernel)) {
                        entered.forEach(Candidate::exit);
                        throw new IllegalStateException("kernel " + c.variant() + " for " + op + " from " + c.bundle
                                + " does not implement " + type.getName());
                    }
                }
                return new Lease<>(op, type, entered, s);
            }
            if (chain.isEmpty() && !s.pending(op) && !awaitReference) {
                throw new NoKernelException(op);
            }
            // Only pending kernels (e.g. at startup), or the chain was withdrawn just now: wait for the next snapshot.
            long now = System.currentTimeMillis();
            if (deadline == 0) {
                deadline = now + pendingWaitMillis.getAsLong();
            } else if (now >= deadline) {
                throw new NoKernelException(op + "' (its kernels are still pending verification; see 'opsgi list'");
            }
            try {
                selection.awaitChange(s, awaitReference ? Math.min(100, deadline - now) : deadline - now);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new NoKernelException("' (interrupted while waiting for a kernel of it)");
            }
        }
    }

    /** Waits for the calls still running on a withdrawn kernel (bounded), so its service can go. */
    void drain(Candidate c) {
        try {
            if (!c.retireAndDrain(DRAIN_TIMEOUT_MILLIS)) {
                log.warn("Kernel {} of {} left with {} calls still running after {} ms", c.variant(), c.bundle, c.inflight(),
                        DRAIN_TIMEOUT_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A kernel failed a live call: quarantine it at once (the call itself goes on down the chain). */
    private void failedCall(Candidate c, String op, Method method, Object[] args, String problem, Throwable error) {
        String theCase = op + " " + method.getName() + describe(args);
        List<String> details = new ArrayList<>(List.of("case: " + theCase));
        if (error != null) {
            StackTraceElement[] trace = error.getStackTrace();
            for (int i = 0; i < Math.min(4, trace.length); i++) {
                details.add("at " + trace[i]);
            }
        }
        if (gate.quarantine(c, VerificationReport.failed("failed a call: " + problem, details, Duration.ZERO))) {
            log.error("Kernel {} for {} from {} quarantined after failing a call ({}); the call was answered by the next kernel. Case: {}",
                    c.variant(), op, c.bundle, problem, theCase);
        }
    }

    /** The watchdog found an attempt past its deadline: quarantine the kernel, naming the abandoned thread. */
    private void overran(Candidate c, String op, Object geometry, Thread thread, StackTraceElement[] where, long budgetNanos) {
        overran(c, op, geometry, thread.getName(), where, budgetNanos);
    }

    private void overran(Candidate c, String op, Object geometry, String thread, StackTraceElement[] where, long budgetNanos) {
        List<String> details = new ArrayList<>(List.of("case: " + op + " " + geometry,
                "thread '" + thread + "' was interrupted; if the kernel ignores that, the thread is abandoned there"));
        for (int i = 0; i < Math.min(6, where.length); i++) {
            details.add("at " + where[i]);
        }
        String problem = "overran its deadline of " + budgetNanos / 1_000_000 + " ms on a live call";
        if (gate.quarantine(c, VerificationReport.failed(problem, details, Duration.ofNanos(budgetNanos)))) {
            log.error("Kernel {} for {} from {} quarantined: {} ({}), thread '{}'; the call goes to the next kernel", c.variant(), op,
                    c.bundle, problem, geometry, thread);
        }
    }

    /** A sampled check found a kernel wrong on a live call. */
    void mismatch(Candidate c, String op, VerificationReport report) {
        if (gate.quarantine(c, report)) {
            log.error("Kernel {} for {} from {} quarantined: {}", c.variant(), op, c.bundle, report.text());
        }
    }

    /** The geometry (records print their fields) and the other arguments, arrays as their lengths. */
    static String describe(Object[] args) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; args != null && i < args.length; i++) {
            Object a = args[i];
            sb.append(i == 0 ? "" : ", ").append(a instanceof float[] f ? "float[" + f.length + "]"
                    : a instanceof long[] l ? "long[" + l.length + "]" : String.valueOf(a));
        }
        return sb.append(')').toString();
    }

    /** A lease's kernels: the same snapshot object (compared by identity: cheap, and never wrongly equal) and the same entered kernels. */
    private record KernelsKey(Selection.Snapshot snapshot, List<Candidate> entered) {
        @Override
        public boolean equals(Object o) {
            return o instanceof KernelsKey k && k.snapshot == snapshot && k.entered.equals(entered);
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(snapshot) * 31 + entered.hashCode();
        }
    }

    /**
     * One call's hold on its op's kernels. A family whose calls fall into several geometry classes
     * (conv) gets a kernel that picks the chain of the call's class; the others get their one chain
     * as it is. Each chain reports failures back.
     */
    private final class Lease<K extends Kernel> implements KernelLease<K> {
        private final String op;
        private final Class<K> type;
        private final List<Candidate> entered;
        private final Selection.Snapshot snapshot;
        private final List<String> classes;
        /** The chain per geometry class, made when a call of that class first comes (index as in {@link #classes}). */
        private final Object[] chains;
        private final K kernel;
        private volatile Candidate served;
        private boolean closed;

        Lease(String op, Class<K> type, List<Candidate> entered, Selection.Snapshot snapshot) {
            this.op = op;
            this.type = type;
            this.entered = entered;
            this.snapshot = snapshot;
            this.classes = Selection.classes(op);
            this.chains = new Object[classes.size()];
            this.served = entered.get(0);
            this.kernel = classes.size() == 1 ? chain(0) : type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                    this::dispatch));
        }

        /** Hands the call to the chain of its geometry class. */
        private Object dispatch(Object proxy, Method method, Object[] args) throws Throwable {
            if (method.getDeclaringClass() == Object.class) {
                return method.getName().equals("equals") ? proxy == args[0]
                        : method.getName().equals("hashCode") ? System.identityHashCode(proxy) : "Lease" + entered;
            }
            int i = classes.indexOf(GeometryClass.of(args == null || args.length == 0 ? null : args[0]));
            try {
                return method.invoke(chain(i < 0 ? 0 : i), args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }

        @SuppressWarnings("unchecked")
        private synchronized K chain(int i) {
            if (chains[i] == null) {
                List<Candidate> chain = snapshot.chain(op, classes.get(i)).stream().filter(entered::contains).toList();
                Watched watched = new Watched(chain, classes.get(i));
                chains[i] = KernelChain.of(type, chain.stream().map(c -> type.cast(c.kernel)).toList(), watched, watched);
            }
            return (K) chains[i];
        }

        @Override
        public K kernel() {
            return kernel;
        }

        @Override
        public KernelDescriptor descriptor() {
            return snapshot.describe(op, entered.get(0));
        }

        @Override
        public KernelDescriptor servedBy() {
            return snapshot.describe(op, served);
        }

        /** The selection (a new snapshot whenever a kernel comes, goes or changes state) and the kernels this lease entered. */
        @Override
        public Object kernelsKey() {
            return new KernelsKey(snapshot, List.copyOf(entered));
        }

        /** One geometry class's chain: the live checks (deadline, shadow sample) and failures reported back. */
        private final class Watched implements KernelChain.Monitor, KernelChain.Runner {
            private final List<Candidate> chain;
            private final String geometryClass;

            Watched(List<Candidate> chain, String geometryClass) {
                this.chain = chain;
                this.geometryClass = geometryClass;
            }

            @Override
            public Object before(Method method, Object[] args, int[] written) {
                CallWatch w = watch;
                if (w != null) {
                    w.call(args == null || args.length == 0 ? null : args[0]);
                }
                ShadowChecks checks = shadow;
                if (checks == null || args == null || written.length == 0) {
                    return null;
                }
                Candidate last = chain.get(chain.size() - 1);
                return checks.sample(op, last.isReference() ? last : null, args, written);
            }

            /**
             * Small calls run on the caller's thread with the watchdog's deadline; guarded ones on a worker the
             * caller waits for (the watchdog then only pairs the attempt's begin and end: the wait keeps the deadline).
             */
            @Override
            public Object run(int index, Method method, Kernel kernel, Object[] args, int[] written)
                    throws InvocationTargetException, IllegalAccessException {
                CallWatch w = watch;
                if (w == null || args == null) {
                    return method.invoke(kernel, args);
                }
                Candidate c = chain.get(index);
                long work = KernelChain.work(args);
                long budget = budgetNanos(c, op, geometryClass, work);
                // A caller already interrupted runs on its own thread, as any call did before guarding: waiting for a
                // worker would end at once with a cancellation, where the kernel itself may well complete.
                GuardedCalls guard = guardedCalls;
                if (guard == null || Thread.currentThread().isInterrupted() || !guarded(guard, c, op, geometryClass, args, written, work)) {
                    long began = w.begin(c, op, budget);
                    Object result = method.invoke(kernel, args);
                    ranWatched(System.nanoTime() - began);
                    c.answered(work);
                    return result;
                }
                w.begin(c, op, Long.MAX_VALUE / 4);
                Object result = guardedAttempt(guard, c, op, geometryClass, method, kernel, args, written, budget);
                c.answered(work);
                return result;
            }

            @Override
            public boolean overran(int index) {
                CallWatch w = watch;
                return w != null && w.end();
            }

            @Override
            public void answered(int index, Method method, Object[] args, Object fromBefore) {
                ShadowChecks checks = shadow;
                Candidate last = chain.get(chain.size() - 1);
                if (checks != null && fromBefore instanceof ShadowChecks.Sample sample) {
                    checks.answered(sample, chain.get(index), last.isReference() ? last : null, op, method, args);
                }
            }

            @Override
            public void failed(int index, Method method, Object[] args, String problem, Throwable error) {
                failedCall(chain.get(index), op, method, args, problem, error);
            }

            @Override
            public void served(int index) {
                served = chain.get(index);
            }
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                entered.forEach(Candidate::exit);
            }
        }
    }
}
