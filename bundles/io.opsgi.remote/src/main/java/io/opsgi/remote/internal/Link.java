package io.opsgi.remote.internal;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * One kernel host as the importing container sees it (the sandbox, or a host configured by an
 * operator): whether it is up, which of its bundles have calls running, and who hears of its faults.
 */
final class Link {
    /** Hears of a failed or timed-out remote call, with the host-side bundle that was called. */
    interface Faults {
        void failed(Link link, String bundle, boolean timeout, String what);

        /** The host's catalog stopped answering. */
        default void unreachable(Link link) {
        }
    }

    final String id;
    final String name;
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private volatile String downReason;
    private volatile Faults faults = (l, b, t, w) -> {
    };

    Link(String id, String name) {
        this.id = id;
        this.name = name;
    }

    void listen(Faults f) {
        faults = f;
    }

    String downReason() {
        return downReason;
    }

    void down(String reason) {
        downReason = reason;
    }

    void up() {
        downReason = null;
    }

    void enter(String bundle) {
        inFlight.computeIfAbsent(bundle, b -> new AtomicInteger()).incrementAndGet();
    }

    void exit(String bundle) {
        inFlight.get(bundle).decrementAndGet();
    }

    Set<String> inFlight() {
        return inFlight.entrySet().stream().filter(e -> e.getValue().get() > 0).map(Map.Entry::getKey).collect(Collectors.toSet());
    }

    void unreachable() {
        faults.unreachable(this);
    }

    void failed(String bundle, boolean timeout, String what) {
        faults.failed(this, bundle, timeout, what);
    }

    @Override
    public String toString() {
        return name + " (" + id + ")";
    }
}
