package io.opsgi.op;

import static io.opsgi.op.ContractAssertions.assertRule;
import static io.opsgi.op.ContractAssertions.inputs;
import static io.opsgi.op.ContractAssertions.shape;
import static io.opsgi.op.ContractAssertions.zeros;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.opsgi.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The add/sub/mul/div/pow contract: torch's broadcasting, its error, and the geometry the kernels get. */
class BinaryContractTest {
    private static final BinaryKernel NO_KERNEL = (g, a, b, y) -> fail("binary kernel called: the contract must refuse first");

    @Test
    void shapes_broadcast_as_torch_broadcast_shapes() {
        assertEquals(shape(2, 3, 4, 5), Add.outputShape(shape(2, 3, 4, 5), shape(2, 3, 4, 5)));
        assertEquals(shape(2, 3, 4, 5), Add.outputShape(shape(2, 3, 4, 5), shape(3, 1, 1)));
        assertEquals(shape(2, 3, 4, 5), Add.outputShape(shape(3, 1, 1), shape(2, 3, 4, 5)));
        assertEquals(shape(4, 3), Binary.outputShape("mul", shape(4, 1), shape(3)));
        assertEquals(shape(2, 3), Binary.outputShape("div", shape(2, 3), shape()));
        assertEquals(shape(), Binary.outputShape("sub", shape(), shape()));
        assertEquals(shape(0, 3), Binary.outputShape("sub", shape(0, 1), shape(1, 3)), "0 against 1 broadcasts to 0");
        assertEquals(shape(0, 3), Add.apply(NO_KERNEL, zeros(0, 3), zeros(3)).shape(), "an empty output never reaches the kernel");
    }

    @Test
    void mismatched_sizes_get_torchs_message_at_the_last_mismatching_dimension() {
        // torch: "The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1"
        assertRule("sub", "shape_mismatch", () -> Binary.outputShape("sub", shape(2, 3), shape(4)),
                "the size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1", "input of size [2, 3]", "other of size [4]");
        // torch: "The size of tensor a (4) must match the size of tensor b (2) at non-singleton dimension 0"
        assertRule("div", "shape_mismatch", () -> Binary.outputShape("div", shape(4, 3), shape(2, 1)), "tensor a (4)", "tensor b (2)", "dimension 0");
        assertRule("add", "shape_mismatch", () -> Binary.outputShape("add", shape(0), shape(2)), "tensor a (0)", "tensor b (2)");
        assertRule("mul", "shape_mismatch", () -> Binary.apply(NO_KERNEL, BinaryOp.MUL, zeros(2, 3, 4, 5), zeros(2, 3, 4, 6)), "dimension 3");
    }

    @Test
    void an_output_too_large_is_refused_before_allocating() {
        assertRule("mul", "output_too_large", () -> Binary.outputShape("mul", shape(1 << 16, 1), shape(1 << 16)), "[65536, 65536]");
    }

    @Test
    void geometry_strides_are_zero_where_an_operand_is_broadcast() {
        BroadcastGeometry g = Binary.plan(BinaryOp.SUB, shape(3, 1, 1), shape(2, 3, 4, 5));
        assertEquals(shape(2, 3, 4, 5), g.output());
        assertArrayEquals(new int[] {0, 1, 0, 0}, g.inputStrides());
        assertArrayEquals(new int[] {60, 20, 5, 1}, g.otherStrides());
        assertFalse(g.sameShape());
        assertTrue(g.isContiguous(g.otherStrides()));
        assertTrue(Binary.plan(BinaryOp.ADD, shape(2, 1, 3), shape(2, 1, 3)).sameShape(), "size-1 dimensions on both sides are no broadcast");
        assertArrayEquals(new int[] {0, 0}, Binary.plan(BinaryOp.DIV, shape(), shape(2, 3)).inputStrides());
    }

    @Test
    void the_kernel_gets_the_operands_in_order() {
        BinaryKernel subtract = (g, a, b, y) -> {
            for (int i = 0; i < y.length; i++) {
                y[i] = a[i % a.length] - b[i % b.length];
            }
        };
        Tensor r = Binary.apply(subtract, BinaryOp.SUB, Tensor.of(shape(2), 10, 20), Tensor.of(shape(2), 1, 2));
        assertArrayEquals(new float[] {9, 18}, r.buffer());
    }

    @Test
    void generic_call_by_name_for_each_op() {
        for (BinaryOp b : BinaryOp.values()) {
            Operator op = Operators.get(b.op());
            assertEquals(BinaryKernel.class, op.kernelType());
            assertEquals(List.of("input", "other"), op.inputs());
            assertRule(b.op(), "missing_input", () -> op.run(NO_KERNEL, Map.of(), inputs("input", zeros(2))), "'other'");
            Map<String, Object> r = op.run((BinaryKernel) (g, x, o, y) -> y[0] = g.op() == b ? 7f : -1f, Map.of(),
                    inputs("input", Tensor.of(shape(1), 1.5f), "other", Tensor.of(shape(1), 2f)));
            assertEquals(7f, ((Tensor) r.get("output")).getFlat(0), b + " passes its own op in the geometry");
        }
    }

    @Test
    void arithmetic_schemas_are_bit_exact_and_write_their_onnx_notes() {
        for (BinaryOp b : List.of(BinaryOp.ADD, BinaryOp.SUB, BinaryOp.MUL, BinaryOp.DIV, BinaryOp.MAXIMUM, BinaryOp.MINIMUM)) {
            OpSchema s = Operators.schema(b.op());
            OpNode node = new OpNode(b.op(), Map.of("input", shape(2, 3, 4, 5), "other", shape(3, 1, 1)), Map.of());
            assertEquals(shape(2, 3, 4, 5), s.outputShape(node));
            assertEquals(ToleranceClass.BIT_EXACT, s.toleranceClass(node, shape(2, 3, 4, 5)));
            assertEquals(1.0, s.networkDepth(node, shape(2, 3, 4, 5)));
            assertFalse(s.onnxNotes().isEmpty(), b.op());
        }
        assertTrue(Operators.schema("div").onnxNotes().stream().anyMatch(n -> n.contains("true division")));
        assertTrue(Operators.schema("maximum").onnxNotes().stream().anyMatch(n -> n.contains("ONNX Max takes one or more inputs")));
    }

    @Test
    void pow_is_a_libm_op_with_assert_close() {
        OpSchema s = Operators.schema("pow");
        OpNode node = new OpNode("pow", Map.of("input", shape(3, 4, 5), "other", shape(5)), Map.of());
        assertEquals(shape(3, 4, 5), s.outputShape(node));
        assertEquals(ToleranceClass.ASSERT_CLOSE, s.toleranceClass(node, shape(3, 4, 5)));
        assertEquals(ToleranceClass.LIBM_DEPTH, s.networkDepth(node, shape(3, 4, 5)));
        assertTrue(s.onnxNotes().stream().anyMatch(n -> n.contains("integer tensor")));
        assertRule("pow", "shape_mismatch", () -> Pow.outputShape(shape(3, 4, 5), shape(3)), "tensor a (5)", "tensor b (3)", "dimension 2");
    }
}
