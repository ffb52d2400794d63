package io.opsgi.runtime.internal;

import io.opsgi.op.GeometryClass;
import io.opsgi.op.Operators;
import io.opsgi.runtime.KernelDescriptor;
import io.opsgi.runtime.OperatorRegistry;
import io.opsgi.runtime.KernelState;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The selection snapshot: which kernels serve each op and geometry class, in the order calls try
 * them. Replaced whole on every change, so readers never lock; a reader that needs a change waits on
 * this object.
 */
final class Selection {
    /**
     * op -> every candidate in ranking order; op -> geometry class -> the chain calls of that class use
     * (eligible, pinned first, then fastest measured first); pins; op -> when (nanoTime) its reference
     * kernel went away and has not come back yet.
     */
    record Snapshot(Map<String, List<Candidate>> byOp, Map<String, Map<String, List<Candidate>>> classChains, Map<String, String> pins,
            Map<String, Long> referenceGone) {
        /** The op's chain for its first geometry class (the general one): every eligible kernel, so leases enter them all. */
        List<Candidate> chain(String op) {
            Map<String, List<Candidate>> byClass = classChains.get(op);
            return byClass == null ? List.of() : byClass.values().iterator().next();
        }

        /** The chain of {@code op} for calls in {@code geometryClass}. */
        List<Candidate> chain(String op, String geometryClass) {
            Map<String, List<Candidate>> byClass = classChains.get(op);
            return byClass == null ? List.of() : byClass.getOrDefault(geometryClass, chain(op));
        }

        Candidate active(String op) {
            List<Candidate> chain = chain(op);
            return chain.isEmpty() ? null : chain.get(0);
        }

        /** The geometry classes of {@code op} whose calls go to {@code c} first. */
        List<String> activeClasses(String op, Candidate c) {
            List<String> classes = new ArrayList<>();
            classChains.getOrDefault(op, Map.of()).forEach((cls, chain) -> {
                if (!chain.isEmpty() && chain.get(0) == c) {
                    classes.add(cls);
                }
            });
            return classes;
        }

        boolean pending(String op) {
            return byOp.getOrDefault(op, List.of()).stream().anyMatch(c -> c.state == KernelState.PENDING);
        }

        /** Whether calls of {@code op} should wait for its reference: it is pending, or went away within {@code graceNanos}. */
        boolean awaitsReference(String op, long graceNanos) {
            for (Candidate c : chain(op)) {
                if (c.isReference()) {
                    return false;
                }
            }
            for (Candidate c : byOp.getOrDefault(op, List.of())) {
                if (c.isReference() && c.state == KernelState.PENDING) {
                    return true;
                }
            }
            Long gone = referenceGone.get(op);
            return gone != null && System.nanoTime() - gone < graceNanos;
        }

        boolean anyPending() {
            return byOp.keySet().stream().anyMatch(this::pending);
        }

        KernelDescriptor describe(String op, Candidate c) {
            List<String> activeClasses = activeClasses(op, c);
            return new KernelDescriptor(op, c.variant(), c.ranking(), c.serviceId(), c.bundle, c.state, !activeClasses.isEmpty(),
                    Objects.equals(c.variant(), pins.get(op)), c.report, c.measured.getOrDefault(op, Map.of()), activeClasses);
        }
    }

    /** The geometry classes of {@code op}'s kernel family (one, {@code all}, for an op nobody defined). */
    static List<String> classes(String op) {
        return Operators.exists(op) ? GeometryClass.classes(Operators.get(op).kernelType()) : List.of(GeometryClass.ALL);
    }

    private volatile Snapshot current = new Snapshot(Map.of(), Map.of(), Map.of(), Map.of());
    /** Whether measured speed orders the chains ({@link OperatorRegistry#SELECT}); else ranking alone. */
    private boolean bySpeed;

    Snapshot current() {
        return current;
    }

    /** Switches between selection by measured speed and by ranking alone; takes effect at the next publish. */
    synchronized void bySpeed(boolean on) {
        bySpeed = on;
    }

    /** Recomputes the snapshot from every candidate and the pins; returns the one it replaced. */
    synchronized Snapshot publish(Collection<Candidate> candidates, Map<String, String> pins, Map<String, Long> referenceGone) {
        Snapshot old = current;
        Map<String, List<Candidate>> byOp = new TreeMap<>();
        for (Candidate c : candidates) {
            for (String op : c.ops) {
                byOp.computeIfAbsent(op, k -> new ArrayList<>()).add(c);
            }
        }
        Map<String, Map<String, List<Candidate>>> classChains = new HashMap<>();
        byOp.replaceAll((op, list) -> {
            List<Candidate> ordered = KernelSelector.ordered(list);
            Map<String, List<Candidate>> byClass = new LinkedHashMap<>();
            for (String cls : classes(op)) {
                byClass.put(cls, List.copyOf(KernelSelector.chain(ordered, pins.get(op), bySpeed ? op : null, cls)));
            }
            classChains.put(op, Collections.unmodifiableMap(byClass));
            return List.copyOf(ordered);
        });
        current = new Snapshot(byOp, Map.copyOf(classChains), Map.copyOf(pins), Map.copyOf(referenceGone));
        notifyAll();
        return old;
    }

    /** Waits until the snapshot is no longer {@code seen}, at most {@code millis}. */
    synchronized void awaitChange(Snapshot seen, long millis) throws InterruptedException {
        if (current == seen) {
            wait(Math.max(1, millis));
        }
    }
}
