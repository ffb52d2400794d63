package io.opsgi.runtime.internal;

import io.opsgi.benchmarks.StandardCall;
import io.opsgi.conformance.live.LiveTolerances;
import io.opsgi.op.Kernel;
import io.opsgi.runtime.KernelLease;
import io.opsgi.runtime.KernelState;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.osgi.service.log.Logger;

/**
 * What the live checks cost a call on the standard workloads ({@code benchmarks/workloads.json}): one
 * call through the registry (lease, chain, geometry-class dispatch) with the live checks at their
 * defaults ({@code checks=on}: the deadline watchdog at its 30 s floor, sampled shadow checks at
 * {@code opsgi.shadow.rate} 0.01 within {@code opsgi.shadow.budget} 0.005 of a core, judged by the real
 * {@link LiveTolerances} against the real reference), with the deadline watch alone ({@code checks=watch})
 * and with them off ({@code checks=off}: no deadline, no shadow checks), on the real kernels of the op found on the class path, each at its
 * declared ranking, the reference last, each with its time on the workload recorded as the gate
 * records it (best of 1 s of calls, so deadlines scale and a call whose guard would cost at most 1% of it takes the guarded
 * worker-thread path, as in the container), as the container serves them by ranking. The overhead of
 * the checks is {@code on / off - 1}, of the deadline watch alone {@code watch / off - 1}; {@code call-overhead --live
 * --rounds N} runs the three modes back to back N times (one fork each) and reports the median of the per-round ratios. The registry is built as {@link KernelRegistry} wires it,
 * without a framework, as in {@link RegistryCallBench}. Run: {@code benchmarks/call-overhead LiveChecksBench}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
public class LiveChecksBench {
    /** A relu, a ResNet-18 3x3 conv, a MobileNetV2 1x1 and depthwise conv (the three geometry classes). */
    @Param({"relu_64x112", "r18_layer1_64x64_k3_56", "mbv2_pw1x1_144x24_56", "mbv2_dw3x3_144_56"})
    public String workload;
    /** on: deadline watch and shadow checks; watch: the deadline watch alone; off: neither. */
    @Param({"off", "watch", "on"})
    public String checks;

    private StandardCall call;
    private Class<Kernel> family;
    private GateState gate;
    private Leases leases;
    private ShadowChecks shadow;
    private final List<Candidate> served = new ArrayList<>();

    @Setup(Level.Trial)
    public void setup() {
        Logger log = LiveWorkload.quietLogger();
        LiveWorkload w = LiveWorkload.of(workload, log);
        call = w.call();
        family = w.family();
        gate = w.gate();
        leases = w.leases();
        served.addAll(w.served());
        for (Candidate c : served) {
            // Past probation, as a kernel is after its first 100 live calls: this measures the steady state (each
            // probation call runs guarded; on a loaded machine a hand-off can cost a scheduler time slice).
            c.attempts.set(Leases.PROBATION_CALLS);
        }
        if (checks.equals("on")) {
            shadow = new ShadowChecks(KernelRegistry.DEFAULT_SHADOW_RATE, KernelRegistry.DEFAULT_SHADOW_BUDGET, LiveTolerances::new,
                    leases::mismatch);
            leases.watch(KernelRegistry.DEFAULT_CALL_DEADLINE_MILLIS, shadow);
        } else if (checks.equals("watch")) {
            leases.watch(KernelRegistry.DEFAULT_CALL_DEADLINE_MILLIS, null);
        } else if (!checks.equals("off")) {
            throw new IllegalArgumentException("checks must be on, watch or off, got " + checks);
        }
    }

    /**
     * The process's CPU time per call (all threads: the caller, the kernel's helpers, the watchdog, the guard's
     * workers and the shadow check), per measurement iteration: on a loaded machine the wall time of a call
     * swings with the other processes, the CPU it takes much less. Printed at the end of the trial.
     */
    private final List<Double> cpuMicrosPerCall = new ArrayList<>();
    private long calls, callsAtStart, cpuAtStart;
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    @Setup(Level.Iteration)
    public void startCounting() {
        callsAtStart = calls;
        cpuAtStart = os.getProcessCpuTime();
    }

    @TearDown(Level.Iteration)
    public void stopCounting() {
        cpuMicrosPerCall.add((os.getProcessCpuTime() - cpuAtStart) / 1000.0 / Math.max(1, calls - callsAtStart));
    }

    @Benchmark
    public float[] throughRegistry() {
        calls++;
        try (KernelLease<Kernel> lease = leases.lease(call.op(), family)) {
            call.bind(lease.kernel()).run();
        }
        return call.output();
    }

    /** No kernel was quarantined (a shadow check that failed a shipped kernel would be a bug); says how many checks ran. */
    @TearDown(Level.Trial)
    public void tearDown() {
        // The warmup iterations are in the list too: the median of the last half is the measurement's.
        List<Double> measured = new ArrayList<>(cpuMicrosPerCall.subList(cpuMicrosPerCall.size() / 2, cpuMicrosPerCall.size()));
        measured.sort(null);
        System.out.printf("LIVECPU %s %s %.2f us of CPU per call (median of the last %d iterations)%n", workload, checks,
                measured.get(measured.size() / 2), measured.size());
        System.out.println(workload + " (" + checks + "): " + leases.guardStatistics(4L * call.output().length));
        leases.stopWatching();
        gate.stop();
        for (Candidate c : served) {
            if (c.state != KernelState.UNVERIFIED) {
                throw new IllegalStateException(c.variant() + " left service: " + c.report);
            }
        }
        if (shadow != null) {
            System.out.printf("%s: shadow checks run: %d, busy %.2f%% of the trial's wall time (budget %.2f%%)%n", workload, shadow.checked(),
                    100 * shadow.busyShare(), 100 * KernelRegistry.DEFAULT_SHADOW_BUDGET);
        }
    }
}
