package io.opsgi.runtime.internal;

import io.opsgi.op.Kernel;
import io.opsgi.op.KernelInfo;
import io.opsgi.runtime.KernelDescriptor;
import io.opsgi.runtime.KernelLease;
import io.opsgi.runtime.NoKernelException;
import io.opsgi.runtime.OperatorRegistry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * Tracks kernel services (dynamic, greedy: a better kernel rebinds in place, no restart) and
 * publishes an immutable selection snapshot on every change. A call leases the kernel it starts on;
 * when a kernel goes away, it is first withdrawn from selection, then its unbind waits for the calls
 * running on it, so its bundle is never deactivated under a call.
 */
@Component(configurationPid = OperatorRegistry.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class KernelRegistry implements OperatorRegistry {
    /** How long an unbinding kernel waits for the calls running on it. */
    static final long DRAIN_TIMEOUT_MILLIS = 30_000;

    @Reference(service = LoggerFactory.class)
    private Logger log;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ConfigurationAdmin configAdmin;

    private final Map<Long, Candidate> candidates = new HashMap<>();
    private Map<String, String> pins = Map.of();
    /** op -> candidates in selection order, and op -> the active one; replaced whole on every change. */
    private volatile Snapshot snapshot = new Snapshot(Map.of(), Map.of(), Map.of());

    private record Snapshot(Map<String, List<Candidate>> byOp, Map<String, Candidate> active, Map<String, String> pins) {
    }

    @Activate
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
            candidates.put(c.serviceId(), c);
            publish();
        }
        log.info("Kernel {} for {} arrived from {} (ranking {})", c.variant(), c.ops, c.bundle, c.ranking());
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

    /** Recomputes the snapshot; callers hold the monitor. */
    private void publish() {
        Map<String, List<Candidate>> byOp = new TreeMap<>();
        for (Candidate c : candidates.values()) {
            for (String op : c.ops) {
                byOp.computeIfAbsent(op, k -> new ArrayList<>()).add(c);
            }
        }
        Map<String, Candidate> active = new HashMap<>();
        byOp.replaceAll((op, list) -> {
            List<Candidate> ordered = KernelSelector.ordered(list);
            KernelSelector.select(ordered, pins.get(op)).ifPresent(c -> active.put(op, c));
            return List.copyOf(ordered);
        });
        snapshot = new Snapshot(byOp, Map.copyOf(active), pins);
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
        return Optional.ofNullable(s.active().get(op)).map(c -> describe(s, op, c));
    }

    @Override
    public <K extends Kernel> KernelLease<K> lease(String op, Class<K> type) {
        while (true) {
            Snapshot s = snapshot;
            Candidate c = s.active().get(op);
            if (c == null) {
                throw new NoKernelException(op);
            }
            if (c.enter()) {
                if (!type.isInstance(c.kernel)) {
                    c.exit();
                    throw new IllegalStateException("kernel " + c.variant() + " for " + op + " from " + c.bundle + " does not implement "
                            + type.getName());
                }
                return new Lease<>(op, type.cast(c.kernel), c, describe(s, op, c));
            }
            // It was withdrawn between the snapshot read and enter(): a newer snapshot already excludes it.
            Thread.onSpinWait();
        }
    }

    private static final class Lease<K extends Kernel> implements KernelLease<K> {
        private final K kernel;
        private final Candidate candidate;
        private final KernelDescriptor descriptor;
        private boolean closed;

        Lease(String op, K kernel, Candidate candidate, KernelDescriptor descriptor) {
            this.kernel = kernel;
            this.candidate = candidate;
            this.descriptor = descriptor;
        }

        @Override
        public K kernel() {
            return kernel;
        }

        @Override
        public KernelDescriptor descriptor() {
            return descriptor;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                candidate.exit();
            }
        }
    }

    @Override
    public void pin(String op, String variant) {
        updatePins(op, variant);
    }

    @Override
    public void unpin(String op) {
        updatePins(op, null);
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

    private static KernelDescriptor describe(Snapshot s, String op, Candidate c) {
        return new KernelDescriptor(op, c.variant(), c.ranking(), c.serviceId(), c.bundle, c.state, s.active().get(op) == c,
                c.variant().equals(s.pins().get(op)));
    }

    private static Candidate candidateOf(ServiceReference<Kernel> ref, Kernel kernel) {
        Object ops = ref.getProperty(KernelInfo.OP);
        List<String> opList = ops instanceof String[] a ? List.of(a) : ops instanceof String one ? List.of(one) : List.of();
        Object variant = ref.getProperty(KernelInfo.VARIANT);
        Object ranking = ref.getProperty(Constants.SERVICE_RANKING);
        var b = ref.getBundle();
        String bundle = b == null ? "?" : b.getSymbolicName() + " " + b.getVersion();
        return new Candidate(kernel, opList, variant == null ? null : variant.toString(), ranking instanceof Integer i ? i : 0,
                (Long) ref.getProperty(Constants.SERVICE_ID), bundle);
    }
}
