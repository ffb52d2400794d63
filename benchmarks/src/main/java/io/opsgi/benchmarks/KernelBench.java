package io.opsgi.benchmarks;

import io.opsgi.conformance.TensorComparison;
import io.opsgi.kernel.support.Parallel;
import io.opsgi.op.Kernel;
import io.opsgi.op.Tolerance;
import io.opsgi.tensor.Tensor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One opsgi kernel variant on one workload: the kernel called directly through its family interface
 * with the geometry its contract computes and an output allocated once per trial. The output is
 * checked against the reference variant's (written by {@link Bench} before timing) after the first
 * call and again after the last, so a kernel that goes wrong once warmed up, or under threads, fails
 * the trial instead of reporting a time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class KernelBench {
    /** {@code workload:variant}, e.g. {@code r18_layer1_64x64_k3_56:direct}. */
    @Param("relu_64x112:direct")
    public String target;

    @Param("1")
    public int threads;

    private OpCase opCase;
    private Runnable call;
    private float[] y;
    private float[] reference;
    private Tolerance tolerance;

    @Setup(Level.Trial)
    public void setup() {
        Parallel.setThreads(threads);
        String[] wv = target.split(":", 2);
        WorkDir dir = WorkDir.fromSystemProperties();
        Workloads workloads = Workloads.load(dir.workloads());
        opCase = OpCase.of(workloads.get(wv[0]), workloads.dataInit());
        Kernel kernel = Variants.discover().find(opCase.op(), wv[1]).kernel();
        if (!opCase.supports(kernel)) {
            throw new IllegalStateException(target + ": the kernel does not support this geometry");
        }
        y = new float[opCase.outputSize()];
        call = opCase.bind(kernel, y);
        reference = dir.readReference(wv[0]);
        tolerance = opCase.tolerance(reference);
        call.run();
        verify("after the first call");
    }

    @Benchmark
    public float[] run() {
        call.run();
        return y;
    }

    @TearDown(Level.Trial)
    public void verifyAfterTiming() {
        verify("after timing");
    }

    private void verify(String when) {
        TensorComparison c = TensorComparison.compare("output", Tensor.wrap(opCase.outputShape, reference), Tensor.wrap(opCase.outputShape, y.clone()),
                tolerance);
        if (!c.passed()) {
            throw new IllegalStateException(target + " at " + threads + " threads, " + when + ": " + c.problem());
        }
    }
}
