package io.opsgi.runtime.internal;

import io.opsgi.benchmarks.PairedStats;
import io.opsgi.benchmarks.StandardCall;
import io.opsgi.conformance.live.LiveTolerances;
import io.opsgi.op.Kernel;
import io.opsgi.runtime.KernelLease;
import io.opsgi.runtime.KernelState;
import io.opsgi.runtime.OperatorRegistry;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.osgi.service.log.Logger;

/**
 * What the live checks cost a call on one standard workload, measured so that 1% can be read: in ONE JVM the
 * checks are switched off, to the deadline watch alone, and on, through the registry's own configuration code
 * ({@link KernelRegistry#watchLiveCalls}, what a user's {@code opsgi.call.deadline} / {@code opsgi.shadow.rate}
 * settings go through), in short blocks of calls, the three modes back to back in every order in turn, so each
 * "on" block has an "off" neighbour with the same JIT state, placement and machine load. Separate forks of one
 * mode differ by more than the checks cost ({@code call-overhead --live --rounds}); neighbouring blocks do not.
 *
 * <p>Reported: the median of the per-triple ratios on/off and watch/off with a distribution-free 95% confidence
 * interval (order statistics of the binomial), in wall time and in the process's CPU time per call (every thread:
 * the caller, the kernel's helpers, the watchdog, the guard's workers and the shadow checker); the ratio of all
 * blocks' sums; and the accounted share of the "on" blocks: the runtime's own account ({@link Leases#spent}: the
 * guard's hand-offs and copies, the shadow checks' copies and recomputations) against the watched kernels' own time.
 * The shadow checks' budget is kept across the switches ({@link ShadowChecks.Account}), so the "on" blocks get the
 * checks a container running them all along would; an "on" block goes on until a check it began has ended, so the
 * check's cost is that block's. A check is rare (its budget is 0.5% of a core, and a slow reference's check may come
 * once a minute): the median shows what every call pays, the sums and the accounted share the rare checks too.
 *
 * <p>Run by {@code benchmarks/call-overhead --live --paired}; arguments: workload, paired seconds, block ms,
 * warmup seconds. Prints one {@code PAIRED} line the script tabulates.
 */
public final class LiveChecksPaired {
    enum Mode {
        OFF(Map.of(OperatorRegistry.CALL_DEADLINE, "0", OperatorRegistry.SHADOW_RATE, "0")),
        WATCH(Map.of(OperatorRegistry.SHADOW_RATE, "0")),
        ON(Map.of()); // the defaults, as shipped

        /** The registry configuration a user would set for this mode. */
        final Map<String, ?> config;

        Mode(Map<String, ?> config) {
            this.config = config;
        }
    }

    /** Every order of the three modes, taken in turn: each mode is as often first, second and last, before and after each other. */
    private static final Mode[][] ORDERS = {
            {Mode.OFF, Mode.WATCH, Mode.ON}, {Mode.ON, Mode.OFF, Mode.WATCH}, {Mode.WATCH, Mode.ON, Mode.OFF},
            {Mode.ON, Mode.WATCH, Mode.OFF}, {Mode.OFF, Mode.ON, Mode.WATCH}, {Mode.WATCH, Mode.OFF, Mode.ON}};

    private final StandardCall call;
    private final Class<Kernel> family;
    private final Logger log = LiveWorkload.quietLogger();
    private final GateState gate;
    private final Leases leases;
    private final List<Candidate> served = new ArrayList<>();
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private Mode mode;

    /** One timed block: calls, wall and process CPU nanoseconds. */
    private record Block(long calls, long wallNanos, long cpuNanos) {
        double wallPerCall() {
            return (double) wallNanos / calls;
        }

        double cpuPerCall() {
            return (double) cpuNanos / calls;
        }
    }

    private LiveChecksPaired(String workload) {
        LiveWorkload w = LiveWorkload.of(workload, log);
        call = w.call();
        family = w.family();
        gate = w.gate();
        leases = w.leases();
        served.addAll(w.served());
    }

    /** Switches the checks as a user's configuration would: the registry's own code applies it. */
    private void use(Mode m) {
        if (m != mode) {
            KernelRegistry.watchLiveCalls(leases, m.config, key -> null, LiveTolerances::new, log);
            mode = m;
        }
    }

    private void oneCall() {
        try (KernelLease<Kernel> lease = leases.lease(call.op(), family)) {
            call.bind(lease.kernel()).run();
        }
    }

    private void runFor(long nanos) {
        long start = System.nanoTime();
        do {
            oneCall();
        } while (System.nanoTime() - start < nanos);
    }

    /** Switches to {@code m}, lets its threads start (calls for a tenth of a block, untimed), then times calls for {@code nanos}. */
    private Block block(Mode m, long nanos) {
        use(m);
        runFor(Math.max(nanos / 10, 20_000_000L)); // the threads a switch starts are parked again by now
        long calls = 0;
        long cpu0 = os.getProcessCpuTime(), start = System.nanoTime(), now;
        do {
            oneCall();
            calls++;
            now = System.nanoTime();
        } while (now - start < nanos || m == Mode.ON && leases.shadowAccount.checking); // a check begun here is this block's cost
        return new Block(calls, now - start, os.getProcessCpuTime() - cpu0);
    }

    public static void main(String[] a) {
        String workload = a[0];
        long pairedNanos = (long) (Double.parseDouble(a[1]) * 1e9), blockNanos = (long) (Double.parseDouble(a[2]) * 1e6);
        long warmupNanos = (long) (Double.parseDouble(a[3]) * 1e9);
        new LiveChecksPaired(workload).run(workload, pairedNanos, blockNanos, warmupNanos);
    }

    private void run(String workload, long pairedNanos, long blockNanos, long warmupNanos) {
        // Warmup: every mode in turn, so the JIT has compiled each path before anything is timed; it also ends the kernels'
        // probation (their first 100 attempts run guarded) and lets each answer its size once, as a serving kernel has.
        long start = System.nanoTime();
        for (int i = 0; System.nanoTime() - start < warmupNanos; i++) {
            block(Mode.values()[i % 3], blockNanos);
        }
        Map<Mode, List<Block>> blocks = new EnumMap<>(Mode.class);
        Map<Mode, Leases.Spent> spent = new EnumMap<>(Mode.class);
        for (Mode m : Mode.values()) {
            blocks.put(m, new ArrayList<>());
            spent.put(m, new Leases.Spent(0, 0, 0, 0, 0, 0));
        }
        long budgetOn0 = leases.shadowAccount.onNanos(), budgetBusy0 = leases.shadowAccount.busyNanos.get();
        start = System.nanoTime();
        for (int t = 0; System.nanoTime() - start < pairedNanos; t++) {
            for (Mode m : ORDERS[t % ORDERS.length]) {
                Leases.Spent before = leases.spent();
                Block b = block(m, blockNanos);
                blocks.get(m).add(b);
                System.out.printf(Locale.ROOT, "BLOCK %d %s %d %d %d%n", t, m, b.calls(), b.wallNanos(), b.cpuNanos()); // for a closer look
                spent.put(m, spent.get(m).plus(leases.spent().minus(before)));
            }
        }
        double budgetUse = (double) (leases.shadowAccount.busyNanos.get() - budgetBusy0) / Math.max(1, leases.shadowAccount.onNanos() - budgetOn0);
        use(Mode.OFF);
        for (Candidate c : served) {
            if (c.state != KernelState.UNVERIFIED) {
                throw new IllegalStateException(c.variant() + " left service: " + c.report);
            }
        }
        gate.stop();

        List<Block> off = blocks.get(Mode.OFF), watch = blocks.get(Mode.WATCH), on = blocks.get(Mode.ON);
        double[] offUs = off.stream().mapToDouble(b -> b.wallPerCall() / 1000).sorted().toArray();
        Leases.Spent onSpent = spent.get(Mode.ON), watchSpent = spent.get(Mode.WATCH);
        System.out.println(String.format(Locale.ROOT,
                "PAIRED %s offUs=%.1f on=%s watch=%s onCpu=%s watchCpu=%s onSum=%s watchSum=%s pairs=%d callsPerBlock=%d "
                        + "accountedOn=%.3f%% guardOn=%.3f%% shadowOn=%.3f%% accountedWatch=%.3f%% checks=%d guarded=%d shadowBusy=%.3f%%",
                workload, offUs[offUs.length / 2], ratio(on, off, false), ratio(watch, off, false), ratio(on, off, true),
                ratio(watch, off, true), sumRatio(on, off), sumRatio(watch, off), off.size(), (long) PairedStats.median(off.stream().mapToDouble(Block::calls).toArray()),
                100 * onSpent.share(), 100.0 * onSpent.guardNanos() / Math.max(1, onSpent.kernelNanos()),
                100.0 * onSpent.shadowNanos() / Math.max(1, onSpent.kernelNanos()), 100 * watchSpent.share(),
                onSpent.shadowChecks(), onSpent.guardedAttempts() + watchSpent.guardedAttempts(), 100 * budgetUse));
    }

    /** All blocks' time per call, a against b, minus 1, in percent: wall time / CPU time (a rare costly event counts in full here). */
    static String sumRatio(List<Block> a, List<Block> b) {
        double wa = a.stream().mapToDouble(Block::wallNanos).sum() / a.stream().mapToDouble(Block::calls).sum();
        double wb = b.stream().mapToDouble(Block::wallNanos).sum() / b.stream().mapToDouble(Block::calls).sum();
        double ca = a.stream().mapToDouble(Block::cpuNanos).sum() / a.stream().mapToDouble(Block::calls).sum();
        double cb = b.stream().mapToDouble(Block::cpuNanos).sum() / b.stream().mapToDouble(Block::calls).sum();
        return String.format(Locale.ROOT, "%+.2f%%/%+.2f%%", 100 * (wa / wb - 1), 100 * (ca / cb - 1));
    }

    /** Median of the per-triple ratios a/b - 1, in percent, with its 95% order-statistic interval: "+0.12%[-0.30,+0.51]". */
    static String ratio(List<Block> a, List<Block> b, boolean cpu) {
        int n = Math.min(a.size(), b.size());
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            r[i] = 100 * ((cpu ? a.get(i).cpuPerCall() / b.get(i).cpuPerCall() : a.get(i).wallPerCall() / b.get(i).wallPerCall()) - 1);
        }
        double[] m = PairedStats.medianWithInterval(r);
        String ci = Double.isNaN(m[1]) ? "[n/a]" : String.format(Locale.ROOT, "[%+.2f,%+.2f]", m[1], m[2]);
        return String.format(Locale.ROOT, "%+.2f%%%s", m[0], ci);
    }
}
