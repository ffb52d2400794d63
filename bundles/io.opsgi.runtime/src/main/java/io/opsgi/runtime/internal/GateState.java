package io.opsgi.runtime.internal;

import io.opsgi.op.Kernel;
import io.opsgi.runtime.KernelEvents;
import io.opsgi.runtime.KernelState;
import io.opsgi.runtime.KernelVerifier;
import io.opsgi.runtime.VerificationReport;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.osgi.service.log.Logger;

/**
 * Every registered kernel and where it stands (pending, verified, quarantined): the only place that
 * changes a kernel's state. Each change posts its event and publishes a new selection snapshot,
 * under this object's monitor, so events and snapshots follow the order of changes.
 */
final class GateState implements VerificationGate.Owner {
    private final Selection selection;
    private final KernelEventPosts events;
    private final Logger log;
    private final Map<Long, Candidate> candidates = new HashMap<>();
    private Map<String, String> pins = Map.of();
    /** op -> when its reference went away (a refresh of a bundle it imports, say), until a reference is back. */
    private final Map<String, Long> referenceGone = new HashMap<>();
    /** Until the registry is activated the gate setting is unknown: pending is the safe assumption. */
    private boolean gateOn = true;
    private VerificationGate gate;
    private volatile KernelVerifier verifier;
    /** op -> how many open focuses name it ({@link io.opsgi.runtime.OperatorRegistry#focus}). */
    private final Map<String, Integer> focused = new HashMap<>();
    /** Verifications held back by the focuses (kernel -> its ticket then), submitted again whenever the focuses change. */
    private final Map<Candidate, Integer> held = new LinkedHashMap<>();

    GateState(Selection selection, KernelEventPosts events, Logger log) {
        this.selection = selection;
        this.events = events;
        this.log = log;
    }

    /** Starts the gate; kernels that arrived before are verified now, or freed if the gate is off. */
    synchronized void start(boolean on, Duration timeLimit, VerdictMemory memory) {
        gateOn = on;
        gate = new VerificationGate(this, timeLimit, memory);
        held.clear(); // every pending kernel is submitted to the new gate below
        for (Candidate c : candidates.values()) {
            if (c.state == KernelState.PENDING) {
                if (gateOn) {
                    gate.submit(c, c.ticket);
                } else {
                    c.state = KernelState.UNVERIFIED;
                }
            }
        }
        publish();
    }

    /** Where the gate remembers its passes from now on (null: nowhere). */
    synchronized void rememberIn(VerdictMemory memory) {
        if (gate != null) {
            gate.rememberIn(memory);
        }
    }

    synchronized void stop() {
        if (gate != null) {
            gate.close();
        }
    }

    /** How long a call may wait for a pending kernel: the verification time limit. */
    synchronized long timeLimitMillis(long fallback) {
        return gate == null ? fallback : gate.timeLimit().toMillis();
    }

    void useVerifier(KernelVerifier v) {
        verifier = v;
        synchronized (this) {
            if (gate != null) {
                candidates.values().stream().filter(c -> c.state == KernelState.PENDING).forEach(c -> gate.submit(c, c.ticket));
            }
        }
    }

    void dropVerifier(KernelVerifier v) {
        if (verifier == v) {
            verifier = null;
        }
    }

    synchronized void pins(Map<String, String> next) {
        pins = next;
        publish();
    }

    /** Selection by measured speed (the default) or by ranking alone ({@code opsgi.select}). */
    synchronized void selectBySpeed(boolean bySpeed) {
        selection.bySpeed(bySpeed);
        publish();
    }

    /** A kernel arrived: pending (and queued for verification) while the gate is on. */
    synchronized void add(Candidate c) {
        c.state = gateOn ? KernelState.PENDING : KernelState.UNVERIFIED;
        candidates.put(c.serviceId(), c);
        if (c.isReference()) {
            c.ops.forEach(referenceGone::remove);
        }
        if (gateOn) {
            events.post(KernelEvents.PENDING, c);
        }
        publish();
        if (gateOn && gate != null) {
            gate.submit(c, c.ticket);
        }
    }

    /** A kernel's service went away: withdrawn from selection at once; null if it was never added. */
    synchronized Candidate remove(long serviceId) {
        Candidate c = candidates.remove(serviceId);
        if (c != null) {
            c.ticket++; // a verification still running for it no longer counts
            // A reference that was serving, or about to (pending: a refresh can stop it again before its verification
            // ends), is expected back: calls wait for it rather than fail while no other kernel of its ops is there.
            if (c.isReference() && (c.state.eligible() || c.state == KernelState.PENDING)) {
                long now = System.nanoTime();
                c.ops.forEach(op -> referenceGone.put(op, now));
            }
            events.post(KernelEvents.REMOVED, c);
            publish();
        }
        return c;
    }

    @Override
    public KernelVerifier verifier() {
        return verifier;
    }

    @Override
    public Map<String, Kernel> referencesFor(Candidate c) {
        Map<String, Kernel> refs = new HashMap<>();
        if (KernelVerifier.REFERENCE_VARIANT.equals(c.variant())) {
            return refs;
        }
        Selection.Snapshot s = selection.current();
        for (String op : c.ops) {
            for (Candidate r : s.byOp().getOrDefault(op, List.of())) {
                if (r != c && KernelVerifier.REFERENCE_VARIANT.equals(r.variant())) {
                    if (r.state == KernelState.PENDING) {
                        return null;
                    }
                    if (r.state.eligible()) {
                        refs.put(op, r.kernel);
                    }
                }
            }
        }
        return refs;
    }

    @Override
    public synchronized org.osgi.framework.Bundle home(Kernel k) {
        return candidates.values().stream().filter(c -> c.kernel == k).map(c -> c.home).findFirst().orElse(null);
    }

    @Override
    public Map<String, Map<String, Kernel>> rivalsFor(Candidate c) {
        Map<String, Map<String, Kernel>> rivals = new HashMap<>();
        Selection.Snapshot s = selection.current();
        for (String op : c.ops) {
            Map<String, Kernel> byVariant = new HashMap<>();
            for (Candidate r : s.chain(op)) {
                if (r != c && !r.variant().equals(c.variant())) {
                    byVariant.put(r.variant(), r.kernel);
                }
            }
            rivals.put(op, byVariant);
        }
        return rivals;
    }

    /**
     * Keeps the times a verification measured: the verified kernel's own, and those of the kernels it
     * was timed against in the same run (fresher, and taken under the same load as the newcomer's).
     * Per op and class the slowest workload of the class counts, for the time and for the time per unit
     * of work (the deadline's rate) alike.
     */
    private void measured(Candidate c, List<VerificationReport.Timing> timings) {
        Map<String, Long> worst = new HashMap<>();
        Map<String, Double> worstPerUnit = new HashMap<>();
        for (VerificationReport.Timing t : timings) {
            String key = t.op() + "\n" + t.geometryClass() + "\n" + t.variant();
            worst.merge(key, t.medianNanos(), Math::max);
            if (t.work() > 0) {
                worstPerUnit.merge(key, (double) t.medianNanos() / t.work(), Math::max);
            }
        }
        worst.forEach((key, nanos) -> {
            String[] k = key.split("\n");
            Candidate timed = k[2].equals(c.variant()) ? c : selection.current().byOp().getOrDefault(k[0], List.of()).stream()
                    .filter(r -> r.variant().equals(k[2]) && r.state.eligible()).findFirst().orElse(null);
            if (timed != null) {
                timed.measured(k[0], k[1], nanos, worstPerUnit.getOrDefault(key, 0.0));
            }
        });
    }

    /** Opens ({@code +1}) or closes ({@code -1}) a focus on {@code ops}; what was held back is weighed again under the new focuses. */
    synchronized void focus(Collection<String> ops, int change) {
        for (String op : ops) {
            focused.merge(op, change, (a, b) -> a + b == 0 ? null : a + b);
        }
        Map<Candidate, Integer> again = new LinkedHashMap<>(held);
        held.clear();
        if (gate != null) {
            again.forEach(gate::submit);
        }
    }

    /**
     * While a focus is open, a kernel serving none of its ops is held back, unless a pending kernel of those ops is
     * compared with it (it serves an op of such a kernel: the reference of that op).
     */
    @Override
    public synchronized boolean holdBack(Candidate c, int ticket) {
        if (focused.isEmpty()) {
            return false;
        }
        Set<String> first = new HashSet<>(focused.keySet());
        for (Candidate p : candidates.values()) {
            if (p.state == KernelState.PENDING && !Collections.disjoint(p.ops, focused.keySet())) {
                first.addAll(p.ops);
            }
        }
        if (!Collections.disjoint(c.ops, first)) {
            return false;
        }
        held.put(c, ticket);
        return true;
    }

    @Override
    public synchronized boolean current(Candidate c, int ticket) {
        return candidates.get(c.serviceId()) == c && c.ticket == ticket;
    }

    @Override
    public void verdict(Candidate c, int ticket, VerificationReport report) {
        synchronized (this) {
            if (!current(c, ticket)) {
                return;
            }
            c.report = report;
            c.fresh = false;
            if (!report.passed() && gate != null) {
                gate.forget(c);
            }
            if (c.state != KernelState.QUARANTINED) {
                c.state = report.passed() ? KernelState.VERIFIED : KernelState.QUARANTINED;
            }
            if (report.passed()) {
                measured(c, report.timings());
            }
            events.post(c.state == KernelState.VERIFIED ? KernelEvents.VERIFIED : KernelEvents.QUARANTINED, c);
            publish();
        }
        if (report.passed()) {
            log.info("Kernel {} for {} from {} verified: {}", c.variant(), c.ops, c.bundle, report.summary());
        } else {
            log.error("Kernel {} for {} from {} quarantined: {}", c.variant(), c.ops, c.bundle, report.text());
        }
    }

    /** Quarantines {@code c} after it failed a live call; false if it was gone or quarantined already. */
    synchronized boolean quarantine(Candidate c, VerificationReport report) {
        if (candidates.get(c.serviceId()) != c || c.state == KernelState.QUARANTINED) {
            return false;
        }
        c.state = KernelState.QUARANTINED;
        c.report = report;
        if (gate != null) {
            gate.forget(c); // a remembered pass must not serve it again after a restart
        }
        events.post(KernelEvents.QUARANTINED, c);
        publish();
        return true;
    }

    synchronized void reverify(String op, String variant) {
        Candidate c = find(op, variant);
        c.ticket++;
        c.fresh = true;
        if (gate != null) {
            gate.submit(c, c.ticket);
        }
    }

    synchronized void release(String op, String variant) {
        Candidate c = find(op, variant);
        if (c.state != KernelState.QUARANTINED) {
            throw new IllegalArgumentException(op + "/" + variant + " is " + c.state.name().toLowerCase() + ", not quarantined");
        }
        c.ticket++;
        c.fresh = true;
        c.state = gateOn ? KernelState.PENDING : KernelState.UNVERIFIED;
        events.post(KernelEvents.RELEASED, c);
        publish();
        if (gateOn && gate != null) {
            gate.submit(c, c.ticket);
        }
    }

    private Candidate find(String op, String variant) {
        return candidates.values().stream().filter(c -> c.ops.contains(op) && c.variant().equals(variant)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no kernel " + variant + " for " + op + " is registered"));
    }

    /** Publishes the snapshot and announces the ops whose active kernel changed; callers hold the monitor. */
    private void publish() {
        Selection.Snapshot old = selection.publish(candidates.values(), pins, referenceGone);
        Selection.Snapshot next = selection.current();
        for (String op : next.byOp().keySet()) {
            Candidate now = next.active(op);
            if (now != null && now != old.active(op)) {
                events.post(KernelEvents.ACTIVATED, now, op);
            }
        }
    }
}
