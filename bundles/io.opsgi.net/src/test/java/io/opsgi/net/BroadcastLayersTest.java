package io.opsgi.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.opsgi.conformance.ClasspathKernels;
import io.opsgi.conformance.DiscoveredKernel;
import io.opsgi.op.Activation;
import io.opsgi.op.ActivationAttrs;
import io.opsgi.op.Activations;
import io.opsgi.op.Binary;
import io.opsgi.op.BinaryKernel;
import io.opsgi.op.BinaryOp;
import io.opsgi.op.ElementwiseKernel;
import io.opsgi.op.Matmul;
import io.opsgi.op.MatmulKernel;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The broadcasting element-wise layers, matmul and the ONNX attribute forms in a network: a
 * squeeze-and-excitation style block (a per-channel gate multiplied into the feature map, then the
 * other operand order through sub), planned with broadcast shapes and run as the composition of
 * the ops' contracts, with the vector kernel serving the per-channel broadcast.
 */
class BroadcastLayersTest {

    private static NetworkBuilder block() {
        return NetworkBuilder.network("se", 1, 3, 4, 4).seeded(5)
                .conv2d("conv", 3, 4, 3, "padding", 1)
                .layer("gap", "global_avg_pool2d")
                .layer("gate", "hardsigmoid", "alpha", 0.2, "beta", 0.5)
                .layer("scale", "mul").from("conv", "gate")
                .layer("shift", "sub").from("gate", "scale")
                .layer("squash", "softsign")
                .layer("ratio", "div").from("squash", "gate")
                .layer("square", "matmul").from("ratio", "ratio")
                .layer("act", "selu", "alpha", 2.0, "gamma", 1.5);
    }

    @Test
    void plansBroadcastShapes() {
        Network net = Network.plan(block().build());
        assertEquals(Shape.of(1, 4, 1, 1), net.layer("gate").outputShape());
        assertEquals(Shape.of(1, 4, 4, 4), net.layer("scale").outputShape());
        assertEquals(Shape.of(1, 4, 4, 4), net.layer("shift").outputShape(), "(1, 4, 1, 1) - (1, 4, 4, 4) broadcasts");
        assertEquals(Shape.of(1, 4, 4, 4), net.outputShape());
        assertEquals(64L * 4, net.layer("square").macs(), "matmul: 64 outputs, K = 4");
    }

    @Test
    void runsAsTheCompositionOfTheOpsAndTheVectorKernelServesThePerChannelCase() throws IOException {
        Network net = Network.plan(block().build());
        Weights weights = Weights.load(net);
        Tensor x = Tensor.full(net.inputShape(), 0.25f);
        NetworkRunner.Result best = new NetworkRunner(new ClasspathKernelSource()).run(net, weights, x);
        NetworkRunner.Result reference = new NetworkRunner(ClasspathKernelSource.referenceOnly()).run(net, weights, x);
        float[] r = reference.output().buffer(), b = best.output().buffer();
        for (int i = 0; i < r.length; i++) {
            // the fast conv kernels sum in another order (sqrt(K) bound, K = 27); everything after it is one kernel or bit-exact
            assertEquals(r[i], b[i], 1e-5 * (Math.abs(r[i]) + 1), "element " + i);
        }
        assertEquals("vector", best.layers().get(3).variant(), "the per-channel mul runs on the vector kernel");

        BinaryKernel binary = reference(BinaryKernel.class, "mul");
        ElementwiseKernel act = reference(ElementwiseKernel.class, "selu");
        Tensor conv = upTo("conv", x), gap = upTo("gap", x);
        Tensor gate = Activations.apply(act, gap, ActivationAttrs.onnxHardsigmoid(0.2f, 0.5f));
        Tensor scale = Binary.apply(binary, BinaryOp.MUL, conv, gate);
        Tensor shift = Binary.apply(binary, BinaryOp.SUB, gate, scale);
        Tensor squash = Activations.apply(act, shift, ActivationAttrs.of(Activation.SOFTSIGN));
        Tensor ratio = Binary.apply(binary, BinaryOp.DIV, squash, gate);
        Tensor square = Matmul.apply(reference(MatmulKernel.class, "matmul"), ratio, ratio);
        Tensor expected = Activations.apply(act, square, ActivationAttrs.onnxSelu(2f, 1.5f));
        assertArrayEquals(expected.buffer(), reference.output().buffer(), "the layers' inputs in their order, attributes passed through");
    }

    /** The block's output at layer {@code name} (same seeded weights), on the reference kernels. */
    private static Tensor upTo(String name, Tensor x) throws IOException {
        Network net = Network.plan(block().output(name).build());
        return new NetworkRunner(ClasspathKernelSource.referenceOnly()).run(net, Weights.load(net), x).output();
    }

    private static <K> K reference(Class<K> type, String op) {
        List<DiscoveredKernel> all = ClasspathKernels.serving(ClasspathKernelSource.ALL, op);
        return type.cast(all.stream().filter(d -> d.variant().equals("direct")).findFirst().orElseThrow().kernel());
    }
}
