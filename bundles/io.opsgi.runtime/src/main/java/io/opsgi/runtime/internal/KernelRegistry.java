package io.opsgi.runtime.internal;

import io.opsgi.op.Kernel;
import io.opsgi.op.KernelInfo;
import io.opsgi.runtime.KernelDescriptor;
import io.opsgi.runtime.KernelEvents;
import io.opsgi.runtime.KernelLease;
import io.opsgi.runtime.KernelState;
import io.opsgi.runtime.KernelVerifier;
import io.opsgi.runtime.LiveCallJudge;
import io.opsgi.runtime.OperatorRegistry;
import io.opsgi.runtime.VerificationReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Predicate;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ManagedServiceFactory;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * The registry as a DS component: tracks kernel services (dynamic, greedy: a better kernel rebinds
 * in place, no restart) and wires the rooms that do the work: {@link GateState} (each kernel's
 * state), {@link Selection} (the snapshot calls read), {@link Leases} (calls and drain),
 * {@link Pins} (Config Admin) and {@link KernelEventPosts} (Event Admin).
 */
@Component(configurationPid = OperatorRegistry.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class KernelRegistry implements OperatorRegistry {
    static final long DEFAULT_VERIFY_TIMEOUT_SECONDS = 120;
    static final long DEFAULT_CALL_DEADLINE_MILLIS = 30_000;
    /**
     * One call in a hundred is offered for a shadow check, and the checks may take 0.5% of one core's
     * time, the sampled callers' copies included: the reference is often 10-100x slower than the kernel it
     * checks, so the budget is what bounds the overhead; the rate only spreads the checks over the calls.
     * Why half of the 1% target: on a machine whose cores all run the kernel, the worst a check can do is
     * stall the kernel for as long as it runs (a 2-thread kernel waiting at its join for a helper the check
     * pushed off its core), so the checks cost the calls at most their budget; the other half is margin
     * for the deadline watch and for a loaded machine.
     */
    static final double DEFAULT_SHADOW_RATE = 0.01;
    static final double DEFAULT_SHADOW_BUDGET = 0.005;

    private final Logger log;
    private final Selection selection = new Selection();
    private final KernelEventPosts events = new KernelEventPosts();
    private final GateState gate;
    private final Leases leases;
    private final Pins pins;
    private ServiceRegistration<ManagedServiceFactory> pinRecords;
    private final ExitGuard exitGuard;
    private volatile BundleContext context;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ConfigurationAdmin configAdmin;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile LiveCallJudge judge;

    /** The logger comes through the constructor: kernels bind before any field reference is set. */
    @Activate
    public KernelRegistry(@Reference(service = LoggerFactory.class) Logger log, @Reference ExitGuard exitGuard) {
        this.log = log;
        this.exitGuard = exitGuard;
        this.gate = new GateState(selection, events, log);
        this.leases = new Leases(selection, gate, log, () -> gate.timeLimitMillis(Leases.DRAIN_TIMEOUT_MILLIS));
        this.pins = new Pins(gate::pins);
        exitGuard.listen(r -> refused(r).forEach(c -> events.post(KernelEvents.QUARANTINED, c)));
    }

    @Activate
    void activate(BundleContext context, Map<String, Object> config) {
        boolean gateOn = !"off".equalsIgnoreCase(setting(context, config, GATE, "on"));
        long seconds = (long) number(context, config, VERIFY_TIMEOUT, DEFAULT_VERIFY_TIMEOUT_SECONDS);
        this.context = context;
        pins.legacy(config);
        pinRecords = context.registerService(ManagedServiceFactory.class, pins,
                new Hashtable<>(Map.of(Constants.SERVICE_PID, Pins.FACTORY_PID)));
        gate.selectBySpeed(bySpeed(config));
        gate.start(gateOn, Duration.ofSeconds(seconds), verdicts(config));
        watchLiveCalls(config);
        log.info("Verification gate {} (time limit {} s)", gateOn ? "on" : "off", seconds);
    }

    /** (Re)starts the live checks with the deadline floor and shadow-check settings now configured. */
    private void watchLiveCalls(Map<String, Object> config) {
        BundleContext ctx = context;
        watchLiveCalls(leases, config, key -> ctx == null ? null : ctx.getProperty(key), () -> judge, log);
    }

    /**
     * What {@link #configure} does with the live-check settings of {@code config} (else the framework
     * property, else the default): {@code opsgi.call.deadline} 0 turns the deadline watch and the guard
     * off, {@code opsgi.shadow.rate} 0 the shadow checks. Static so a benchmark can switch the checks in
     * one JVM through the very code a user's configuration goes through.
     */
    static void watchLiveCalls(Leases leases, Map<String, ?> config, Function<String, Object> frameworkProperty,
            ShadowChecks.LiveCallJudgeSource judges, Logger log) {
        long deadline = (long) number(frameworkProperty, config, CALL_DEADLINE, DEFAULT_CALL_DEADLINE_MILLIS, log);
        double rate = Math.min(1, number(frameworkProperty, config, SHADOW_RATE, DEFAULT_SHADOW_RATE, log));
        double budget = Math.min(1, number(frameworkProperty, config, SHADOW_BUDGET, DEFAULT_SHADOW_BUDGET, log));
        leases.stopWatching();
        leases.watch(deadline, rate > 0 ? new ShadowChecks(rate, budget, judges, leases::mismatch, leases.shadowAccount) : null);
        log.info("Live calls: deadline floor {} ms, shadow checks offered {} of calls, within {} of a core", deadline, rate, budget);
    }

    @Deactivate
    void deactivate() {
        leases.stopWatching();
        try {
            pinRecords.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the framework is stopping
        }
        gate.stop();
    }

    @Modified
    void configure(Map<String, Object> config) {
        pins.legacy(config);
        gate.selectBySpeed(bySpeed(config));
        gate.rememberIn(verdicts(config));
        watchLiveCalls(config);
    }

    /** Where passes are remembered ({@code opsgi.verdicts}), or null. */
    private VerdictMemory verdicts(Map<String, Object> config) {
        VerdictMemory m = VerdictMemory.in(setting(context, config, VERDICTS, null), log);
        log.info("Verification passes remembered in {}", m == null ? "no folder" : m.folder());
        return m;
    }

    /** Selection by measured speed unless {@code opsgi.select} is {@code ranking}; another value is reported in one line. */
    private boolean bySpeed(Map<String, Object> config) {
        String v = setting(context, config, SELECT, "speed");
        if (!v.equalsIgnoreCase("speed") && !v.equalsIgnoreCase("ranking")) {
            log.warn("{} = {} is neither speed nor ranking; selecting by speed", SELECT, v);
        }
        return !v.equalsIgnoreCase("ranking");
    }

    /** A numeric setting; a value that is not a non-negative number is reported in one line and the default used. */
    private double number(BundleContext context, Map<String, Object> config, String key, double fallback) {
        return number(key2 -> context.getProperty(key2), config, key, fallback, log);
    }

    private static double number(Function<String, Object> frameworkProperty, Map<String, ?> config, String key, double fallback, Logger log) {
        String v = setting(frameworkProperty, config, key, null);
        if (v == null) {
            return fallback;
        }
        try {
            double d = Double.parseDouble(v);
            if (d >= 0 && !Double.isNaN(d) && !Double.isInfinite(d)) {
                return d;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        log.error("Ignoring {}={}: not a non-negative number; using {}", key, v, fallback);
        return fallback;
    }

    private static String setting(BundleContext context, Map<String, Object> config, String key, String fallback) {
        return setting(key2 -> context.getProperty(key2), config, key, fallback);
    }

    private static String setting(Function<String, Object> frameworkProperty, Map<String, ?> config, String key, String fallback) {
        Object v = config.get(key);
        if (v == null) {
            v = frameworkProperty.apply(key);
        }
        return v == null || v.toString().isBlank() ? fallback : v.toString().trim();
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void bindEventAdmin(EventAdmin ea) {
        events.use(ea);
    }

    void unbindEventAdmin(EventAdmin ea) {
        events.drop(ea);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindVerifier(KernelVerifier v) {
        gate.useVerifier(v);
    }

    void unbindVerifier(KernelVerifier v) {
        gate.dropVerifier(v);
    }

    @Reference(service = Kernel.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindKernel(ServiceReference<Kernel> ref, Kernel kernel) {
        if (exitGuard.check(ref.getBundle()) != null) {
            return; // resolved before the guard was there (startup): it is reported, and never called
        }
        Candidate c = candidateOf(ref, kernel);
        if (c.ops.isEmpty() || c.variant() == null) {
            log.warn("Ignoring kernel service {} of {}: it needs the {} and {} properties", c.serviceId(), c.bundle, KernelInfo.OP,
                    KernelInfo.VARIANT);
            return;
        }
        gate.add(c);
        log.info("Kernel {} for {} arrived from {} (ranking {}, {})", c.variant(), c.ops, c.bundle, c.ranking(), c.state);
    }

    void updatedKernel(ServiceReference<Kernel> ref, Kernel kernel) {
        // Ranking or ops changed: replace the entry (running calls keep their lease on the old one).
        unbindKernel(ref);
        bindKernel(ref, kernel);
    }

    void unbindKernel(ServiceReference<Kernel> ref) {
        Candidate c = gate.remove((Long) ref.getProperty(Constants.SERVICE_ID));
        if (c != null) {
            leases.drain(c);
            log.info("Kernel {} for {} left", c.variant(), c.ops);
        }
    }

    // ---- OperatorRegistry -------------------------------------------------------------------

    @Override
    public List<KernelDescriptor> kernels() {
        Selection.Snapshot s = selection.current();
        List<KernelDescriptor> out = new ArrayList<>();
        s.byOp().forEach((op, list) -> list.forEach(c -> out.add(s.describe(op, c))));
        for (ExitGuard.Refusal r : exitGuard.refused()) {
            for (Candidate c : refused(r)) {
                c.ops.forEach(op -> out.add(s.describe(op, c)));
            }
        }
        return out;
    }

    /** A refused bundle's kernels as quarantined candidates that never registered (service id -1), for the list and events. */
    private static List<Candidate> refused(ExitGuard.Refusal r) {
        List<Candidate> out = new ArrayList<>();
        for (KernelDeclarations.Declared d : r.kernels()) {
            Candidate c = new Candidate(null, d.ops(), d.variant(), 0, -1, r.bundle());
            c.state = KernelState.QUARANTINED;
            c.report = VerificationReport.failed("refused before any of its code ran: " + r.reason(), List.of(r.reason()), Duration.ZERO);
            out.add(c);
        }
        return out;
    }

    @Override
    public Optional<KernelDescriptor> active(String op) {
        Selection.Snapshot s = selection.current();
        return Optional.ofNullable(s.active(op)).map(c -> s.describe(op, c));
    }

    @Override
    public <K extends Kernel> KernelLease<K> lease(String op, Class<K> type) {
        return leases.lease(op, type);
    }

    @Override
    public void pin(String op, String variant) {
        List<KernelDescriptor> all = kernels();
        Set<String> ops = new TreeSet<>();
        Set<String> variants = new TreeSet<>();
        for (KernelDescriptor k : all) {
            ops.add(k.op());
            if (k.op().equals(op)) {
                variants.add(k.variant());
            }
        }
        if (!ops.contains(op)) {
            throw new IllegalArgumentException("cannot pin op '" + op + "': no kernel serves it; ops with kernels: " + String.join(", ", ops));
        }
        if (!variants.contains(variant)) {
            throw new IllegalArgumentException("cannot pin " + op + " to '" + variant + "': no such variant is registered; "
                    + op + " has " + String.join(", ", variants));
        }
        Pins.store(configAdmin, op, variant);
    }

    @Override
    public void unpin(String op) {
        clearPin(op);
    }

    @Override
    public Optional<String> clearPin(String op) {
        return Optional.ofNullable(Pins.remove(configAdmin, op));
    }

    @Override
    public void reverify(String op, String variant) {
        gate.reverify(op, variant);
    }

    @Override
    public void release(String op, String variant) {
        gate.release(op, variant);
        log.info("Kernel {} for {} released from quarantine by command", variant, op);
    }

    @Override
    public boolean awaitSettled(long timeoutMillis) throws InterruptedException {
        return awaitSettled(Selection.Snapshot::anyPending, timeoutMillis);
    }

    @Override
    public Focus focus(Collection<String> ops) {
        Set<String> first = Set.copyOf(ops);
        gate.focus(first, 1);
        AtomicBoolean open = new AtomicBoolean(true);
        return new Focus() {
            @Override
            public boolean awaitSettled(long timeoutMillis) throws InterruptedException {
                return KernelRegistry.this.awaitSettled(s -> first.stream().anyMatch(s::pending), timeoutMillis);
            }

            @Override
            public void close() {
                if (open.getAndSet(false)) {
                    gate.focus(first, -1);
                }
            }
        };
    }

    /** Waits until {@code pending} is false of the current snapshot, at most {@code timeoutMillis}; true if it is. */
    private boolean awaitSettled(Predicate<Selection.Snapshot> pending, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (true) {
            Selection.Snapshot s = selection.current();
            if (!pending.test(s)) {
                return true;
            }
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return false;
            }
            selection.awaitChange(s, left);
        }
    }

    private static Candidate candidateOf(ServiceReference<Kernel> ref, Kernel kernel) {
        Object ops = ref.getProperty(KernelInfo.OP);
        List<String> opList = ops instanceof String[] a ? Arrays.asList(a) : ops instanceof String one ? List.of(one) : List.of();
        Object variant = ref.getProperty(KernelInfo.VARIANT);
        Object ranking = ref.getProperty(Constants.SERVICE_RANKING);
        var b = ref.getBundle();
        // A kernel imported from another process says where it really comes from (io.opsgi.remote sets it).
        Object origin = ref.getProperty("opsgi.bundle");
        String bundle = origin != null ? origin.toString() : b == null ? "?" : b.getSymbolicName() + " " + b.getVersion();
        return new Candidate(kernel, List.copyOf(opList), variant == null ? null : variant.toString(),
                ranking instanceof Integer i ? i : 0, (Long) ref.getProperty(Constants.SERVICE_ID), bundle, origin == null ? b : null);
    }
}
