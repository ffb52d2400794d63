package io.opsgi.kernel.support;

import io.opsgi.op.IntraOp;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * Intra-op parallelism shared by every fast kernel: one set of helper threads for the whole container
 * and one thread count, {@code opsgi.threads} (system property, or Config Admin PID {@code io.opsgi.threads}
 * via {@link IntraOpThreads}), defaulting to the available processors.
 *
 * <p>{@link #forEach} hands out task indices dynamically (an atomic counter), so uneven tasks
 * balance themselves; the calling thread works too, so one thread means no hand-off at all.
 * A call made from a helper thread runs inline: nested parallel loops never wait on the helpers they
 * occupy, so they cannot deadlock.
 *
 * <p>The helpers stay hot between calls, as OpenMP's threads do: after a task a helper spins for
 * {@code opsgi.spinMicros} (default 50 us) watching for the next one before it parks, so the
 * back-to-back parallel loops of a network's layers (or of a benchmark) are handed over through one
 * volatile write instead of a thread wake-up through an executor's queue and a {@code Future}, which
 * cost tens of microseconds and made 2 threads slower than 1 on memory-bound layers of 0.05-0.1 ms.
 * A helper another caller holds is not waited for: that call takes a free helper or starts a new one,
 * and since tasks are handed out by the counter a missing helper only means fewer hands; likewise a
 * helper that has not started by the time the caller has handed out every task (its core is busy:
 * a loaded machine) is not waited for, its job is withdrawn. A helper idle
 * for a minute ends (as a cached pool's threads do), so a refreshed bundle leaves no thread behind.
 *
 * <p>Whether a piece of work is split at all: {@link #sized} keeps work below {@link #INLINE_FLOPS} on the calling
 * thread; a caller that measured better (a network's plan, per step) runs it {@link #inline} or {@link #spread}.
 */
public final class Parallel {
    public static final String THREADS_PROPERTY = IntraOp.THREADS_PROPERTY;

    private static final ThreadLocal<Boolean> ON_POOL = ThreadLocal.withInitial(() -> false);
    private static final AtomicInteger NAMES = new AtomicInteger();
    /** How long a helper (and a caller waiting for one) spins before parking. */
    private static final long SPIN_NANOS = Long.getLong("opsgi.spinMicros", 50) * 1000;
    /** A helper idle this long ends. */
    private static final long IDLE_NANOS = 60_000_000_000L;
    /** At most this many helpers at once (concurrent callers each take their own); beyond it a call runs with fewer. */
    private static final AtomicReferenceArray<Helper> HELPERS = new AtomicReferenceArray<>(64);

    private Parallel() {
    }

    /**
     * The intra-op threads a call made now can use: the configured count, or 1 inside {@link #inline} and on a
     * helper (where every {@link #forEach} runs on the calling thread), so a kernel that splits its work by this
     * count does not cut an inline run into pieces meant for threads it will not get (the GEMM would pack its
     * operand once per piece). Likewise inside {@code IntraOp.run(Split.ONE, ...)}.
     */
    public static int threads() {
        return onCallerOnly() ? 1 : IntraOp.threads();
    }

    /** The configured intra-op thread count ({@link #setThreads}, kept in {@link IntraOp}), wherever it is asked. */
    public static int configuredThreads() {
        return IntraOp.threads();
    }

    /** Sets the intra-op thread count (at least 1); takes effect for calls that start afterwards. */
    public static void setThreads(int n) {
        IntraOp.setThreads(n);
    }

    /** Whether every loop of this thread runs on it alone: on a helper, inside {@link #inline}, or asked so ({@link IntraOp.Split#ONE}). */
    private static boolean onCallerOnly() {
        return ON_POOL.get() || IntraOp.split() == IntraOp.Split.ONE;
    }

    /**
     * Work below this many flops runs on the calling thread alone ({@link #inline}): handing tasks to
     * the pool costs tens of microseconds, and the other core is often busy on a shared machine.
     * {@code opsgi.inlineFlops} overrides it.
     */
    public static final long INLINE_FLOPS = Long.getLong("opsgi.inlineFlops", 1L << 22);

    /** Runs {@code body} with every {@link #forEach} inside it on the calling thread (no hand-off). */
    public static void inline(Runnable body) {
        if (ON_POOL.get()) {
            body.run();
            return;
        }
        ON_POOL.set(true);
        try {
            body.run();
        } finally {
            ON_POOL.set(false);
        }
    }

    /**
     * {@code body} inline if {@code flops} is below {@link #INLINE_FLOPS}, else as it is (its loops on all threads);
     * as the caller asked instead, if it did ({@link IntraOp#run}: {@code ALL} as it is, {@code ONE} inline).
     */
    public static void sized(long flops, Runnable body) {
        IntraOp.Split asked = IntraOp.split();
        if (asked == IntraOp.Split.ALL || (asked == IntraOp.Split.DEFAULT && flops >= INLINE_FLOPS)) {
            body.run();
        } else {
            inline(body);
        }
    }

    /**
     * Runs {@code body} with its loops on all threads whatever their size: the {@link #sized} rule is not
     * applied inside it (a plan that measured a step faster on all threads runs it so). Inside {@link #inline}
     * or on a helper it still runs on the calling thread.
     */
    public static void spread(Runnable body) {
        IntraOp.run(IntraOp.Split.ALL, body);
    }

    /** Runs {@code task.accept(i)} for every i in [0, tasks), on up to {@link #threads()} threads; returns when all are done. */
    public static void forEach(int tasks, IntConsumer task) {
        int workers = Math.min(IntraOp.threads(), tasks);
        if (workers <= 1 || onCallerOnly()) {
            for (int i = 0; i < tasks; i++) {
                task.accept(i);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        Runnable work = () -> {
            for (int i; (i = next.getAndIncrement()) < tasks; ) {
                task.accept(i);
            }
        };
        Helper[] helpers = new Helper[workers - 1];
        int claimed = 0;
        for (int slot = 0; slot < HELPERS.length() && claimed < helpers.length; slot++) {
            Helper h = claim(slot);
            if (h != null) {
                h.start(work);
                helpers[claimed++] = h;
            }
        }
        Throwable failure = null;
        try {
            work.run();
        } catch (RuntimeException | Error e) {
            failure = e;
            next.set(tasks); // stop handing out work; helpers finish their current task
        }
        // Every helper is joined before this returns or throws, even when the caller is interrupted: a
        // helper still writing the output after the call ended would corrupt whatever reads it next. The
        // caller reaches this point only once every task is handed out, so waiting here completes the call;
        // the interrupt is kept for the caller to act on.
        boolean interrupted = false;
        for (int i = 0; i < claimed; i++) {
            // A helper that has not picked its job up yet (its core busy elsewhere) is not waited for:
            // every task is handed out already, so the job is withdrawn and the helper given back.
            if (!helpers[i].withdraw(work)) {
                interrupted |= helpers[i].awaitDone();
            }
            Throwable f = helpers[i].release();
            if (failure == null) {
                failure = f;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure instanceof RuntimeException r) {
            throw r;
        }
        if (failure instanceof Error err) {
            throw err;
        }
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
    }

    /** The helper in {@code slot}, now held by the caller, or null if another caller holds it. */
    private static Helper claim(int slot) {
        while (true) {
            Helper h = HELPERS.get(slot);
            if (h != null && h.state.get() != Helper.ENDED) {
                return h.state.compareAndSet(Helper.IDLE, Helper.HELD) ? h : null;
            }
            Helper fresh = new Helper(slot);
            if (HELPERS.compareAndSet(slot, h, fresh)) {
                fresh.setDaemon(true);
                fresh.start();
                return fresh;
            }
        }
    }

    /** One hot helper thread; see the class comment. Its state: idle, held by one caller, or ended. */
    private static final class Helper extends Thread {
        static final int IDLE = 0, HELD = 1, ENDED = 2;
        final AtomicInteger state = new AtomicInteger(HELD);
        private final int slot;
        private final AtomicReference<Runnable> job = new AtomicReference<>();
        private volatile boolean done;
        private volatile Thread waiter;
        private volatile Throwable failure;

        Helper(int slot) {
            super("opsgi-intra-op-" + NAMES.incrementAndGet());
            this.slot = slot;
        }

        /** Called by the caller holding this helper: runs {@code work} on it. */
        void start(Runnable work) {
            failure = null;
            done = false;
            waiter = Thread.currentThread();
            job.set(work);
            LockSupport.unpark(this);
        }

        /** Takes {@code work} back if the helper has not picked it up; true if so (the helper will not run it). */
        boolean withdraw(Runnable work) {
            return job.compareAndSet(work, null);
        }

        /** Waits until the job is done; true if the caller was interrupted meanwhile (its flag is cleared so parking works). */
        boolean awaitDone() {
            boolean interrupted = false;
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            while (!done) {
                if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                    interrupted |= Thread.interrupted();
                }
            }
            return interrupted;
        }

        /** Gives the helper back after {@link #awaitDone}; the job's failure, or null. */
        Throwable release() {
            Throwable f = failure;
            waiter = null;
            state.set(IDLE);
            return f;
        }

        @Override
        public void run() {
            ON_POOL.set(true);
            while (true) {
                Runnable r = awaitJob();
                if (r == null) {
                    return;
                }
                try {
                    r.run();
                } catch (Throwable t) {
                    failure = t;
                }
                Thread w = waiter;
                done = true;
                LockSupport.unpark(w);
            }
        }

        /** The next job: spin, then park; null once idle for {@link #IDLE_NANOS} and ended. */
        private Runnable awaitJob() {
            long start = System.nanoTime();
            while (true) {
                Runnable r = job.get();
                if (r != null && job.compareAndSet(r, null)) {
                    return r;
                }
                long idle = System.nanoTime() - start;
                if (idle < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else if (idle < IDLE_NANOS) {
                    LockSupport.parkNanos(this, IDLE_NANOS - idle);
                    Thread.interrupted(); // nobody interrupts a helper on purpose; a stray interrupt must not make it spin
                } else if (state.compareAndSet(IDLE, ENDED)) {
                    HELPERS.compareAndSet(slot, this, null);
                    return null;
                } else {
                    start = System.nanoTime(); // held: the job is on its way
                }
            }
        }
    }

    /**
     * Splits [0, n) into about {@code threads() * 4} contiguous ranges of at least {@code grain} and runs {@code body} on
     * each; on one thread (or inline) into one range: pieces nobody else takes only add calls.
     */
    public static void forRange(int n, int grain, RangeBody body) {
        if (n <= 0) {
            return;
        }
        int t = threads();
        int chunks = t <= 1 ? 1 : Math.max(1, Math.min(t * 4, n / Math.max(1, grain)));
        int size = (n + chunks - 1) / chunks;
        int count = (n + size - 1) / size;
        forEach(count, c -> body.run(c * size, Math.min(n, (c + 1) * size)));
    }

    /** A piece of a parallel loop over the half-open range [from, to). */
    @FunctionalInterface
    @org.osgi.annotation.versioning.ConsumerType
    public interface RangeBody {
        void run(int from, int to);
    }
}
