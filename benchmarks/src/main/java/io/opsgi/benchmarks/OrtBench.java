package io.opsgi.benchmarks;

import ai.onnxruntime.OrtException;
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

/** ONNX Runtime (Java API, same JVM) on one workload, timed exactly as {@link KernelBench} times a kernel. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class OrtBench {
    @Param("relu_64x112")
    public String workload;

    @Param("1")
    public int threads;

    private OrtPeer peer;

    @Setup(Level.Trial)
    public void setup() throws OrtException {
        WorkDir dir = WorkDir.fromSystemProperties();
        Workloads workloads = Workloads.load(dir.workloads());
        peer = new OrtPeer(dir.model(workload), threads, OpCase.of(workloads.get(workload), workloads.dataInit()));
    }

    @Benchmark
    public void run() throws OrtException {
        peer.run();
    }

    @TearDown(Level.Trial)
    public void close() throws OrtException {
        peer.close();
    }
}
