package io.opsgi.runtime.internal;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;

/**
 * Hot worker threads for guarded attempts (a kernel call the caller waits for with a deadline). A
 * worker spins briefly after a call watching for the next one, then parks, as the kernels' own
 * {@code Parallel} helpers do (the runtime keeps its own: it must not depend on a kernel bundle), so
 * a call in a loop costs no thread start and usually no wake-up. Each worker owns its output buffers
 * and reuses them call after call; the caller copies them out only once the worker has answered in
 * time. A worker past its deadline is abandoned: renamed, interrupted, and never taken again, so its
 * buffers (all it could still write) reach no caller; a new worker takes its place.
 *
 * <p>The guard's own cost (hand-off, wake-up, clearing and copying the outputs) is measured on every
 * guarded attempt, so {@link #costNanos} can tell the registry what guarding a call of a given output
 * size costs.
 */
final class GuardedCalls implements AutoCloseable {
    /** How long an idle worker watches for the next call before it parks. */
    private static final long SPIN_NANOS = 50_000;
    /** An idle worker ends after this long without a call. */
    private static final long IDLE_NANOS = 60_000_000_000L;
    /** Before anything is measured: a generous hand-off and 4 GB/s of clearing and copying. */
    private static final double INITIAL_FIXED_NANOS = 50_000, INITIAL_NANOS_PER_BYTE = 0.25;

    private final ConcurrentLinkedDeque<Worker> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger names = new AtomicInteger();
    private final AtomicLong attempts = new AtomicLong();
    /** The guard's measured cost, summed over every attempt answered in time (what {@link #costNanos} averages). */
    private final LongAdder spentNanos = new LongAdder();
    private volatile boolean closed;
    /** Moving averages of the guard's measured cost: per attempt (hand-off and wake-up) and per output byte. */
    private volatile double fixedNanos = INITIAL_FIXED_NANOS, nanosPerByte = INITIAL_NANOS_PER_BYTE;

    /** Thrown by {@link #run} when the attempt overran: the worker, named here as it was, is abandoned. */
    static final class Overran extends TimeoutException {
        final String workerName;
        final StackTraceElement[] where;

        Overran(String workerName, StackTraceElement[] where) {
            super(workerName);
            this.workerName = workerName;
            this.where = where;
        }
    }

    /** Guarded attempts run so far. */
    long attempts() {
        return attempts.get();
    }

    /** What the guard has cost its callers so far (hand-offs, wake-ups, clearing and copying), in nanoseconds. */
    long spentNanos() {
        return spentNanos.sum();
    }

    /** What guarding one attempt that writes {@code outputBytes} costs the caller, as measured so far. */
    double costNanos(long outputBytes) {
        return fixedNanos + nanosPerByte * outputBytes;
    }

    /**
     * Runs {@code method} on {@code kernel} on a worker, with the worker's own (cleared) arrays in place
     * of the outputs at {@code written} and of every {@code long[]} (indices, the only long[] kernel
     * parameter, are outputs), and copies them into {@code args} if it answers within
     * {@code budgetNanos}. Past it, throws {@link Overran} after {@code abandonedSuffix} was appended to
     * the worker's name. An interrupted caller stops waiting and gets an {@link InterruptedException}.
     */
    Object run(Method method, Object kernel, Object[] args, int[] written, long budgetNanos, String abandonedSuffix)
            throws InvocationTargetException, IllegalAccessException, InterruptedException, Overran {
        return run(method, kernel, args, written, budgetNanos, abandonedSuffix, n -> { });
    }

    /** As {@link #run(Method, Object, Object[], int[], long, String)}, and tells {@code kernelNanos} the kernel's own time of an answer in time. */
    Object run(Method method, Object kernel, Object[] args, int[] written, long budgetNanos, String abandonedSuffix, LongConsumer kernelNanos)
            throws InvocationTargetException, IllegalAccessException, InterruptedException, Overran {
        if (closed) {
            return method.invoke(kernel, args); // the registry is stopping: no worker to hand over to
        }
        attempts.incrementAndGet();
        long t0 = System.nanoTime();
        Worker taken = idle.pollFirst();
        Worker w = taken != null ? taken : new Worker("opsgi-guarded-call-" + names.incrementAndGet());
        Object[] own;
        long bytes = 0, t1, cleared;
        try {
            own = w.bind(args, written);
            t1 = System.nanoTime();
            for (int p = 0; p < own.length; p++) {
                if (own[p] != args[p] && own[p] instanceof float[] a) {
                    Arrays.fill(a, 0f);
                    bytes += 4L * a.length;
                } else if (own[p] != args[p] && own[p] instanceof long[] a) {
                    Arrays.fill(a, 0L);
                    bytes += 8L * a.length;
                }
            }
            cleared = System.nanoTime() - t1;
        } catch (RuntimeException | Error e) {
            idle.addFirst(w); // no room for its buffers (OutOfMemoryError): the worker itself is fine
            throw e;
        }
        w.hand(method, kernel, own);
        long deadline = t0 + budgetNanos;
        while (w.state.get() == Worker.RUNNING) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            LockSupport.parkNanos(this, left);
            if (Thread.interrupted()) {
                // The caller gave up: stop the worker; it goes back to the pool when it returns, its buffers unread.
                if (w.claim(Worker.CANCELLED)) {
                    throw new InterruptedException();
                }
                Thread.currentThread().interrupt(); // it answered just now: the answer stands, the flag stays
                break;
            }
        }
        if (w.state.get() == Worker.RUNNING) {
            String name = w.getName();
            StackTraceElement[] where = w.getStackTrace();
            if (w.claim(Worker.ABANDONED, () -> w.setName(name + abandonedSuffix))) {
                throw new Overran(name, where);
            }
        }
        while (w.state.get() == Worker.RUNNING) {
            Thread.onSpinWait(); // it answered between the check and the claim: its done flag is on its way
        }
        long woke = System.nanoTime();
        try {
            if (w.failure instanceof InvocationTargetException e) {
                throw e;
            } else if (w.failure instanceof IllegalAccessException e) {
                throw e;
            } else if (w.failure != null) {
                throw new InvocationTargetException(w.failure);
            }
            for (int p = 0; p < own.length; p++) {
                if (own[p] != args[p] && own[p] instanceof float[] a) {
                    System.arraycopy(a, 0, (float[]) args[p], 0, a.length);
                } else if (own[p] != args[p] && own[p] instanceof long[] a) {
                    System.arraycopy(a, 0, (long[]) args[p], 0, a.length);
                }
            }
            long done = System.nanoTime();
            // The guard's cost: everything the caller spent but the kernel's own time, split into per call and per byte.
            double handOff = Math.max(0, (w.started - t1 - cleared) + (woke - w.ended) + (t1 - t0));
            fixedNanos += (handOff - fixedNanos) / 16;
            spentNanos.add((long) handOff + cleared + done - woke);
            if (bytes > 0) {
                nanosPerByte += ((double) (cleared + done - woke) / bytes - nanosPerByte) / 16;
            }
            kernelNanos.accept(w.ended - w.started);
            return w.result;
        } finally {
            w.result = null;
            w.failure = null;
            if (closed) {
                w.interrupt();
            } else {
                idle.addFirst(w); // only now: until the copy is done its buffers are this caller's
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Worker w; (w = idle.pollFirst()) != null; ) {
            w.interrupt();
        }
    }

    /** One hot worker, held by one caller at a time; see the class comment. */
    private final class Worker extends Thread {
        static final int IDLE = 0, RUNNING = 1, DONE = 2, CLAIMING = 3, CANCELLED = 4, ABANDONED = 5;
        final AtomicInteger state = new AtomicInteger(IDLE);
        /** Output buffers by parameter position, reused while the lengths stay. */
        private Object[] buffers = new Object[0];
        private volatile Method method;
        private volatile Object kernel;
        private volatile Object[] args;
        private volatile Thread caller;
        private volatile Object result;
        private volatile Throwable failure;
        private volatile long started, ended;

        Worker(String name) {
            super(name);
            setDaemon(true);
            start();
        }

        /** The arguments with this worker's buffers in place of the outputs. */
        Object[] bind(Object[] callArgs, int[] written) {
            if (buffers.length < callArgs.length) {
                buffers = Arrays.copyOf(buffers, callArgs.length);
            }
            Object[] own = callArgs.clone();
            for (int p = 0; p < own.length; p++) {
                boolean output = own[p] instanceof long[] || own[p] instanceof float[] && isWritten(p, written);
                if (output && own[p] instanceof float[] a) {
                    own[p] = buffers[p] instanceof float[] b && b.length == a.length ? b : new float[a.length];
                } else if (output && own[p] instanceof long[] a) {
                    own[p] = buffers[p] instanceof long[] b && b.length == a.length ? b : new long[a.length];
                }
                if (output) {
                    buffers[p] = own[p];
                }
            }
            return own;
        }

        void hand(Method m, Object k, Object[] a) {
            method = m;
            kernel = k;
            args = a;
            caller = Thread.currentThread();
            state.set(RUNNING);
            LockSupport.unpark(this);
        }

        /** Takes a running attempt away from the worker (to {@code to}); false if it answered first. */
        boolean claim(int to) {
            return claim(to, () -> {
            });
        }

        private boolean claim(int to, Runnable meanwhile) {
            if (!state.compareAndSet(RUNNING, CLAIMING)) {
                return false;
            }
            try {
                meanwhile.run();
            } finally {
                interrupt();
                state.set(to); // only now: the worker waits for this, so the interrupt cannot land on a later call
            }
            return true;
        }

        @Override
        public void run() {
            while (true) {
                if (!awaitCall()) {
                    return;
                }
                started = System.nanoTime();
                Object r = null;
                Throwable f = null;
                try {
                    r = method.invoke(kernel, args);
                } catch (Throwable t) {
                    f = t;
                }
                ended = System.nanoTime();
                result = r;
                failure = f;
                Thread waiting = caller;
                method = null;
                kernel = null;
                args = null;
                caller = null;
                if (state.compareAndSet(RUNNING, DONE)) {
                    LockSupport.unpark(waiting);
                    continue; // the caller copies the outputs and puts this worker back
                }
                while (state.get() == CLAIMING) {
                    Thread.onSpinWait();
                }
                Thread.interrupted(); // the claimer's interrupt, delivered: not for the next call
                result = null;
                failure = null;
                if (state.get() == ABANDONED || closed) {
                    return; // it came back after all, too late: it and its buffers are done with
                }
                idle.addFirst(this); // a cancelled call: nobody reads these buffers now
            }
        }

        /** Spins, then parks until a call is handed over; false once idle too long (ended) or closed. */
        private boolean awaitCall() {
            long start = System.nanoTime();
            while (state.get() != RUNNING) {
                if (closed) {
                    return false;
                }
                long waited = System.nanoTime() - start;
                if (waited < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else if (waited < IDLE_NANOS) {
                    LockSupport.parkNanos(this, IDLE_NANOS - waited);
                    Thread.interrupted(); // only close() interrupts an idle worker, and it sets closed first
                } else if (idle.removeFirstOccurrence(this)) {
                    return false;
                } else {
                    start = System.nanoTime(); // a caller took it just now: the call is on its way
                }
            }
            return true;
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
}
