import ai.onnxruntime.*;
import java.nio.*;
import java.nio.file.*;
import java.util.*;

/** Runs every NAME.onnx in a directory on NAME.in (shape line, then floats) and writes NAME.ort (shape line, floats, or ERROR line). */
public class OrtRun {
    public static void main(String[] a) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Path dir = Path.of(a[0]);
        try (var files = Files.list(dir)) {
            for (Path m : files.filter(p -> p.toString().endsWith(".onnx")).sorted().toList()) {
                String name = m.getFileName().toString().replace(".onnx", "");
                List<String> in = Files.readAllLines(dir.resolve(name + ".in"));
                long[] shape = Arrays.stream(in.get(0).trim().split(" ")).mapToLong(Long::parseLong).toArray();
                float[] x = new float[in.size() - 1];
                for (int i = 0; i < x.length; i++) x[i] = Float.parseFloat(in.get(i + 1).replace("-inf","-Infinity").replace("inf","Infinity").replace("nan","NaN"));
                StringBuilder out = new StringBuilder();
                try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
                    o.setIntraOpNumThreads(1);
                    try (OrtSession s = env.createSession(m.toString(), o);
                         OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape);
                         OrtSession.Result r = s.run(Map.of("x", t))) {
                        OnnxTensor y = (OnnxTensor) r.get(0);
                        long[] ys = y.getInfo().getShape();
                        for (long d : ys) out.append(d).append(' ');
                        out.append('\n');
                        FloatBuffer fb = y.getFloatBuffer();
                        while (fb.hasRemaining()) out.append(Float.toString(fb.get())).append('\n');
                    }
                } catch (Exception e) {
                    out = new StringBuilder("ERROR " + e.getMessage().replace('\n', ' ') + "\n");
                }
                Files.writeString(dir.resolve(name + ".ort"), out.toString());
            }
        }
    }
}
