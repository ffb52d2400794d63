package io.opsgi.op;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The registry of operators by name. */
class OperatorsTest {

    @Test
    void every_operator_in_scope_is_registered_once() {
        List<String> names = Operators.all().stream().map(Operator::name).collect(Collectors.toList());
        List<String> expected = List.of("conv2d", "conv_transpose2d", "max_pool2d", "avg_pool2d", "adaptive_avg_pool2d", "adaptive_max_pool2d",
                "global_avg_pool2d", "global_max_pool2d", "lp_pool2d", "pad", "batch_norm",
                "linear", "add", "upsample", "resize", "relu", "relu6", "leaky_relu", "elu", "selu", "celu",
                "gelu", "silu", "mish", "hardswish", "hardsigmoid", "hardtanh", "sigmoid", "tanh", "softplus", "softsign", "sqrt", "erf", "abs", "neg", "reciprocal", "floor", "ceil", "sign", "exp",
                "log", "prelu", "softmax",
                "log_softmax",
                "sub", "mul", "div", "pow", "maximum", "minimum", "matmul");
        assertEquals(expected, names);
        for (String n : expected) {
            assertTrue(Operators.exists(n), n);
            assertEquals(n, Operators.get(n).name());
        }
    }

    @Test
    void kernel_types_and_inputs() {
        assertEquals(Conv2dKernel.class, Operators.get("conv2d").kernelType());
        assertEquals(List.of("input", "weight", "bias"), Operators.get("conv2d").inputs());
        assertEquals(AdaptiveMaxPool2dKernel.class, Operators.get("global_max_pool2d").kernelType());
        assertEquals(List.of("input", "running_mean", "running_var", "weight", "bias"), Operators.get("batch_norm").inputs());
        assertEquals(SoftmaxKernel.class, Operators.get("log_softmax").kernelType());
        assertEquals(PReluKernel.class, Operators.get("prelu").kernelType());
        for (String binary : List.of("add", "sub", "mul", "div")) {
            assertEquals(BinaryKernel.class, Operators.get(binary).kernelType(), binary);
            assertEquals(List.of("input", "other"), Operators.get(binary).inputs(), binary);
        }
        assertEquals(MatmulKernel.class, Operators.get("matmul").kernelType());
    }

    @Test
    void unknown_op_names_the_known_ones() {
        assertFalse(Operators.exists("conv3d"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Operators.get("conv3d"));
        assertTrue(e.getMessage().contains("'conv3d'"), e.getMessage());
        assertTrue(e.getMessage().contains("conv2d, conv_transpose2d"), e.getMessage());
    }
}
