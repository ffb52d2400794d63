package io.opsgi.op;

import static io.opsgi.op.ContractAssertions.assertRule;
import static io.opsgi.op.ContractAssertions.shape;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * concat, reshape and permute, the kernel-less data-movement contracts the ONNX importer lowers
 * Concat, Reshape/Flatten/Squeeze/Unsqueeze and Transpose onto. Every expected value below was
 * printed by torch 1.13 (torch.cat, torch.reshape, Tensor.permute of torch.arange).
 */
class ConcatReshapePermuteContractTest {

    private static Tensor arange(float from, int... dims) {
        Shape s = Shape.of(dims);
        float[] d = new float[s.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = from + i;
        }
        return Tensor.of(s, d);
    }

    @Test
    void concat_along_the_last_dimension() {
        // torch.cat([arange(6).reshape(1,2,3), arange(6,10).reshape(1,2,2)], -1)
        Tensor y = Concat.apply(List.of(arange(0, 1, 2, 3), arange(6, 1, 2, 2)), -1);
        assertEquals(shape(1, 2, 5), y.shape());
        assertArrayEquals(new float[] {0, 1, 2, 6, 7, 3, 4, 5, 8, 9}, y.toArray());
        assertEquals(shape(1, 2, 5), Concat.SCHEMA.outputShape(new OpNode("concat", Map.of("input", shape(1, 2, 3), "input1", shape(1, 2, 2)), Map.of("dim", 2))));
    }

    @Test
    void concat_errors_as_torch() {
        // "Sizes of tensors must match except in dimension 2. Expected size 2 but got size 3 for tensor number 1 in the list."
        assertRule("concat", "size_mismatch", () -> Concat.outputShape(List.of(shape(1, 2, 3), shape(1, 3, 2)), 2), "dimension 2", "expected size 2",
                "got size 3", "tensor number 1");
        assertRule("concat", "input_rank", () -> Concat.outputShape(List.of(shape(1, 2, 3), shape(2, 3)), 0));
        assertRule("concat", "dim_range", () -> Concat.outputShape(List.of(shape(1, 2)), 2));
        assertRule("concat", "input_count", () -> Concat.outputShape(List.of(), 0));
    }

    @Test
    void reshape_infers_one_size_and_is_a_view() {
        Tensor x = arange(0, 6);
        Tensor y = Reshape.apply(x, new int[] {3, -1});
        assertEquals(shape(3, 2), y.shape());
        assertSame(x.buffer(), y.buffer(), "no copy");
        // "shape '[4, -1]' is invalid for input of size 6"
        assertRule("reshape", "size_mismatch", () -> Reshape.outputShape(shape(6), new int[] {4, -1}), "[4, -1]", "input of size 6");
        // "only one dimension can be inferred"
        assertRule("reshape", "one_inferred", () -> Reshape.outputShape(shape(6), new int[] {-1, -1}));
        assertRule("reshape", "size_mismatch", () -> Reshape.outputShape(shape(6), new int[] {4}));
        assertRule("reshape", "negative_size", () -> Reshape.outputShape(shape(6), new int[] {-2, -3}));
    }

    @Test
    void permute_moves_the_data() {
        Tensor a = arange(0, 2, 3, 4);
        Tensor y = Permute.apply(a, new int[] {2, 0, 1});
        assertEquals(shape(4, 2, 3), y.shape());
        assertArrayEquals(new float[] {0, 4, 8, 12, 16, 20, 1, 5, 9, 13, 17, 21, 2, 6, 10, 14, 18, 22, 3, 7, 11, 15, 19, 23}, y.toArray());
        Tensor z = Permute.apply(a, new int[] {0, -1, 1});
        assertArrayEquals(new float[] {0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11, 12, 16, 20, 13, 17, 21, 14, 18, 22, 15, 19, 23}, z.toArray());
        assertArrayEquals(arange(0, 2, 3, 4).toArray(), a.toArray(), "the input is untouched");
    }

    @Test
    void permute_errors_as_torch() {
        // "permute(): duplicate dims are not allowed."
        assertRule("permute", "repeated_dim", () -> Permute.outputShape(shape(2, 3, 4), new int[] {0, 0, 1}));
        // "number of dimensions in the tensor input does not match the length of the desired ordering of dimensions"
        assertRule("permute", "dims_length", () -> Permute.outputShape(shape(2, 3, 4), new int[] {0, 1}));
        assertRule("permute", "dim_range", () -> Permute.outputShape(shape(2, 3, 4), new int[] {0, 1, 3}));
    }

    @Test
    void constant_has_its_value_shape_and_adds_nothing_to_a_network_tolerance() {
        OpNode n = new OpNode("constant", Map.of("value", shape(3, 1, 1)), Map.of());
        assertEquals(shape(3, 1, 1), Constant.SCHEMA.outputShape(n));
        assertEquals(0.0, Constant.SCHEMA.networkDepth(n, shape(3, 1, 1)));
    }
}
