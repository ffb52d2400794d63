package io.opsgi.op;

import static io.opsgi.op.ContractAssertions.assertRule;
import static io.opsgi.op.ContractAssertions.inputs;
import static io.opsgi.op.ContractAssertions.shape;
import static io.opsgi.op.ContractAssertions.zeros;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The linear contract (F.linear, PyTorch 1.13): output shapes, the geometry handed to kernels, one error per rule. */
class LinearContractTest {
    private static final String OP = "linear";
    private static final LinearKernel NO_KERNEL = (g, x, w, b, y) -> fail("linear kernel called: the contract must refuse first");

    private static Shape out(Shape x, Shape w, Shape b) {
        return Linear.outputShape(x, w, b);
    }

    @Test
    void shapes_keep_every_leading_dimension() {
        // torch: F.linear(randn(2, 3), W(4, 3)) -> (2, 4); (3,) -> (4,); (2, 5, 6, 3) -> (2, 5, 6, 4)
        assertEquals(shape(2, 4), out(shape(2, 3), shape(4, 3), shape(4)));
        assertEquals(shape(4), out(shape(3), shape(4, 3), null));
        assertEquals(shape(2, 5, 6, 4), out(shape(2, 5, 6, 3), shape(4, 3), shape(4)));
        // empty batch (0, 4); no input features (2, 4) = the bias; no output features (2, 0)
        assertEquals(shape(0, 4), out(shape(0, 3), shape(4, 3), shape(4)));
        assertEquals(shape(2, 4), out(shape(2, 0), shape(4, 0), shape(4)));
        assertEquals(shape(2, 0), out(shape(2, 3), shape(0, 3), shape(0)));
    }

    @Test
    void the_kernel_sees_rows_of_in_features() {
        AtomicReference<LinearGeometry> seen = new AtomicReference<>();
        Tensor y = Linear.apply((g, x, w, b, out) -> seen.set(g), zeros(2, 5, 3), zeros(4, 3), null);
        assertEquals(new LinearGeometry(10, 3, 4), seen.get());
        assertEquals(shape(2, 5, 4), y.shape());
        Linear.apply((g, x, w, b, out) -> seen.set(g), zeros(2, 0), zeros(4, 0), zeros(4));
        assertEquals(new LinearGeometry(2, 0, 4), seen.get(), "no input features: the kernel still writes the bias");
    }

    @Test
    void empty_outputs_never_reach_the_kernel() {
        assertEquals(shape(0, 4), Linear.apply(NO_KERNEL, zeros(0, 3), zeros(4, 3), zeros(4)).shape());
        assertEquals(shape(2, 0), Linear.apply(NO_KERNEL, zeros(2, 3), zeros(0, 3), null).shape());
    }

    @Test
    void one_error_per_rule() {
        // torch: "both arguments to matmul need to be at least 1D, but they are 0D and 2D"
        assertRule(OP, "input_rank", () -> out(shape(), shape(4, 3), null), "input of size []");
        // torch: "t() expects a tensor with <= 2 dimensions, but self is 3D"
        assertRule(OP, "weight_rank", () -> out(shape(2, 3), shape(4, 3, 1), null), "weight of size [4, 3, 1]");
        // torch: "mat1 and mat2 shapes cannot be multiplied (2x5 and 3x4)"
        assertRule(OP, "input_features", () -> out(shape(2, 5), shape(4, 3), shape(4)), "input of size [2, 5]", "weight of size [4, 3]");
        // torch: "The expanded size of the tensor (4) must match the existing size (5) at non-singleton dimension 1"
        assertRule(OP, "bias_shape", () -> out(shape(2, 3), shape(4, 3), shape(5)), "4 elements", "bias of size [5]");
        assertRule(OP, "bias_shape", () -> Linear.apply(NO_KERNEL, zeros(2, 3), zeros(4, 3), zeros(1, 4)), "bias of size [1, 4]");
    }

    @Test
    void generic_call_by_name() {
        Operator op = Operators.get(OP);
        assertEquals(LinearKernel.class, op.kernelType());
        assertRule(OP, "missing_input", () -> op.run(NO_KERNEL, Map.of(), inputs("input", zeros(2, 3))), "'weight'");
        AtomicReference<float[]> bias = new AtomicReference<>();
        Map<String, Object> r = op.run((LinearKernel) (g, x, w, b, y) -> bias.set(b), Map.of(), inputs("input", zeros(1, 3), "weight", zeros(2, 3)));
        assertEquals(shape(1, 2), ((Tensor) r.get("output")).shape());
        assertNull(bias.get(), "an absent bias reaches the kernel as null");
    }
}
