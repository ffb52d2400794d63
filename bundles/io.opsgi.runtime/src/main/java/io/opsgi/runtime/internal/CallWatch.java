package io.opsgi.runtime.internal;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Per-call deadlines, watched by one daemon thread. A call's attempt on a kernel runs on the
 * caller's own thread (a hand-off to a worker would cost more than a small call, and answering from
 * a worker would need a private output buffer and a copy of it); the caller only stamps its thread's
 * slot with the kernel and a deadline, and clears it after. When the watchdog finds an attempt past
 * its deadline it reports it (the registry quarantines the kernel, so later calls go to the next one,
 * and names the thread) and interrupts the thread: a kernel that stops when interrupted (every
 * {@code Parallel} loop does between tasks, blocking calls do) returns, and its call is answered by
 * the next kernel of the chain. A kernel spinning without ever looking at its interrupt keeps that
 * one caller: Java cannot take a thread back from running code (that needs the kernel in another
 * process).
 */
final class CallWatch implements AutoCloseable {
    /** What the watchdog does with an attempt past its deadline; runs on the watchdog thread. */
    interface Overrun {
        void overran(Candidate kernel, String op, Object geometry, Thread thread, StackTraceElement[] where, long budgetNanos);
    }

    /** One caller thread's current attempt. */
    static final class Slot {
        private static final int IDLE = 0, RUNNING = 1, FIRING = 2, FIRED = 3;
        final Thread thread = Thread.currentThread();
        private final AtomicInteger state = new AtomicInteger(IDLE);
        private volatile Candidate kernel;
        private volatile String op;
        private volatile Object geometry;
        /** Attempts begun on this thread inside the watched one (a kernel calling the registry); owner thread only. */
        private int nested;
        private volatile long deadline;
        private volatile long budget;
    }

    private final ThreadLocal<Slot> slots = ThreadLocal.withInitial(this::register);
    private final Queue<Slot> all = new ConcurrentLinkedQueue<>();
    private final Overrun onOverrun;
    private final Thread watchdog;
    private volatile boolean closed;

    CallWatch(long tickMillis, Overrun onOverrun) {
        this.onOverrun = onOverrun;
        this.watchdog = new Thread(() -> watch(tickMillis), "opsgi-call-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    private Slot register() {
        Slot s = new Slot();
        all.add(s);
        return s;
    }

    /** Notes the geometry of the call the caller starts (for the report, should an attempt of it overrun). */
    void call(Object geometry) {
        Slot s = slots.get();
        if (s.state.get() == Slot.IDLE) {
            s.geometry = geometry;
        }
    }

    /**
     * Starts watching the caller's attempt on {@code kernel}; an attempt inside a watched one is covered by the outer deadline.
     * Returns when the attempt began ({@link System#nanoTime}).
     */
    long begin(Candidate kernel, String op, long budgetNanos) {
        Slot s = slots.get();
        long now = System.nanoTime();
        if (s.state.get() != Slot.IDLE) {
            s.nested++;
            return now;
        }
        s.kernel = kernel;
        s.op = op;
        s.budget = budgetNanos;
        s.deadline = now + budgetNanos;
        s.state.set(Slot.RUNNING);
        return now;
    }

    /** Stops watching the caller's attempt; true if it overran and the watchdog interrupted the thread for it. */
    boolean end() {
        Slot s = slots.get();
        if (s.nested > 0) {
            s.nested--;
            return false;
        }
        if (s.state.compareAndSet(Slot.RUNNING, Slot.IDLE)) {
            return false;
        }
        while (s.state.get() == Slot.FIRING) {
            Thread.onSpinWait(); // the interrupt is on its way: wait for it, so it cannot land on a later attempt
        }
        boolean fired = s.state.get() == Slot.FIRED;
        s.kernel = null;
        s.geometry = null;
        s.state.set(Slot.IDLE);
        return fired;
    }

    private void watch(long tickMillis) {
        while (!closed) {
            try {
                TimeUnit.MILLISECONDS.sleep(tickMillis);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (Slot s : all) {
                if (!s.thread.isAlive()) {
                    all.remove(s);
                } else if (s.state.get() == Slot.RUNNING && now - s.deadline > 0) {
                    fire(s);
                }
            }
        }
    }

    private void fire(Slot s) {
        if (!s.state.compareAndSet(Slot.RUNNING, Slot.FIRING)) {
            return; // it finished just now
        }
        // The owner cannot start another attempt while the slot is not idle: these fields are this attempt's.
        if (System.nanoTime() - s.deadline < 0) {
            s.state.set(Slot.RUNNING); // a new attempt began between the scan and the claim
            return;
        }
        Candidate kernel = s.kernel;
        String op = s.op;
        Object geometry = s.geometry;
        StackTraceElement[] where = s.thread.getStackTrace();
        try {
            // Quarantined before the caller can go on, so the next kernel answers a chain that knows.
            onOverrun.overran(kernel, op, geometry, s.thread, where, s.budget);
        } catch (RuntimeException e) {
            // reporting must never stop the watchdog
        } finally {
            s.thread.interrupt();
            s.state.set(Slot.FIRED);
        }
    }

    @Override
    public void close() {
        closed = true;
        watchdog.interrupt();
    }
}
