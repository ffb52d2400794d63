package io.opsgi.benchmarks;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import io.opsgi.kernel.support.Parallel;
import io.opsgi.net.ClasspathKernelSource;
import io.opsgi.net.ExecutionPlan;
import io.opsgi.net.Network;
import io.opsgi.net.NetworkRunner;
import io.opsgi.net.Weights;
import io.opsgi.op.Kernel;
import io.opsgi.runtime.KernelLease;
import io.opsgi.onnx.OnnxModel;
import io.opsgi.tensor.Npy;
import io.opsgi.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
 * One whole model, one inference per call, timed by JMH for {@link ModelBench}: opsgi (the .onnx file
 * imported, planned once into the fused {@link ExecutionPlan} that {@code ./opsgi run} uses by default,
 * on the best kernel of each op by rank, the kernels a container serves) or ONNX Runtime (the same file, every graph optimization on, sequential
 * execution, input bound once). The input and the model folder come from {@link ModelFiles}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ModelTrial {
    static final String DIR_PROPERTY = "opsgi.bench.models";

    @Param("resnet18")
    public String model;
    @Param("1")
    public int batch;
    @Param("1")
    public int threads;
    @Param("opsgi")
    public String engine;

    private Runnable call;
    private AutoCloseable close;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        ModelFiles files = new ModelFiles(Path.of(System.getProperty(DIR_PROPERTY)), model, batch);
        if (engine.equals("opsgi")) {
            Opsgi o = Opsgi.load(files, threads);
            call = o::run;
            close = () -> System.out.print(o.plan().describe()); // into the trial's log: each step's threads and their medians
        } else {
            Ort o = new Ort(files, threads);
            call = o::run;
            close = o;
        }
    }

    @Benchmark
    public void run() {
        call.run();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        close.close();
    }

    /** A model's files as examples/onnx/export.py --bench writes them: batch 1 model.onnx, batch 8 model.b8.onnx. */
    record ModelFiles(Path root, String name, int batch) {
        private String suffix() {
            return batch == 1 ? "" : ".b" + batch;
        }

        Path model() {
            return root.resolve(name).resolve("model" + suffix() + ".onnx");
        }

        Path input() {
            return root.resolve(name).resolve("input" + suffix() + ".npy");
        }

        Path expected() {
            return root.resolve(name).resolve("expected" + suffix() + ".npy");
        }
    }

    /**
     * opsgi on one model as {@code ./opsgi run} runs it: imported, planned and fused once (batch norm folded,
     * epilogues, buffers reused, each conv prepared on its first run); each call runs the plan.
     */
    record Opsgi(Network net, ExecutionPlan plan, Tensor x, NetworkRunner.KernelSource kernels) {
        static Opsgi load(ModelFiles f, int threads) throws IOException {
            Parallel.setThreads(threads);
            Network net = Network.plan(OnnxModel.read(f.model()).description());
            ExecutionPlan plan = ExecutionPlan.of(net, Weights.load(net), ExecutionPlan.Options.FUSED);
            return new Opsgi(net, plan, Npy.readFloat(f.input()),
                    new LeasedOnce(new ClasspathKernelSource()));
        }

        void run() {
            plan.run(kernels, x);
        }

        Tensor output() {
            return plan.run(kernels, x).output();
        }
    }

    /**
     * Each op's lease taken once and kept: the container's registry hands out a lease in under a microsecond,
     * where {@link ClasspathKernelSource} builds a new chain per lease (sorting the class path's kernels), a cost the
     * container does not have. The kernels never change here, so the prepared convs stay valid.
     */
    record LeasedOnce(NetworkRunner.KernelSource source, Map<String, KernelLease<?>> leases) implements NetworkRunner.KernelSource {
        LeasedOnce(NetworkRunner.KernelSource source) {
            this(source, new ConcurrentHashMap<>());
        }

        @Override
        @SuppressWarnings("unchecked")
        public <K extends Kernel> KernelLease<K> lease(String op, Class<K> type) {
            return (KernelLease<K>) leases.computeIfAbsent(op, o -> source.lease(o, type));
        }
    }

    /** ONNX Runtime on one model, in this JVM. */
    static final class Ort implements AutoCloseable {
        private final OrtSession session;
        private final OnnxTensor input;
        private final Map<String, OnnxTensor> inputs;

        Ort(ModelFiles f, int threads) throws OrtException, IOException {
            this(f, threads, true);
        }

        /** {@code spin}: ONNX Runtime's default, its intra-op threads spinning between calls (false only beside another engine, {@link ModelPairs}). */
        Ort(ModelFiles f, int threads, boolean spin) throws OrtException, IOException {
            OrtEnvironment env = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, "opsgi-bench");
            try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
                o.setIntraOpNumThreads(threads);
                if (!spin) {
                    o.addConfigEntry("session.intra_op.allow_spinning", "0");
                }
                o.setInterOpNumThreads(1);
                o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
                o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                session = env.createSession(f.model().toString(), o);
            }
            Tensor x = Npy.readFloat(f.input());
            FloatBuffer in = ByteBuffer.allocateDirect(x.size() * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
            in.put(x.toArray()).rewind();
            input = OnnxTensor.createTensor(env, in, Arrays.stream(x.shape().toArray()).asLongStream().toArray());
            inputs = Map.of(session.getInputNames().iterator().next(), input);
        }

        void run() {
            try (OrtSession.Result r = session.run(inputs)) {
                // the output is dropped: only the time counts here (ModelBench checked it before timing)
            } catch (OrtException e) {
                throw new IllegalStateException(e);
            }
        }

        float[] output() throws OrtException {
            try (OrtSession.Result r = session.run(inputs)) {
                FloatBuffer b = ((OnnxTensor) r.get(0)).getFloatBuffer();
                float[] y = new float[b.remaining()];
                b.get(y);
                return y;
            }
        }

        @Override
        public void close() throws OrtException {
            input.close();
            session.close();
        }
    }
}
