package io.opsgi.runtime.internal;

import io.opsgi.op.Kernel;
import io.opsgi.runtime.KernelState;
import io.opsgi.runtime.VerificationReport;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/** A registered kernel service and the calls currently running on it. */
final class Candidate implements KernelSelector.Choice {
    final Kernel kernel;
    final List<String> ops;
    private final String variant;
    private final int ranking;
    private final long serviceId;
    final String bundle;
    /** The local bundle whose code this kernel is (null: imported from another process), for {@link VerdictMemory}'s key. */
    final org.osgi.framework.Bundle home;
    /** Set by a user's re-verify or release: the next verification runs, whatever is remembered. */
    volatile boolean fresh;
    /** The key its last verification was remembered under (null: none), forgotten if it fails a live call. */
    volatile String verdictKey;
    /** Guarded by the registry's monitor (volatile for readers of a snapshot). */
    volatile KernelState state = KernelState.UNVERIFIED;
    volatile VerificationReport report;
    /** op -> geometry class -> median call time, from the newest run that timed it; replaced whole. */
    volatile Map<String, Map<String, Long>> measured = Map.of();
    /** op -> geometry class -> the slowest measured time per unit of kernel work (ns), where the work was known. */
    private volatile Map<String, Map<String, Double>> perUnit = Map.of();
    /**
     * op and geometry class -> the kernel's own time per unit of work on its recent guarded live calls (ns,
     * a moving average): what guarding its calls is weighed against, since the gate's measurement may have been
     * taken on a loaded machine or before the JIT compiled the kernel.
     */
    private final java.util.concurrent.ConcurrentHashMap<String, java.util.concurrent.ConcurrentHashMap<String, Double>> livePerUnit =
            new java.util.concurrent.ConcurrentHashMap<>(); // op -> geometry class -> ns: read on every watched call, without allocating a key
    /** Live attempts begun on this kernel; the first {@code Leases.PROBATION_CALLS} run guarded. */
    final java.util.concurrent.atomic.AtomicLong attempts = new java.util.concurrent.atomic.AtomicLong();
    /** The most work ({@code KernelChain.work}) of a live call this kernel has answered; a larger call runs guarded. */
    private final java.util.concurrent.atomic.AtomicLong answeredWork = new java.util.concurrent.atomic.AtomicLong();
    /** Which verification run counts: a verdict carrying an older ticket (superseded by a release or re-verify) is dropped. */
    int ticket;
    private int inflight;
    private boolean removed;

    Candidate(Kernel kernel, List<String> ops, String variant, int ranking, long serviceId, String bundle) {
        this(kernel, ops, variant, ranking, serviceId, bundle, null);
    }

    Candidate(Kernel kernel, List<String> ops, String variant, int ranking, long serviceId, String bundle, org.osgi.framework.Bundle home) {
        this.home = home;
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
    public OptionalLong measuredNanos(String op, String geometryClass) {
        Long n = measured.getOrDefault(op, Map.of()).get(geometryClass);
        return n == null ? OptionalLong.empty() : OptionalLong.of(n);
    }

    /** Whether this kernel has answered a live call of at least this much work. */
    boolean answeredAsLarge(long work) {
        return work <= answeredWork.get();
    }

    /** It answered a live call of this much work. */
    void answered(long work) {
        if (work > answeredWork.get()) {
            answeredWork.accumulateAndGet(work, Math::max);
        }
    }

    /** The kernel's own time per unit of work on its recent guarded live calls of {@code op} in {@code geometryClass}, in ns; 0 if none. */
    double livePerUnit(String op, String geometryClass) {
        var byClass = livePerUnit.get(op);
        Double d = byClass == null ? null : byClass.get(geometryClass);
        return d == null ? 0 : d;
    }

    /** Records the kernel's own time per unit of work on a guarded live call. */
    void ranLive(String op, String geometryClass, double perUnitNanos) {
        livePerUnit.computeIfAbsent(op, o -> new java.util.concurrent.ConcurrentHashMap<>())
                .merge(geometryClass, perUnitNanos, (old, now) -> old + (now - old) / 4);
    }

    /** The measured time per unit of work of calls of {@code op} in {@code geometryClass}, in ns; 0 if unknown. */
    double nanosPerUnit(String op, String geometryClass) {
        Double d = perUnit.getOrDefault(op, Map.of()).get(geometryClass);
        return d == null ? 0 : d;
    }

    /**
     * Records a time measured for calls of {@code op} in {@code geometryClass}, and the time per unit of
     * work ({@code perUnit} 0: unknown, the old rate is dropped); callers hold the gate's monitor.
     */
    void measured(String op, String geometryClass, long nanos, double perUnitNanos) {
        measured = with(measured, op, geometryClass, nanos);
        perUnit = perUnitNanos > 0 ? with(perUnit, op, geometryClass, perUnitNanos) : without(perUnit, op, geometryClass);
    }

    private static <V> Map<String, Map<String, V>> with(Map<String, Map<String, V>> old, String op, String geometryClass, V value) {
        Map<String, Map<String, V>> next = new HashMap<>(old);
        Map<String, V> byClass = new HashMap<>(next.getOrDefault(op, Map.of()));
        byClass.put(geometryClass, value);
        next.put(op, Map.copyOf(byClass));
        return Map.copyOf(next);
    }

    private static <V> Map<String, Map<String, V>> without(Map<String, Map<String, V>> old, String op, String geometryClass) {
        Map<String, Map<String, V>> next = new HashMap<>(old);
        Map<String, V> byClass = new HashMap<>(next.getOrDefault(op, Map.of()));
        byClass.remove(geometryClass);
        next.put(op, Map.copyOf(byClass));
        return Map.copyOf(next);
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
