package io.opsgi.benchmarks;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;

/**
 * ONNX Runtime on one workload's model, in this JVM: intra-op threads as asked, sequential
 * execution, every graph optimization on (it rewrites 3x3 convs into its NCHWc blocked layout, the
 * conversions included in the timed call). The weights are initializers, so ORT may pre-pack them
 * once as it does for a real model. Input and output live in direct buffers bound once; the output
 * is pinned, so ORT writes into the same memory on every call, as the opsgi kernels do.
 */
final class OrtPeer implements AutoCloseable {
    private final OrtSession session;
    private final OnnxTensor input;
    private final OnnxTensor output;
    private final FloatBuffer out;
    private final Map<String, OnnxTensor> inputs;
    private final Map<String, OnnxTensor> pinned;

    OrtPeer(Path model, int threads, OpCase c) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, "opsgi-bench");
        try (SessionOptions o = new SessionOptions()) {
            o.setIntraOpNumThreads(threads);
            o.setInterOpNumThreads(1);
            o.setExecutionMode(SessionOptions.ExecutionMode.SEQUENTIAL);
            o.setOptimizationLevel(SessionOptions.OptLevel.ALL_OPT);
            session = env.createSession(model.toString(), o);
        }
        float[] x = c.input().buffer();
        FloatBuffer in = direct(x.length);
        in.put(x).rewind();
        input = OnnxTensor.createTensor(env, in, longs(c.input().shape().toArray()));
        out = direct(c.outputSize());
        output = OnnxTensor.createTensor(env, out, longs(c.outputShape.toArray()));
        inputs = Map.of("input", input);
        pinned = Map.of("output", output);
    }

    static String version() {
        return OrtEnvironment.getEnvironment().getVersion();
    }

    /** One inference into the pinned output. */
    void run() throws OrtException {
        try (OrtSession.Result r = session.run(inputs, pinned)) {
            // the result holds only the pinned output, which it does not own
        }
    }

    /** A copy of the last output. */
    float[] output() {
        float[] y = new float[out.capacity()];
        out.duplicate().rewind().get(y);
        return y;
    }

    private static FloatBuffer direct(int n) {
        return ByteBuffer.allocateDirect(n * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    private static long[] longs(int[] a) {
        long[] l = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            l[i] = a[i];
        }
        return l;
    }

    @Override
    public void close() throws OrtException {
        input.close();
        output.close();
        session.close();
    }
}
