package io.opsgi.runtime.internal;

import io.opsgi.conformance.live.LiveTolerances;
import io.opsgi.kernel.activation.direct.DirectActivations;
import io.opsgi.kernel.conv2d.direct.DirectConv2d;
import io.opsgi.op.Activation;
import io.opsgi.op.ActivationAttrs;
import io.opsgi.op.Conv2dKernel;
import io.opsgi.op.ConvGeometry;
import io.opsgi.op.ElementwiseKernel;
import io.opsgi.runtime.KernelLease;
import io.opsgi.runtime.KernelState;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.osgi.service.log.Logger;

/**
 * The cost of one call through the registry against calling the kernel directly, with a trivial
 * kernel (relu of 16 floats; a 1x1 conv of 2x2 pixels for the conv family, whose calls are dispatched
 * by geometry class). The path timed is the one {@code registry.call} takes in the container: lease
 * (snapshot, enter each kernel of the chain), chain proxy, geometry-class dispatch, the watchdog's
 * deadline stamp and the sampled shadow checks at the default rate and budget, judged by the real
 * {@link LiveTolerances}, with the real reference kernels last in the chain. It builds the registry's
 * rooms as {@link KernelRegistry} wires them, without a framework (this class sits in the runtime's
 * package on the plain class path for that). Run: {@code benchmarks/call-overhead}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Dopsgi.threads=1"})
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class RegistryCallBench {
    private static final ActivationAttrs RELU = ActivationAttrs.of(Activation.RELU);
    private static final ConvGeometry ONE_BY_ONE = new ConvGeometry(1, 2, 2, 2, 2, 1, 1, 1, 1, 0, 0, 1, 1, 1, 2, 2);

    /** The trivial kernels, served ahead of the references (ranking 100 against 0). */
    private final ElementwiseKernel relu = new DirectActivations();
    private final Conv2dKernel conv = new DirectConv2d();
    private final float[] x = {-1, 2, -3, 4, -5, 6, -7, 8, -9, 10, -11, 12, -13, 14, -15, 16};
    private final float[] y = new float[16];
    private final float[] cx = {1, 2, 3, 4, 5, 6, 7, 8};
    private final float[] cw = {1, 0, 0, 1};
    private final float[] cb = {0.5f, -0.5f};
    private final float[] cy = new float[8];

    private GateState gate;
    private Leases leases;
    private ShadowChecks shadow;
    private Candidate fastRelu;
    private Candidate fastConv;

    @Setup
    public void setup() {
        Logger log = quietLogger();
        Selection selection = new Selection();
        gate = new GateState(selection, new KernelEventPosts(), log);
        leases = new Leases(selection, gate, log, () -> 1_000);
        gate.start(false, Duration.ofSeconds(120), null); // the kernels are known good: eligible as they arrive
        fastRelu = new Candidate(relu, List.of("relu"), "trivial", 100, 1, "bench");
        fastConv = new Candidate(conv, List.of("conv2d"), "trivial", 100, 2, "bench");
        gate.add(fastRelu);
        gate.add(fastConv);
        gate.add(new Candidate(new DirectActivations(), List.of("relu"), "direct", 0, 3, "bench"));
        gate.add(new Candidate(new DirectConv2d(), List.of("conv2d"), "direct", 0, 4, "bench"));
        shadow = new ShadowChecks(KernelRegistry.DEFAULT_SHADOW_RATE, KernelRegistry.DEFAULT_SHADOW_BUDGET, LiveTolerances::new,
                leases::mismatch);
        leases.watch(KernelRegistry.DEFAULT_CALL_DEADLINE_MILLIS, shadow);
    }

    @Benchmark
    public float[] reluDirect() {
        relu.activate(RELU, x, y);
        return y;
    }

    @Benchmark
    public float[] reluThroughRegistry() {
        try (KernelLease<ElementwiseKernel> lease = leases.lease("relu", ElementwiseKernel.class)) {
            lease.kernel().activate(RELU, x, y);
        }
        return y;
    }

    @Benchmark
    public float[] convDirect() {
        conv.conv2d(ONE_BY_ONE, cx, cw, cb, cy);
        return cy;
    }

    @Benchmark
    public float[] convThroughRegistry() {
        try (KernelLease<Conv2dKernel> lease = leases.lease("conv2d", Conv2dKernel.class)) {
            lease.kernel().conv2d(ONE_BY_ONE, cx, cw, cb, cy);
        }
        return cy;
    }

    /** The trivial kernels served every call and passed every sampled check; at least one check ran. */
    @TearDown
    public void tearDown() {
        leases.stopWatching();
        gate.stop();
        if (fastRelu.state != KernelState.UNVERIFIED || fastConv.state != KernelState.UNVERIFIED) {
            throw new IllegalStateException("a trivial kernel was quarantined: " + fastRelu.report + " " + fastConv.report);
        }
        System.out.println("shadow checks run: " + shadow.checked());
    }

    private static Logger quietLogger() {
        return (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
                (p, m, a) -> m.getReturnType() == boolean.class ? false : m.getReturnType() == String.class ? "bench" : null);
    }
}
