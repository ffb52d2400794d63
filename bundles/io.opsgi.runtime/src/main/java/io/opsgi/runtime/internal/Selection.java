package io.opsgi.runtime.internal;

import io.opsgi.runtime.KernelDescriptor;
import io.opsgi.runtime.KernelState;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The selection snapshot: which kernels serve each op, in the order calls try them. Replaced whole
 * on every change, so readers never lock; a reader that needs a change waits on this object.
 */
final class Selection {
    /** op -> every candidate in ranking order, op -> the chain calls use (eligible, pinned first), pins. */
    record Snapshot(Map<String, List<Candidate>> byOp, Map<String, List<Candidate>> chains, Map<String, String> pins) {
        Candidate active(String op) {
            List<Candidate> chain = chains.get(op);
            return chain == null || chain.isEmpty() ? null : chain.get(0);
        }

        boolean pending(String op) {
            return byOp.getOrDefault(op, List.of()).stream().anyMatch(c -> c.state == KernelState.PENDING);
        }

        boolean anyPending() {
            return byOp.keySet().stream().anyMatch(this::pending);
        }

        KernelDescriptor describe(String op, Candidate c) {
            return new KernelDescriptor(op, c.variant(), c.ranking(), c.serviceId(), c.bundle, c.state, active(op) == c,
                    Objects.equals(c.variant(), pins.get(op)), c.report);
        }
    }

    private volatile Snapshot current = new Snapshot(Map.of(), Map.of(), Map.of());

    Snapshot current() {
        return current;
    }

    /** Recomputes the snapshot from every candidate and the pins; returns the one it replaced. */
    synchronized Snapshot publish(Collection<Candidate> candidates, Map<String, String> pins) {
        Snapshot old = current;
        Map<String, List<Candidate>> byOp = new TreeMap<>();
        for (Candidate c : candidates) {
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
        current = new Snapshot(byOp, Map.copyOf(chains), Map.copyOf(pins));
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
