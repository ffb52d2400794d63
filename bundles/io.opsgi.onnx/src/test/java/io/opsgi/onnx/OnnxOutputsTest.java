package io.opsgi.onnx;

import io.opsgi.onnx.proto.Onnx.NodeProto;

import static io.opsgi.onnx.Graphs.floats;
import static io.opsgi.onnx.Graphs.graph;
import static io.opsgi.onnx.Graphs.ints;
import static io.opsgi.onnx.Graphs.longs;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.opsgi.net.ClasspathKernelSource;
import io.opsgi.net.ExecutionPlan;
import io.opsgi.net.Network;
import io.opsgi.net.PlannedLayer;
import io.opsgi.net.NetworkRunner;
import io.opsgi.net.Weights;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every graph output becomes a network output, in the graph's order: a value later nodes also read, the input
 * itself (a copy), a float32 constant (a constant layer), two outputs naming one value (each its own layer). What
 * has no float32 form (an int64 constant, MaxPool's Indices, Dropout's bool mask) is refused in one line.
 */
class OnnxOutputsTest {
    @TempDir
    Path dir;

    private Network net(Graphs g) throws IOException {
        return Network.plan(OnnxModel.read(g.write(dir, "m")).description());
    }

    private OnnxException refused(Graphs g) {
        return assertThrows(OnnxException.class, () -> OnnxModel.read(g.write(dir, "m")));
    }

    @Test
    void everyOutputInTheGraphsOrder() throws IOException {
        // y = relu(x) is read by the sigmoid and is an output; z = sigmoid(y); x itself; k a constant; w = Identity(y), y's value again.
        Graphs g = graph(1, 4).node("Relu", List.of("x"), List.of("y")).node("Sigmoid", List.of("y"), List.of("z"))
                .node("Identity", List.of("y"), List.of("w"))
                .init(floats("k", new long[] {2}, 0.5f, -2f)).output("z").output("x").output("k").output("w");
        assertEquals(List.of("y", "z", "x", "k", "w"), OnnxModel.read(g.write(dir, "m")).outputNames());
        Network net = net(g);
        assertEquals(List.of(Shape.of(1, 4), Shape.of(1, 4), Shape.of(1, 4), Shape.of(2), Shape.of(1, 4)), net.outputShapes());
        assertEquals("input", net.outputs().get(2));
        // Named as the graph names them, where no other layer has the name; the graph's input keeps the network's name.
        assertEquals(List.of("y", "z", "input", "k", "w"), net.outputs());
        Tensor x = Tensor.of(Shape.of(1, 4), -1f, 0f, 2f, -3f);
        float[] relu = {0f, 0f, 2f, 0f}, sigmoid = new float[4];
        for (int i = 0; i < 4; i++) {
            sigmoid[i] = (float) (1 / (1 + Math.exp(-relu[i])));
        }
        for (NetworkRunner.Result r : List.of(new NetworkRunner(new ClasspathKernelSource()).run(net, Weights.load(net), x),
                ExecutionPlan.of(net, Weights.load(net), ExecutionPlan.Options.FUSED).run(new ClasspathKernelSource(), x))) {
            assertEquals(5, r.outputs().size());
            assertArrayEquals(relu, r.outputs().get(0).toArray(), "y");
            assertArrayEquals(sigmoid, r.outputs().get(1).toArray(), 1e-7f, "z");
            assertArrayEquals(x.toArray(), r.outputs().get(2).toArray(), "x, the input itself");
            assertNotSame(x.buffer(), r.outputs().get(2).buffer(), "the input as an output is a copy");
            assertArrayEquals(new float[] {0.5f, -2f}, r.outputs().get(3).toArray(), "k, the constant");
            assertArrayEquals(relu, r.outputs().get(4).toArray(), "w, y's value under another name");
        }
    }

    /** A graph output named like another layer: its layer keeps its node's name rather than take that layer's. */
    @Test
    void anOutputNamedLikeAnotherLayerKeepsItsNodesName() throws IOException {
        // Graph outputs y (the Relu node 'z' computes it) and z (the Sigmoid node 's'): y renames 'z', z is a node's name.
        Graphs g = graph(1, 4).node(NodeProto.newBuilder().setOpType("Relu").setName("z").addInput("x").addOutput("y").build())
                .node(NodeProto.newBuilder().setOpType("Sigmoid").setName("s").addInput("y").addOutput("z").build()).output("z");
        Network net = net(g);
        assertEquals(List.of("y", "s"), net.outputs());
        assertEquals(List.of("y", "s"), net.layers().stream().map(PlannedLayer::name).toList());
        assertEquals(List.of("y"), net.layers().get(1).inputs(), "the reader follows the rename");
    }

    /** An identity model (onnx's identity and inference dropout cases): no layer, its output a copy of the input. */
    @Test
    void theInputAloneIsAnIdentityModel() throws IOException {
        Network net = net(graph(1, 4).node("Dropout", List.of("x"), List.of("y")));
        assertEquals(List.of(), net.layers());
        Tensor x = Tensor.of(Shape.of(1, 4), -1f, 0f, 2f, -3f);
        for (NetworkRunner.Result r : List.of(new NetworkRunner(new ClasspathKernelSource()).run(net, Weights.load(net), x),
                ExecutionPlan.of(net, Weights.load(net), ExecutionPlan.Options.FUSED).run(new ClasspathKernelSource(), x))) {
            assertArrayEquals(x.toArray(), r.output().toArray());
            assertNotSame(x.buffer(), r.output().buffer(), "a copy");
        }
    }

    @Test
    void outputsWithoutAFloat32FormAreRefusedInOneLine() {
        OnnxException k = refused(graph(1, 4).node("Relu", List.of("x"), List.of("y")).init(longs("k", new long[] {1}, 7)).output("k"));
        assertEquals(List.of("the graph's output 'k' is a constant of int64; opsgi computes float32 only"), k.problems());
        OnnxException none = refused(graph(1, 4).node("Relu", List.of("x"), List.of("y")).output("q"));
        assertEquals(List.of("the graph's output 'q' is produced by no node"), none.problems());
        OnnxException indices = refused(graph(1, 1, 4, 4).node("MaxPool", List.of("x"), List.of("y", "i"), ints("kernel_shape", 2, 2)).output("i"));
        assertEquals(List.of("node 'MaxPool_0' (MaxPool, opset 14): the output Indices ('i') is read by the graph; int64 positions, and opsgi computes "
                + "float32 values only"), indices.problems());
        OnnxException mask = refused(graph(1, 4).node("Dropout", List.of("x"), List.of("y", "m")).output("m"));
        assertEquals(List.of("node 'Dropout_0' (Dropout, opset 14): the output mask ('m') is read by the graph; a bool tensor, and opsgi computes "
                + "float32 values only"), mask.problems());
    }
}
