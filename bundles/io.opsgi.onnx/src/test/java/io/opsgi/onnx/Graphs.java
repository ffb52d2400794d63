package io.opsgi.onnx;

import com.google.protobuf.ByteString;
import io.opsgi.onnx.proto.Onnx.AttributeProto;
import io.opsgi.onnx.proto.Onnx.GraphProto;
import io.opsgi.onnx.proto.Onnx.ModelProto;
import io.opsgi.onnx.proto.Onnx.NodeProto;
import io.opsgi.onnx.proto.Onnx.OperatorSetIdProto;
import io.opsgi.onnx.proto.Onnx.TensorProto;
import io.opsgi.onnx.proto.Onnx.TensorShapeProto;
import io.opsgi.onnx.proto.Onnx.TypeProto;
import io.opsgi.onnx.proto.Onnx.ValueInfoProto;
import io.opsgi.net.ClasspathKernelSource;
import io.opsgi.net.Network;
import io.opsgi.net.NetworkRunner;
import io.opsgi.net.Weights;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Small ONNX graphs written with the generated protobuf classes, for the tests. */
final class Graphs {
    private final List<NodeProto> nodes = new ArrayList<>();
    private final List<TensorProto> initializers = new ArrayList<>();
    private final List<ValueInfoProto> inputs = new ArrayList<>();
    private final List<ValueInfoProto> outputs = new ArrayList<>();
    private int opset = 14;
    private String domain = "";

    static Graphs graph(long... inputDims) {
        Graphs g = new Graphs();
        g.inputs.add(value("x", TensorProto.DataType.FLOAT_VALUE, inputDims));
        g.outputs.add(value("y", TensorProto.DataType.FLOAT_VALUE));
        return g;
    }

    static ValueInfoProto value(String name, int elemType, long... dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (long d : dims) {
            s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(s))).build();
    }

    Graphs opset(int v) {
        opset = v;
        return this;
    }

    Graphs opsetDomain(String d) {
        domain = d;
        return this;
    }

    Graphs input(ValueInfoProto v) {
        inputs.add(v);
        return this;
    }

    /** Another graph output after {@code y}. */
    Graphs output(String name) {
        outputs.add(value(name, TensorProto.DataType.FLOAT_VALUE));
        return this;
    }

    Graphs replaceInput(ValueInfoProto v) {
        inputs.set(0, v);
        return this;
    }

    Graphs node(NodeProto n) {
        nodes.add(n);
        return this;
    }

    Graphs node(String op, List<String> in, List<String> out, AttributeProto... attrs) {
        NodeProto.Builder b = NodeProto.newBuilder().setOpType(op).setName(op + "_" + nodes.size()).addAllInput(in).addAllOutput(out);
        for (AttributeProto a : attrs) {
            b.addAttribute(a);
        }
        return node(b.build());
    }

    Graphs init(TensorProto t) {
        initializers.add(t);
        return this;
    }

    static TensorProto floats(String name, long[] dims, float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE).addAllDims(boxed(dims))
                .setRawData(ByteString.copyFrom(b.array())).build();
    }

    static TensorProto longs(String name, long[] dims, long... values) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE).addAllDims(boxed(dims));
        for (long v : values) {
            t.addInt64Data(v);
        }
        return t.build();
    }

    static List<Long> boxed(long[] v) {
        List<Long> l = new ArrayList<>();
        for (long x : v) {
            l.add(x);
        }
        return l;
    }

    static AttributeProto attr(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v).build();
    }

    static AttributeProto attr(String name, float v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(v).build();
    }

    static AttributeProto attr(String name, String v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8(v)).build();
    }

    static AttributeProto ints(String name, long... v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS).addAllInts(boxed(v)).build();
    }

    ModelProto model() {
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("opsgi-test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(domain).setVersion(opset))
                .setGraph(GraphProto.newBuilder().setName("test").addAllNode(nodes).addAllInitializer(initializers).addAllInput(inputs).addAllOutput(outputs))
                .build();
    }

    Path write(Path dir, String name) throws IOException {
        Path f = dir.resolve(name + ".onnx");
        Files.write(f, model().toByteArray());
        return f;
    }

    /** The graph written to {@code dir}, imported for x's shape, planned and run on the test classpath's kernels: its first output. */
    Tensor run(Path dir, Tensor x) throws IOException {
        Network net = Network.plan(OnnxModel.read(write(dir, "m"), x.shape()).description());
        return new NetworkRunner(new ClasspathKernelSource()).run(net, Weights.load(net), x).output();
    }

    /** A tensor of uniform values in [lo, hi), the same for the same seed. */
    static Tensor random(long seed, double lo, double hi, int... dims) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[Shape.of(dims).size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (lo + r.nextDouble() * (hi - lo));
        }
        return Tensor.wrap(Shape.of(dims), v);
    }
}
