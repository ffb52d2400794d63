package io.opsgi.benchmarks;

import io.opsgi.conformance.TensorComparison;
import io.opsgi.kernel.support.Parallel;
import io.opsgi.op.Kernel;
import io.opsgi.remote.internal.RemoteBenchSupport;
import io.opsgi.tensor.Tensor;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
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
 * What a kernel costs when it runs in another process (the sandbox, a kernel host) instead of in the
 * container: the same variant on the same workload, called in process ({@code local}) or through the
 * remote path the container uses ({@code remote}: the opsgi adapter, Aries RSA's TCP provider with Java
 * serialization over loopback, a second JVM running the kernel with the same intra-op threads). The
 * output is checked against the in-process answer after the first call and after timing. Bytes per call
 * (inputs, weights and output: a kernel call is stateless, so weights travel every time) are printed in
 * setup; MB/s = bytes / time. Run: {@code benchmarks/remote} (see benchmarks/README.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class RemoteCallBench {
    /** {@code workload:variant}. */
    @Param({"gap_512x7:vector", "relu_64x112:vector", "bn_inf_64x112:vector", "maxpool_k3s2p1_64x112:vector", "r18_layer1_64x64_k3_56:blocked",
        "r18_conv1_3x64_k7s2_224:gemm", "r18_layer4_512x512_k3_7:blocked", "r18_layer1_64x64_k3_56_b8:blocked"})
    public String target;

    @Param({"local", "remote"})
    public String placement;

    @Param("1")
    public int threads;

    private Process host;
    private Runnable call;
    private float[] y;
    private float[] expected;
    private OpCase opCase;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        Parallel.setThreads(threads);
        String[] wv = target.split(":", 2);
        Workloads workloads = Workloads.load(Path.of(System.getProperty(WorkDir.WORKLOADS_PROPERTY, "benchmarks/workloads.json")));
        opCase = OpCase.of(workloads.get(wv[0]), workloads.dataInit());
        Kernel local = Variants.discover().find(opCase.op(), wv[1]).kernel();
        expected = opCase.compute(local);
        Kernel kernel = local;
        if (placement.equals("remote")) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            host = new ProcessBuilder(List.of(java, "--add-modules=jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                    RemoteKernelHost.class.getName(), opCase.op(), wv[1], String.valueOf(threads))).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(host.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            while (line != null && !line.startsWith("PORT ")) {
                line = out.readLine();
            }
            if (line == null) {
                throw new IllegalStateException("the kernel host ended before it served");
            }
            kernel = RemoteBenchSupport.client(RemoteKernelHost.family(local), Integer.parseInt(line.substring(5).trim()));
        }
        y = new float[opCase.outputSize()];
        call = opCase.bind(kernel, y);
        call.run();
        verify("after the first call");
        System.out.printf("%n%s %s: %.2f MB per call (inputs, weights, output)%n", target, placement, opCase.bytesPerCall() / 1e6);
    }

    @Benchmark
    public float[] run() {
        call.run();
        return y;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        try {
            verify("after timing");
        } finally {
            if (host != null) {
                host.getOutputStream().close();
                if (!host.waitFor(10, TimeUnit.SECONDS)) {
                    host.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }

    private void verify(String when) {
        TensorComparison c = TensorComparison.compare("output", Tensor.wrap(opCase.outputShape, expected), Tensor.wrap(opCase.outputShape, y.clone()),
                opCase.tolerance(expected));
        if (!c.passed()) {
            throw new IllegalStateException(target + " " + placement + ", " + when + ": " + c.problem());
        }
    }
}
