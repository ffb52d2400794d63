package io.opsgi.onnxproof;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** ONNX Runtime 1.29 (Java API, this JVM) on one .onnx file: the peer the imported model is held to. */
final class OnnxRuntimePeer {
    private OnnxRuntimePeer() {
    }

    /** The model's first output for {@code x} (its one input), all graph optimizations on, one thread. */
    static Tensor run(Path model, Tensor x) throws OrtException {
        return runAll(model, x).get(0);
    }

    /** Every output of the model for {@code x}, in the graph's order. */
    static List<Tensor> runAll(Path model, Tensor x) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, "opsgi-onnxproof");
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(1);
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            try (OrtSession s = env.createSession(model.toString(), o);
                    OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.toArray()), Arrays.stream(x.shape().toArray()).asLongStream().toArray());
                    OrtSession.Result r = s.run(Map.of(s.getInputNames().iterator().next(), in))) {
                List<Tensor> outputs = new ArrayList<>();
                for (int i = 0; i < r.size(); i++) {
                    OnnxTensor out = (OnnxTensor) r.get(i);
                    long[] dims = out.getInfo().getShape();
                    FloatBuffer b = out.getFloatBuffer();
                    float[] y = new float[b.remaining()];
                    b.get(y);
                    outputs.add(Tensor.wrap(Shape.of(Arrays.stream(dims).mapToInt(Math::toIntExact).toArray()), y));
                }
                return outputs;
            }
        }
    }
}
