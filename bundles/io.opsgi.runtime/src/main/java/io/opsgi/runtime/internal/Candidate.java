package io.opsgi.runtime.internal;

import io.opsgi.op.Kernel;
import io.opsgi.runtime.KernelState;
import io.opsgi.runtime.VerificationReport;
import java.util.List;

/** A registered kernel service and the calls currently running on it. */
final class Candidate implements KernelSelector.Choice {
    final Kernel kernel;
    final List<String> ops;
    private final String variant;
    private final int ranking;
    private final long serviceId;
    final String bundle;
    /** Guarded by the registry's monitor (volatile for readers of a snapshot). */
    volatile KernelState state = KernelState.UNVERIFIED;
    volatile VerificationReport report;
    /**
     * The kernel's typical call time in nanoseconds, 0 while unknown: the hook where a measured time
     * (the gate's timing of the kernel) sets the per-call deadline; see {@link Leases#budgetNanos}.
     */
    volatile long expectedNanos;
    /** Which verification run counts: a verdict carrying an older ticket (superseded by a release or re-verify) is dropped. */
    int ticket;
    private int inflight;
    private boolean removed;

    Candidate(Kernel kernel, List<String> ops, String variant, int ranking, long serviceId, String bundle) {
        this.kernel = kernel;
        this.ops = ops;
        this.variant = variant;
        this.ranking = ranking;
        this.serviceId = serviceId;
        this.bundle = bundle;
    }

    @Override
    public String variant() {
        return variant;
    }

    @Override
    public int ranking() {
        return ranking;
    }

    @Override
    public long serviceId() {
        return serviceId;
    }

    /** Whether this is its ops' reference kernel, the one every other is compared with. */
    boolean isReference() {
        return io.opsgi.runtime.KernelVerifier.REFERENCE_VARIANT.equals(variant);
    }

    @Override
    public boolean eligible() {
        return state.eligible();
    }

    /** Starts a call; false if the kernel is already on its way out (the caller picks again). */
    synchronized boolean enter() {
        if (removed) {
            return false;
        }
        inflight++;
        return true;
    }

    synchronized void exit() {
        if (--inflight == 0) {
            notifyAll();
        }
    }

    /** Refuses new calls and waits for running ones to finish; false if they did not within the timeout. */
    synchronized boolean retireAndDrain(long timeoutMillis) throws InterruptedException {
        removed = true;
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (inflight > 0) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    synchronized int inflight() {
        return inflight;
    }
}
