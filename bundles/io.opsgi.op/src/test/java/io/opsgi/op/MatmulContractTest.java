package io.opsgi.op;

import static io.opsgi.op.ContractAssertions.assertRule;
import static io.opsgi.op.ContractAssertions.shape;
import static io.opsgi.op.ContractAssertions.zeros;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.opsgi.tensor.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The matmul contract: torch.matmul's shapes for every rank pair, its errors, and the batch offsets. */
class MatmulContractTest {
    private static final MatmulKernel NO_KERNEL = (g, a, b, y) -> fail("matmul kernel called: the contract must refuse first");

    @Test
    void shapes_follow_torch_matmul() {
        assertEquals(shape(), Matmul.outputShape(shape(7), shape(7)), "1-D x 1-D is a dot product");
        assertEquals(shape(2, 5), Matmul.outputShape(shape(2, 3), shape(3, 5)));
        assertEquals(shape(5), Matmul.outputShape(shape(3), shape(3, 5)), "the prepended row dimension is removed");
        assertEquals(shape(2), Matmul.outputShape(shape(2, 3), shape(3)), "the appended column dimension is removed");
        assertEquals(shape(3, 2, 2, 4), Matmul.outputShape(shape(2, 2, 3), shape(3, 2, 3, 4)), "batch dimensions broadcast");
        assertEquals(shape(2, 3, 5), Matmul.outputShape(shape(2, 3, 4), shape(4, 5)));
        assertEquals(shape(2, 3), Matmul.outputShape(shape(2, 3, 4), shape(4)));
        assertEquals(shape(2, 5), Matmul.outputShape(shape(4), shape(2, 4, 5)));
        assertEquals(shape(0, 2, 5), Matmul.outputShape(shape(0, 2, 3), shape(3, 5)));
    }

    @Test
    void k_zero_is_a_sum_of_nothing() {
        MatmulKernel reference = (g, a, b, y) -> assertEquals(0, g.k());
        assertEquals(shape(2, 5), Matmul.apply(reference, zeros(2, 0), zeros(0, 5)).shape());
    }

    @Test
    void refusals_name_the_rule_and_the_shapes() {
        // torch: "both arguments to matmul need to be at least 1D, but they are 0D and 1D"
        assertRule("matmul", "input_rank", () -> Matmul.outputShape(shape(), shape(3)), "at least 1D", "(0D)");
        // torch: "mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)"
        assertRule("matmul", "inner_size", () -> Matmul.outputShape(shape(2, 3), shape(4, 5)), "(3)", "(4)", "input of size [2, 3]");
        // torch: "inconsistent tensor size, expected tensor [3] and src [4] to have the same number of elements..."
        assertRule("matmul", "inner_size", () -> Matmul.outputShape(shape(3), shape(4)));
        // torch: "The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0"
        assertRule("matmul", "shape_mismatch", () -> Matmul.apply(NO_KERNEL, zeros(2, 3, 4), zeros(3, 4, 2)),
                "the size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0");
        assertRule("matmul", "output_too_large", () -> Matmul.outputShape(shape(1 << 16, 1), shape(1, 1 << 16)));
    }

    @Test
    void broadcast_batches_share_a_matrix() {
        List<int[]> offsets = new ArrayList<>();
        MatmulKernel record = (g, a, b, y) -> {
            for (int i = 0; i < g.batch(); i++) {
                offsets.add(new int[] {g.inputOffset(i), g.otherOffset(i)});
            }
            assertEquals(2, g.m());
            assertEquals(3, g.k());
            assertEquals(4, g.n());
        };
        // input (2, 1, 2, 3), other (3, 3, 4): batch (2, 3)
        Matmul.apply(record, zeros(2, 1, 2, 3), zeros(3, 3, 4));
        int[][] expected = {{0, 0}, {0, 12}, {0, 24}, {6, 0}, {6, 12}, {6, 24}};
        assertEquals(expected.length, offsets.size());
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i][0], offsets.get(i)[0], "input offset of product " + i);
            assertEquals(expected[i][1], offsets.get(i)[1], "other offset of product " + i);
        }
    }

    @Test
    void schema_is_a_reduction_over_k() {
        OpSchema s = Operators.schema("matmul");
        OpNode node = new OpNode("matmul", Map.of("input", shape(2, 3, 4), "other", shape(4, 5)), Map.of());
        Shape out = s.outputShape(node);
        assertEquals(shape(2, 3, 5), out);
        assertEquals(4, s.reductionLength(node));
        assertEquals(ToleranceClass.REDUCTION, s.toleranceClass(node, out));
        assertEquals(30L * 4, s.macs(node, out));
        assertEquals(false, s.onnxNotes().isEmpty());
    }
}
