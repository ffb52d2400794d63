package io.opsgi.runtime.internal;

import io.opsgi.op.Kernel;
import io.opsgi.op.KernelChain;
import io.opsgi.op.KernelInfo;
import io.opsgi.runtime.KernelDescriptor;
import io.opsgi.runtime.KernelEvents;
import io.opsgi.runtime.KernelLease;
import io.opsgi.runtime.KernelState;
import io.opsgi.runtime.KernelVerifier;
import io.opsgi.runtime.NoKernelException;
import io.opsgi.runtime.OperatorRegistry;
import io.opsgi.runtime.VerificationReport;
import java.io.IOException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * Tracks kernel services (dynamic, greedy: a better kernel rebinds in place, no restart), gates them
 * through verification, and publishes an immutable selection snapshot on every change.
 *
 * <p>A call leases the op's chain of eligible kernels (active first, reference last) and enters
 * each, so none of them can be deactivated under it: a kernel that goes away is first withdrawn
 * from selection, then its unbind waits for the calls holding it. A kernel that throws or writes
 * non-finite garbage during a call is quarantined on the spot and the call goes on down the chain.
 */
@Component(configurationPid = OperatorRegistry.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class KernelRegistry implements OperatorRegistry, VerificationGate.Owner {
    /** How long an unbinding kernel waits for the calls running on it. */
    static final long DRAIN_TIMEOUT_MILLIS = 30_000;
    static final long DEFAULT_VERIFY_TIMEOUT_SECONDS = 120;

    @Reference(service = LoggerFactory.class)
    private Logger log;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ConfigurationAdmin configAdmin;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile EventAdmin eventAdmin;

    private volatile KernelVerifier verifier;

    private final Map<Long, Candidate> candidates = new HashMap<>();
    private Map<String, String> pins = Map.of();
    private boolean gateOn = true;
    private VerificationGate gate;
    /** Replaced whole on every change; readers never lock. */
    private volatile Snapshot snapshot = new Snapshot(Map.of(), Map.of(), Map.of());

    /** op -> every candidate in ranking order, op -> the chain calls use (eligible, pinned first), pins. */
    private record Snapshot(Map<String, List<Candidate>> byOp, Map<String, List<Candidate>> chains, Map<String, String> pins) {
        Candidate active(String op) {
            List<Candidate> chain = chains.get(op);
            return chain == null || chain.isEmpty() ? null : chain.get(0);
        }

        boolean pending(String op) {
            return byOp.getOrDefault(op, List.of()).stream().anyMatch(c -> c.state == KernelState.PENDING);
        }
    }

    @Activate
    void activate(BundleContext context, Map<String, Object> config) {
        gateOn = !"off".equalsIgnoreCase(setting(context, config, GATE, "on"));
        long seconds = Long.parseLong(setting(context, config, VERIFY_TIMEOUT, Long.toString(DEFAULT_VERIFY_TIMEOUT_SECONDS)));
        synchronized (this) {
            gate = new VerificationGate(this, Duration.ofSeconds(seconds));
            // Kernels bound before activation were registered as pending: verify them now, or free them if the gate is off.
            for (Candidate c : candidates.values()) {
                if (c.state == KernelState.PENDING) {
                    if (gateOn) {
                        gate.submit(c, c.ticket);
                    } else {
                        c.state = KernelState.UNVERIFIED;
                    }
                }
            }
            configure(config);
        }
        log.info("Verification gate {} (time limit {} s)", gateOn ? "on" : "off", seconds);
    }

    @Deactivate
    synchronized void deactivate() {
        gate.close();
    }

    @Modified
    void configure(Map<String, Object> config) {
        Map<String, String> p = new TreeMap<>();
        config.forEach((k, v) -> {
            if (k.startsWith(PIN_PREFIX) && v != null && !v.toString().isBlank()) {
                p.put(k.substring(PIN_PREFIX.length()), v.toString().trim());
            }
        });
        synchronized (this) {
            pins = Map.copyOf(p);
            publish();
        }
    }

    private static String setting(BundleContext context, Map<String, Object> config, String key, String fallback) {
        Object v = config.get(key);
        if (v == null) {
            v = context.getProperty(key);
        }
        return v == null || v.toString().isBlank() ? fallback : v.toString().trim();
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindVerifier(KernelVerifier v) {
        verifier = v;
        synchronized (this) {
            if (gate != null) {
                candidates.values().stream().filter(c -> c.state == KernelState.PENDING).forEach(c -> gate.submit(c, c.ticket));
            }
        }
    }

    void unbindVerifier(KernelVerifier v) {
        if (verifier == v) {
            verifier = null;
        }
    }

    @Reference(service = Kernel.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindKernel(ServiceReference<Kernel> ref, Kernel kernel) {
        Candidate c = candidateOf(ref, kernel);
        if (c.ops.isEmpty() || c.variant() == null) {
            log.warn("Ignoring kernel service {} of {}: it needs the {} and {} properties", c.serviceId(), c.bundle, KernelInfo.OP,
                    KernelInfo.VARIANT);
            return;
        }
        synchronized (this) {
            // Before activation the gate setting is unknown: pending is the safe assumption (activate decides).
            c.state = gateOn ? KernelState.PENDING : KernelState.UNVERIFIED;
            candidates.put(c.serviceId(), c);
            post(KernelEvents.PENDING, c, gateOn);
            publish();
            if (gateOn && gate != null) {
                gate.submit(c, c.ticket);
            }
        }
        log.info("Kernel {} for {} arrived from {} (ranking {}, {})", c.variant(), c.ops, c.bundle, c.ranking(), c.state);
    }

    void updatedKernel(ServiceReference<Kernel> ref, Kernel kernel) {
        // Ranking or ops changed: replace the entry (running calls keep their lease on the old one).
        unbindKernel(ref);
        bindKernel(ref, kernel);
    }

    void unbindKernel(ServiceReference<Kernel> ref) {
        long id = (Long) ref.getProperty(Constants.SERVICE_ID);
        Candidate c;
        synchronized (this) {
            c = candidates.remove(id);
            if (c == null) {
                return;
            }
            c.ticket++; // a verification still running for it no longer counts
            post(KernelEvents.REMOVED, c, true);
            publish();
        }
        try {
            if (!c.retireAndDrain(DRAIN_TIMEOUT_MILLIS)) {
                log.warn("Kernel {} of {} left with {} calls still running after {} ms", c.variant(), c.bundle, c.inflight(),
                        DRAIN_TIMEOUT_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("Kernel {} for {} left", c.variant(), c.ops);
    }

    // ---- the gate's side -------------------------------------------------------------------

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
        Snapshot s = snapshot;
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
    public synchronized boolean current(Candidate c, int ticket) {
        return candidates.get(c.serviceId()) == c && c.ticket == ticket;
    }

    @Override
    public void verdict(Candidate c, int ticket, VerificationReport report) {
        KernelState now;
        synchronized (this) {
            if (!current(c, ticket)) {
                return;
            }
            c.report = report;
            if (c.state != KernelState.QUARANTINED) {
                c.state = report.passed() ? KernelState.VERIFIED : KernelState.QUARANTINED;
            }
            now = c.state;
            post(now == KernelState.VERIFIED ? KernelEvents.VERIFIED : KernelEvents.QUARANTINED, c, true);
            publish();
        }
        if (report.passed()) {
            log.info("Kernel {} for {} from {} verified: {}", c.variant(), c.ops, c.bundle, report.summary());
        } else {
            log.error("Kernel {} for {} from {} quarantined: {}", c.variant(), c.ops, c.bundle, report.text());
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
        VerificationReport report = VerificationReport.failed("failed a call: " + problem, details, Duration.ZERO);
        synchronized (this) {
            if (candidates.get(c.serviceId()) != c || c.state == KernelState.QUARANTINED) {
                return;
            }
            c.state = KernelState.QUARANTINED;
            c.report = report;
            post(KernelEvents.QUARANTINED, c, true);
            publish();
        }
        log.error("Kernel {} for {} from {} quarantined after failing a call ({}); the call was answered by the next kernel. Case: {}",
                c.variant(), op, c.bundle, problem, theCase);
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

    // ---- selection --------------------------------------------------------------------------

    /** Recomputes the snapshot and announces changed active kernels; callers hold the monitor. */
    private void publish() {
        Snapshot old = snapshot;
        Map<String, List<Candidate>> byOp = new TreeMap<>();
        for (Candidate c : candidates.values()) {
            for (String op : c.ops) {
                byOp.computeIfAbsent(op, k -> new ArrayList<>()).add(c);
            }
        }
        Map<String, List<Candidate>> chains = new HashMap<>();
        byOp.replaceAll((op, list) -> {
            List<Candidate> ordered = KernelSelector.ordered(list);
            chains.put(op, List.copyOf(KernelSelector.chain(ordered, pins.get(op))));
            return List.copyOf(ordered);
        });
        Snapshot next = new Snapshot(byOp, Map.copyOf(chains), pins);
        snapshot = next;
        notifyAll(); // callers waiting for a kernel of a pending op
        for (String op : byOp.keySet()) {
            Candidate now = next.active(op);
            if (now != null && now != old.active(op)) {
                post(KernelEvents.ACTIVATED, now, op);
            }
        }
    }

    @Override
    public List<KernelDescriptor> kernels() {
        Snapshot s = snapshot;
        List<KernelDescriptor> out = new ArrayList<>();
        s.byOp().forEach((op, list) -> list.forEach(c -> out.add(describe(s, op, c))));
        return out;
    }

    @Override
    public Optional<KernelDescriptor> active(String op) {
        Snapshot s = snapshot;
        return Optional.ofNullable(s.active(op)).map(c -> describe(s, op, c));
    }

    @Override
    public <K extends Kernel> KernelLease<K> lease(String op, Class<K> type) {
        long deadline = 0;
        while (true) {
            Snapshot s = snapshot;
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
                deadline = now + gateTimeLimitMillis();
            } else if (now >= deadline) {
                throw new NoKernelException(op + "' (its kernels are still pending verification; see 'opsgi list'");
            }
            awaitChange(s, deadline - now);
        }
    }

    private synchronized void awaitChange(Snapshot seen, long millis) {
        try {
            if (snapshot == seen) {
                wait(Math.max(1, millis));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NoKernelException("' (interrupted while waiting for a kernel of it)");
        }
    }

    private synchronized long gateTimeLimitMillis() {
        return gate == null ? DRAIN_TIMEOUT_MILLIS : gate.timeLimit().toMillis();
    }

    /** One call's hold on its chain; the chain reports failures back to the registry. */
    private final class Lease<K extends Kernel> implements KernelLease<K>, KernelChain.Monitor {
        private final String op;
        private final List<Candidate> chain;
        private final Snapshot snapshot;
        private final K kernel;
        private volatile int served;
        private boolean closed;

        Lease(String op, Class<K> type, List<Candidate> chain, Snapshot snapshot) {
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
            return describe(snapshot, op, chain.get(0));
        }

        @Override
        public KernelDescriptor servedBy() {
            return describe(snapshot, op, chain.get(served));
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

    // ---- management -------------------------------------------------------------------------

    @Override
    public void pin(String op, String variant) {
        updatePins(op, variant);
    }

    @Override
    public void unpin(String op) {
        updatePins(op, null);
    }

    @Override
    public void reverify(String op, String variant) {
        synchronized (this) {
            Candidate c = find(op, variant);
            c.ticket++;
            if (gate != null) {
                gate.submit(c, c.ticket);
            }
        }
    }

    @Override
    public void release(String op, String variant) {
        Candidate c;
        synchronized (this) {
            c = find(op, variant);
            if (c.state != KernelState.QUARANTINED) {
                throw new IllegalArgumentException(op + "/" + variant + " is " + c.state.name().toLowerCase() + ", not quarantined");
            }
            c.ticket++;
            c.state = gateOn ? KernelState.PENDING : KernelState.UNVERIFIED;
            post(KernelEvents.RELEASED, c, true);
            publish();
            if (gateOn && gate != null) {
                gate.submit(c, c.ticket);
            }
        }
        log.info("Kernel {} for {} released from quarantine by command", variant, op);
    }

    @Override
    public synchronized boolean awaitSettled(long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (candidates.values().stream().anyMatch(c -> c.state == KernelState.PENDING)) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    private Candidate find(String op, String variant) {
        return candidates.values().stream().filter(c -> c.ops.contains(op) && c.variant().equals(variant)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no kernel " + variant + " for " + op + " is registered"));
    }

    private void updatePins(String op, String variant) {
        ConfigurationAdmin ca = configAdmin;
        if (ca == null) {
            throw new IllegalStateException("pinning needs Config Admin, which is not running");
        }
        try {
            Configuration cfg = ca.getConfiguration(PID, "?");
            Dictionary<String, Object> props = cfg.getProperties();
            Dictionary<String, Object> next = new Hashtable<>();
            if (props != null) {
                for (var keys = props.keys(); keys.hasMoreElements();) {
                    String k = keys.nextElement();
                    next.put(k, props.get(k));
                }
            }
            if (variant == null) {
                next.remove(PIN_PREFIX + op);
            } else {
                next.put(PIN_PREFIX + op, variant);
            }
            cfg.update(next);
        } catch (IOException e) {
            throw new IllegalStateException("could not update configuration " + PID + ": " + e.getMessage(), e);
        }
    }

    // ---- events -----------------------------------------------------------------------------
    // Posted while holding the monitor, state event before the activations it causes: Event Admin
    // delivers asynchronous events from one thread in posting order, so a monitor sees them in order.

    private void post(String topic, Candidate c, boolean when) {
        if (when) {
            post(topic, c, c.ops.toArray(String[]::new));
        }
    }

    private void post(String topic, Candidate c, String op) {
        post(topic, c, new String[] {op});
    }

    private void post(String topic, Candidate c, String[] ops) {
        EventAdmin ea = eventAdmin;
        if (ea == null) {
            return;
        }
        Map<String, Object> props = new HashMap<>();
        props.put(KernelEvents.OP, ops);
        props.put(KernelEvents.VARIANT, c.variant());
        props.put(KernelEvents.BUNDLE, c.bundle);
        props.put(KernelEvents.SERVICE_ID, c.serviceId());
        props.put(KernelEvents.STATE, c.state.name());
        VerificationReport r = c.report;
        if (r != null) {
            props.put(KernelEvents.REPORT, r.text());
        }
        ea.postEvent(new Event(topic, props));
    }

    private static KernelDescriptor describe(Snapshot s, String op, Candidate c) {
        return new KernelDescriptor(op, c.variant(), c.ranking(), c.serviceId(), c.bundle, c.state, s.active(op) == c,
                Objects.equals(c.variant(), s.pins().get(op)), c.report);
    }

    private static Candidate candidateOf(ServiceReference<Kernel> ref, Kernel kernel) {
        Object ops = ref.getProperty(KernelInfo.OP);
        List<String> opList = ops instanceof String[] a ? Arrays.asList(a) : ops instanceof String one ? List.of(one) : List.of();
        Object variant = ref.getProperty(KernelInfo.VARIANT);
        Object ranking = ref.getProperty(Constants.SERVICE_RANKING);
        var b = ref.getBundle();
        String bundle = b == null ? "?" : b.getSymbolicName() + " " + b.getVersion();
        return new Candidate(kernel, List.copyOf(opList), variant == null ? null : variant.toString(),
                ranking instanceof Integer i ? i : 0, (Long) ref.getProperty(Constants.SERVICE_ID), bundle);
    }
}
