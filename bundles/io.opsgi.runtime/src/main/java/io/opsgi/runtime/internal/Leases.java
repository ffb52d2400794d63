package io.opsgi.runtime.internal;

import io.opsgi.op.Kernel;
import io.opsgi.runtime.KernelDescriptor;
import io.opsgi.runtime.KernelLease;
import io.opsgi.runtime.NoKernelException;
import io.opsgi.runtime.VerificationReport;
import io.opsgi.runtime.chain.KernelChain;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

    private final Selection selection;
    private final GateState gate;
    private final Logger log;
    /** How long a call waits for a kernel of an op whose kernels are all pending. */
    private final LongSupplier pendingWaitMillis;

    Leases(Selection selection, GateState gate, Logger log, LongSupplier pendingWaitMillis) {
        this.selection = selection;
        this.gate = gate;
        this.log = log;
        this.pendingWaitMillis = pendingWaitMillis;
    }

    <K extends Kernel> KernelLease<K> lease(String op, Class<K> type) {
        long deadline = 0;
        while (true) {
            Selection.Snapshot s = selection.current();
            List<Candidate> chain = s.chains().getOrDefault(op, List.of());
            List<Candidate> entered = new ArrayList<>(chain.size());
            for (Candidate c : chain) {
                if (c.enter()) {
                    entered.add(c);
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
            if (chain.isEmpty() && !s.pending(op)) {
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
                selection.awaitChange(s, deadline - now);
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

    /** The geometry (records print their fields) and the other arguments, arrays as their lengths. */
    private static String describe(Object[] args) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; args != null && i < args.length; i++) {
            Object a = args[i];
            sb.append(i == 0 ? "" : ", ").append(a instanceof float[] f ? "float[" + f.length + "]"
                    : a instanceof long[] l ? "long[" + l.length + "]" : String.valueOf(a));
        }
        return sb.append(')').toString();
    }

    /** One call's hold on its chain; the chain reports failures back. */
    private final class Lease<K extends Kernel> implements KernelLease<K>, KernelChain.Monitor {
        private final String op;
        private final List<Candidate> chain;
        private final Selection.Snapshot snapshot;
        private final K kernel;
        private volatile int served;
        private boolean closed;

        Lease(String op, Class<K> type, List<Candidate> chain, Selection.Snapshot snapshot) {
            this.op = op;
            this.chain = chain;
            this.snapshot = snapshot;
            this.kernel = KernelChain.of(type, chain.stream().map(c -> type.cast(c.kernel)).toList(), this);
        }

        @Override
        public K kernel() {
            return kernel;
        }

        @Override
        public KernelDescriptor descriptor() {
            return snapshot.describe(op, chain.get(0));
        }

        @Override
        public KernelDescriptor servedBy() {
            return snapshot.describe(op, chain.get(served));
        }

        @Override
        public void failed(int index, Method method, Object[] args, String problem, Throwable error) {
            failedCall(chain.get(index), op, method, args, problem, error);
        }

        @Override
        public void served(int index) {
            served = index;
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                chain.forEach(Candidate::exit);
            }
        }
    }
}
