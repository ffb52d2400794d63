package io.opsgi.benchmarks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opsgi.op.Activation;
import io.opsgi.op.Activations;
import io.opsgi.op.AdaptiveAvgPool2dKernel;
import io.opsgi.op.AdaptivePool2d;
import io.opsgi.op.AvgPool2d;
import io.opsgi.op.AvgPool2dKernel;
import io.opsgi.op.BatchNorm;
import io.opsgi.op.BatchNormKernel;
import io.opsgi.op.Conv2d;
import io.opsgi.op.Conv2dKernel;
import io.opsgi.op.ConvTranspose2d;
import io.opsgi.op.ConvTranspose2dKernel;
import io.opsgi.op.ElementwiseKernel;
import io.opsgi.op.Kernel;
import io.opsgi.op.MaxPool2d;
import io.opsgi.op.MaxPool2dKernel;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The benchmark calls kernels directly, with an output it owns; these tests check that the call is
 * the one the contract makes: same geometry, same inputs, so the same bits as the contract's apply.
 */
class OpCaseTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DataInit INIT = DataInit.of(json("""
            {"input": {"seed": 1, "scale": 2.0}, "weight": {"seed": 2, "scale": "2/sqrt(weight_shape[1]*kh*kw)"},
             "bias": {"seed": 3, "scale": 0.2}, "bn_running_mean": {"seed": 4, "scale": 0.2},
             "bn_running_var": {"seed": 5, "scale": 0.5, "offset": 1.0}, "bn_weight": {"seed": 6, "scale": 0.2, "offset": 1.0},
             "bn_bias": {"seed": 7, "scale": 0.2}}"""));
    private static final Variants KERNELS = Variants.discover();

    private static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static OpCase opCase(String workloadJson) {
        return OpCase.of(Workload.of(json(workloadJson)), INIT);
    }

    private static Kernel direct(String op) {
        return KERNELS.find(op, Variants.REFERENCE).kernel();
    }

    private static Tensor t(Shape s, String name) {
        return Tensor.wrap(s, INIT.tensor(name, s.size()));
    }

    @Test
    void groupedStridedConvWithBiasIsTheContractsCall() {
        OpCase c = opCase("""
                {"id": "c", "op": "conv2d", "N": 2, "C": 4, "H": 9, "W": 8, "K": 6, "kh": 3, "kw": 2, "stride": 2, "pad": 1,
                 "dilation": 1, "groups": 2, "bias": true, "input_shape": [2, 4, 9, 8], "weight_shape": [6, 2, 3, 2]}""");
        Tensor w = Tensor.wrap(Shape.of(6, 2, 3, 2), INIT.weight(new int[] {6, 2, 3, 2}));
        Tensor expected = Conv2d.apply((Conv2dKernel) direct("conv2d"), t(Shape.of(2, 4, 9, 8), "input"), w, t(Shape.of(6), "bias"),
                Conv2d.attrs(Map.of("stride", 2, "padding", 1, "groups", 2)));
        assertEquals(expected.shape(), c.outputShape);
        assertArrayEquals(expected.buffer(), c.compute(direct("conv2d")));
    }

    @Test
    void transposedConvIsTheContractsCall() {
        OpCase c = opCase("""
                {"id": "t", "op": "conv_transpose2d", "N": 1, "C": 4, "H": 5, "W": 5, "K": 3, "kh": 4, "kw": 4, "stride": 2, "pad": 1,
                 "output_padding": 0, "dilation": 1, "groups": 1, "bias": true, "input_shape": [1, 4, 5, 5], "weight_shape": [4, 3, 4, 4]}""");
        Tensor w = Tensor.wrap(Shape.of(4, 3, 4, 4), INIT.weight(new int[] {4, 3, 4, 4}));
        Tensor expected = ConvTranspose2d.apply((ConvTranspose2dKernel) direct("conv_transpose2d"), t(Shape.of(1, 4, 5, 5), "input"), w,
                t(Shape.of(3), "bias"), ConvTranspose2d.attrs(Map.of("stride", 2, "padding", 1)));
        assertEquals(expected.shape(), c.outputShape);
        assertArrayEquals(expected.buffer(), c.compute(direct("conv_transpose2d")));
    }

    @Test
    void poolsAreTheContractsCalls() {
        Tensor x = t(Shape.of(1, 3, 11, 10), "input");
        OpCase max = opCase("""
                {"id": "m", "op": "max_pool2d", "N": 1, "C": 3, "H": 11, "W": 10, "k": 3, "stride": 2, "pad": 1, "input_shape": [1, 3, 11, 10]}""");
        assertArrayEquals(MaxPool2d.apply((MaxPool2dKernel) direct("max_pool2d"), x, MaxPool2d.attrs(Map.of("kernel_size", 3, "stride", 2, "padding", 1)))
                .buffer(), max.compute(direct("max_pool2d")));
        OpCase avg = opCase("""
                {"id": "a", "op": "avg_pool2d", "N": 1, "C": 3, "H": 11, "W": 10, "k": 2, "stride": 2, "pad": 0, "input_shape": [1, 3, 11, 10]}""");
        assertArrayEquals(AvgPool2d.apply((AvgPool2dKernel) direct("avg_pool2d"), x, AvgPool2d.attrs(Map.of("kernel_size", 2, "stride", 2)))
                .buffer(), avg.compute(direct("avg_pool2d")));
        OpCase gap = opCase("""
                {"id": "g", "op": "adaptive_avg_pool2d", "N": 1, "C": 3, "H": 11, "W": 10, "out_h": 1, "out_w": 1, "input_shape": [1, 3, 11, 10]}""");
        assertArrayEquals(AdaptivePool2d.avg((AdaptiveAvgPool2dKernel) direct("adaptive_avg_pool2d"), x, 1, 1).buffer(),
                gap.compute(direct("adaptive_avg_pool2d")));
    }

    @Test
    void batchNormAndReluAreTheContractsCalls() {
        Shape xs = Shape.of(2, 5, 4, 3), cs = Shape.of(5);
        Tensor x = t(xs, "input");
        OpCase bn = opCase("""
                {"id": "b", "op": "batch_norm", "N": 2, "C": 5, "H": 4, "W": 3, "eps": 1e-5, "input_shape": [2, 5, 4, 3]}""");
        Tensor expected = BatchNorm.inference((BatchNormKernel) direct("batch_norm"), x, t(cs, "bn_running_mean"), t(cs, "bn_running_var"),
                t(cs, "bn_weight"), t(cs, "bn_bias"), 1e-5);
        assertArrayEquals(expected.buffer(), bn.compute(direct("batch_norm")));
        OpCase relu = opCase("""
                {"id": "r", "op": "relu", "N": 2, "C": 5, "H": 4, "W": 3, "input_shape": [2, 5, 4, 3]}""");
        assertArrayEquals(Activations.apply((ElementwiseKernel) direct("relu"), x, Activations.attrs(Activation.RELU, Map.of())).buffer(),
                relu.compute(direct("relu")));
    }

    @Test
    void theOutputBufferIsTheCallersAndIsFilledInPlace() {
        OpCase relu = opCase("""
                {"id": "r", "op": "relu", "N": 1, "C": 2, "H": 3, "W": 3, "input_shape": [1, 2, 3, 3]}""");
        float[] y = new float[relu.outputSize()];
        Runnable call = relu.bind(direct("relu"), y);
        call.run();
        assertTrue(relu.tolerance(y).bitExact(), "relu is judged bit-exact, as in the conformance suite");
        assertArrayEquals(relu.compute(direct("relu")), y);
        assertThrows(IllegalArgumentException.class, () -> relu.bind(direct("relu"), new float[3]));
    }

    @Test
    void anOpNoWorkloadUsedBeforeBindsWithNoCodeHere() {
        // softmax: no benchmark code names it; its Operator and the workload's fields are enough.
        OpCase softmax = opCase("""
                {"id": "s", "op": "softmax", "dim": 1, "N": 1, "C": 5, "H": 3, "W": 3, "input_shape": [1, 5, 3, 3]}""");
        Tensor x = t(Shape.of(1, 5, 3, 3), "input");
        Tensor expected = (Tensor) io.opsgi.op.Operators.get("softmax").run(direct("softmax"), Map.of("dim", 1), Map.of("input", x)).get("output");
        assertEquals(expected.shape(), softmax.outputShape);
        assertArrayEquals(expected.buffer(), softmax.compute(direct("softmax")));
    }

    @Test
    void anOpOpsgiDoesNotHaveIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> opCase("""
                {"id": "s", "op": "conv3d", "input_shape": [1, 2, 3, 3, 3]}"""));
        assertTrue(e.getMessage().contains("conv3d"), e.getMessage());
    }
}
