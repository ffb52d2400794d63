package io.opsgi.op;

import static io.opsgi.op.ContractAssertions.assertRule;
import static io.opsgi.op.ContractAssertions.attrs;
import static io.opsgi.op.ContractAssertions.shape;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.opsgi.tensor.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Hostile attributes and shapes: every shape function computes in long and answers with the op's error
 * (a rule id and the values) before anything is allocated, never an int overflow, a negative size or a
 * bare IllegalArgumentException from Shape. Only shapes are passed: nothing here allocates a tensor.
 */
class OverflowContractTest {
    private static final int BIG = 1 << 30;
    private static final Shape X = shape(1, 1, 8, 8);
    private static final Shape W3 = shape(1, 1, 3, 3);

    private static Shape conv2d(Shape x, Shape w, Object... kv) {
        return Conv2d.outputShape(x, w, null, Conv2d.attrs(attrs(kv)));
    }

    /** Attributes beyond TorchAttrs' 1e9 parse limit, as a Java caller (or a network) builds them. */
    private static Shape conv2d(Shape x, Shape w, HW stride, ConvPadding padding, HW dilation, PadMode mode) {
        return Conv2d.outputShape(x, w, null, new Conv2dAttrs(stride, padding, dilation, 1, mode));
    }

    @Test
    void conv2d_dilation_2_pow_30_is_torchs_kernel_too_large() {
        // torch 1.13: "Calculated padded input size per channel: (8 x 8). Kernel size: (2147483649 x 3). Kernel size can't
        // be greater than actual input size"; in int, 2^30 * 2 + 1 wrapped to a negative kernel and passed the check.
        assertRule("conv2d", "kernel_too_large", () -> conv2d(X, W3, HW.of(1), ConvPadding.VALID, HW.of(BIG, 1), PadMode.CONSTANT),
                "(8 x 8)", "(2147483649 x 3)");
        // through PyTorch-style attributes (each below 1e9): dilation 2^29 with a 5-tap kernel is 2^31 + 1 as well
        assertRule("conv2d", "kernel_too_large", () -> conv2d(X, shape(1, 1, 5, 1), "dilation", List.of(1 << 29, 1)), "(2147483649 x 1)");
    }

    @Test
    void conv2d_huge_outputs_and_extents() {
        // padding 2^15 on 8x8 with a 1x1 kernel: 1 x 1 x 65544 x 65544 = 4.3e9 elements
        assertRule("conv2d", "output_too_large", () -> conv2d(X, shape(1, 1, 1, 1), "padding", List.of(1 << 15, 1 << 15)),
                "output too large", "[1, 1, 65544, 65544]", "4296015936 elements");
        // padding 2^30 with stride 2^30: a 3x3 output, but indices o*stride reach 2^31 (torch computes in int64)
        assertRule("conv2d", "extent_too_large", () -> conv2d(X, shape(1, 1, 1, 1), HW.of(BIG), ConvPadding.symmetric(BIG, BIG), HW.of(1),
                PadMode.CONSTANT), "padded input size above 2^31-1", "2147483656");
        // 'same' with a dilation whose padding does not fit an int
        assertRule("conv2d", "extent_too_large", () -> conv2d(X, shape(1, 1, 5, 1), HW.of(1), ConvPadding.SAME, HW.of(BIG, 1), PadMode.CONSTANT),
                "padded input size above 2^31-1");
        // replicate has no pad limit: the padded copy would be 8 x (8 + 2^31-2)
        assertRule("conv2d", "output_too_large", () -> conv2d(X, shape(1, 1, 1, 1), HW.of(1), ConvPadding.symmetric(0, Integer.MAX_VALUE / 2),
                HW.of(1), PadMode.REPLICATE), "output too large", "[1, 1, 8, 2147483654]");
    }

    @Test
    void conv_transpose2d_huge_outputs_and_extents() {
        ConvTranspose2dAttrs stride = new ConvTranspose2dAttrs(HW.of(BIG), HW.of(0), HW.of(0), 1, HW.of(1));
        assertRule("conv_transpose2d", "output_too_large", () -> ConvTranspose2d.outputShape(X, W3, null, stride),
                "output too large", "[1, 1, 2147483647, 2147483647]");
        // a 1x3 output from a full scatter beyond an int: (3-1)*2^30 + 1 rows, cropped by padding 2^30 on each side
        ConvTranspose2dAttrs cropped = new ConvTranspose2dAttrs(HW.of(BIG, 1), HW.of(BIG, 0), HW.of(0), 1, HW.of(1));
        assertRule("conv_transpose2d", "extent_too_large", () -> ConvTranspose2d.outputShape(shape(1, 1, 3, 3), shape(1, 1, 1, 1), null, cropped),
                "above 2^31-1", String.valueOf(2L * BIG + 1));
    }

    @Test
    void pools_and_adaptive_pools_refuse_huge_outputs() {
        // kernel 2, padding 1, stride 1 grows each side by one: a 2^30-element input gives 32769^2 > 2^30 outputs
        MaxPool2dAttrs maxPool = MaxPool2d.attrs(attrs("kernel_size", List.of(2, 2), "stride", List.of(1, 1), "padding", List.of(1, 1)));
        assertRule("max_pool2d", "output_too_large", () -> MaxPool2d.outputShape(shape(1, 1, 1 << 15, 1 << 15), maxPool),
                "[1, 1, 32769, 32769]", "1073807361 elements");
        AvgPool2dAttrs avgPool = AvgPool2d.attrs(attrs("kernel_size", List.of(2, 2), "stride", List.of(1, 1), "padding", List.of(1, 1)));
        assertRule("avg_pool2d", "output_too_large", () -> AvgPool2d.outputShape(shape(1, 1, 1 << 15, 1 << 15), avgPool), "1073807361 elements");
    }

    @Test
    void adaptive_pool_output_size_2_pow_20_squared() {
        assertRule("adaptive_avg_pool2d", "output_too_large", () -> AdaptivePool2d.outputShape("adaptive_avg_pool2d", shape(1, 1, 4, 4), 1 << 20, 1 << 20),
                "[1, 1, 1048576, 1048576]", "1099511627776 elements");
        assertRule("adaptive_max_pool2d", "output_too_large", () -> AdaptivePool2d.outputShape("adaptive_max_pool2d", shape(1, 1, 4, 4),
                Integer.MAX_VALUE, 1), "2147483647");
    }

    @Test
    void linear_out_features_times_rows() {
        // (2^10, 8) x (2^27, 8)^T: 2^37 outputs (only shapes, nothing allocated)
        assertRule("linear", "output_too_large", () -> Linear.outputShape(shape(1 << 10, 8), shape(1 << 27, 8), null),
                "[1024, 134217728]", "137438953472 elements");
    }

    @Test
    void flatten_of_an_empty_tensor_with_huge_dimensions() {
        // (0, 2^20, 2^20, 2^20).flatten(1) is (0, 2^60): no int holds that dimension
        assertRule("flatten", "output_too_large", () -> Flatten.outputShape(shape(0, 1 << 20, 1 << 20, 1 << 20), Flatten.attrs(attrs())),
                "[0, 1152921504606846976]");
        assertEquals(shape(0, 1 << 20), Flatten.outputShape(shape(0, 1 << 10, 1 << 10), Flatten.attrs(attrs())));
    }

    @Test
    void upsample_scale_factors_and_sizes() {
        assertRule("upsample", "output_too_large", () -> Upsample.outputShape(X, Upsample.attrs(attrs("scale_factor", 1e6))),
                "[1, 1, 8000000, 8000000]");
        // a scale that saturates (in * 1e300) is refused, not turned into a negative size
        assertRule("upsample", "output_too_large", () -> Upsample.outputShape(X, Upsample.attrs(attrs("scale_factor", 1e300))),
                "2147483647");
        assertRule("upsample", "output_too_large", () -> Upsample.outputShape(X, Upsample.attrs(attrs("size", List.of(1 << 16, 1 << 16)))),
                "[1, 1, 65536, 65536]");
    }
}
