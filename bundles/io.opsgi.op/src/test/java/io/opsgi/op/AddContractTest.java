package io.opsgi.op;

import static io.opsgi.op.ContractAssertions.assertRule;
import static io.opsgi.op.ContractAssertions.inputs;
import static io.opsgi.op.ContractAssertions.shape;
import static io.opsgi.op.ContractAssertions.zeros;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.opsgi.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The add contract: same shapes in, the same shape out; no broadcasting. */
class AddContractTest {
    private static final String OP = "add";
    private static final AddKernel NO_KERNEL = (a, b, y) -> fail("add kernel called: the contract must refuse first");

    @Test
    void shape_is_the_common_shape() {
        assertEquals(shape(2, 3, 4, 5), Add.outputShape(shape(2, 3, 4, 5), shape(2, 3, 4, 5)));
        assertEquals(shape(), Add.outputShape(shape(), shape()));
        assertEquals(shape(0, 3), Add.apply(NO_KERNEL, zeros(0, 3), zeros(0, 3)).shape(), "an empty tensor never reaches the kernel");
    }

    @Test
    void different_shapes_are_refused_even_where_torch_would_broadcast() {
        // torch: "The size of tensor a (5) must match the size of tensor b (6) at non-singleton dimension 3"
        assertRule(OP, "shape_mismatch", () -> Add.outputShape(shape(2, 3, 4, 5), shape(2, 3, 4, 6)), "input of size [2, 3, 4, 5]",
                "other of size [2, 3, 4, 6]");
        assertRule(OP, "shape_mismatch", () -> Add.apply(NO_KERNEL, zeros(2, 3, 4, 5), zeros(1, 3, 1, 1)), "other of size [1, 3, 1, 1]");
    }

    @Test
    void generic_call_by_name() {
        Operator op = Operators.get(OP);
        assertEquals(AddKernel.class, op.kernelType());
        assertRule(OP, "missing_input", () -> op.run(NO_KERNEL, Map.of(), inputs("input", zeros(2))), "'other'");
        Map<String, Object> r = op.run((AddKernel) (a, b, y) -> y[0] = a[0] + b[0], Map.of(),
                inputs("input", Tensor.of(shape(1), 1.5f), "other", Tensor.of(shape(1), 2f)));
        assertEquals(3.5f, ((Tensor) r.get("output")).getFlat(0));
    }
}
