package io.opsgi.onnxproof;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opsgi.conformance.DiscoveredKernel;
import io.opsgi.conformance.TensorComparison;
import io.opsgi.net.ClasspathKernelSource;
import io.opsgi.net.Network;
import io.opsgi.net.NetworkRunner;
import io.opsgi.net.NetworkTolerance;
import io.opsgi.net.PlannedLayer;
import io.opsgi.net.Weights;
import io.opsgi.onnx.OnnxModel;
import io.opsgi.op.Conv2dKernel;
import io.opsgi.op.ConvGeometry;
import io.opsgi.op.Kernel;
import io.opsgi.tensor.Npy;
import io.opsgi.tensor.Tensor;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The whole-model comparisons bite: a conv2d kernel that drops the bias (on the U-Net, whose default-opset
 * export folds every batch norm into a conv bias; SqueezeNet's biases are all zero, torchvision's init),
 * and one weight of SqueezeNet 1.1's first conv changed by 10%, each make the output miss both
 * PyTorch's and ONNX Runtime's within the network tolerance. (One weight changed by 1%
 * moves the output by 1.4e-4 in PyTorch, 0.7x of the tolerance, 1.8e-4 at max|y| 1.16 and depth ~356:
 * the bound is a worst case, and a change that small in one of 720,000 weights passes.)
 */
class ComparisonBitesTest {
    private static final Path MODEL = OnnxModelsMatchPeersTest.EXAMPLES.resolve("squeezenet1_1_c10/model.onnx");
    private static final Path UNET = OnnxModelsMatchPeersTest.EXAMPLES.resolve("unet_small/model.onnx");
    private static final List<DiscoveredKernel> KERNELS = ClasspathKernelSource.ALL;

    /** Delegates to the real kernel, without the bias: plausible, and wrong. */
    private static Kernel droppingBias(Kernel k) {
        if (!(k instanceof Conv2dKernel c)) {
            return k;
        }
        return new Conv2dKernel() {
            @Override
            public void conv2d(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y) {
                c.conv2d(g, x, w, null, y);
            }

            @Override
            public boolean supports(ConvGeometry g) {
                return c.supports(g);
            }
        };
    }

    @Test
    void aConvDroppingItsBiasIsCaught() throws Exception {
        Network net = Network.plan(OnnxModel.read(UNET).description());
        Weights weights = Weights.load(net);
        assertTrue(net.layers().stream().filter(l -> "conv2d".equals(l.op())).map(l -> weights.get(l.name(), "bias"))
                .anyMatch(b -> b != null && anyNonZero(b.toArray())), "the U-Net's convs have non-zero biases");
        Tensor x = Npy.readFloat(UNET.resolveSibling("input.npy"));
        Tensor y = new NetworkRunner(new ClasspathKernelSource().wrapped(ComparisonBitesTest::droppingBias)).run(net, weights, x).output();
        assertMissesBothPeers(UNET, net, y, "a conv2d dropping its bias");
    }

    private static boolean anyNonZero(float[] a) {
        for (float v : a) {
            if (v != 0) {
                return true;
            }
        }
        return false;
    }

    @Test
    void onePerturbedWeightIsCaught() throws Exception {
        Network net = Network.plan(OnnxModel.read(MODEL).description());
        Weights weights = Weights.load(net);
        PlannedLayer firstConv = net.layers().stream().filter(l -> "conv2d".equals(l.op())).findFirst().orElseThrow();
        Tensor w = weights.get(firstConv.name(), "weight");
        w.buffer()[0] *= 1.1f;
        Tensor y = new NetworkRunner(new ClasspathKernelSource()).run(net, weights, input()).output();
        assertMissesBothPeers(MODEL, net, y, "weight [0] of " + firstConv.name() + " x 1.1");
    }

    private static Tensor input() throws Exception {
        return Npy.readFloat(MODEL.resolveSibling("input.npy"));
    }

    private static void assertMissesBothPeers(Path model, Network net, Tensor y, String what) throws Exception {
        Tensor torch = Npy.readFloat(model.resolveSibling("expected.npy"));
        Tensor ort = OnnxRuntimePeer.run(model, Npy.readFloat(model.resolveSibling("input.npy")));
        TensorComparison a = TensorComparison.compare("output", torch, y, NetworkTolerance.of(net, torch));
        TensorComparison b = TensorComparison.compare("output", ort, y, NetworkTolerance.of(net, ort));
        assertFalse(a.passed(), what + ": the comparison with PyTorch must fail");
        assertFalse(b.passed(), what + ": the comparison with ONNX Runtime must fail");
        assertTrue(a.toleranceUse() > 1 && b.toleranceUse() > 1);
        System.out.printf("%s: caught, %.0fx the tolerance against PyTorch, %.0fx against ONNX Runtime%n", what, a.toleranceUse(), b.toleranceUse());
    }
}
