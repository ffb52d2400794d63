package io.opsgi.op;

import static io.opsgi.op.ContractAssertions.assertRule;
import static io.opsgi.op.ContractAssertions.attrs;
import static io.opsgi.op.ContractAssertions.inputs;
import static io.opsgi.op.ContractAssertions.shape;
import static io.opsgi.op.ContractAssertions.zeros;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The conv_transpose2d contract: output shapes, geometry, and one error per validation rule. */
class ConvTranspose2dContractTest {
    private static final String OP = "conv_transpose2d";
    private static final ConvTranspose2dAttrs DEFAULTS = ConvTranspose2dAttrs.defaults();

    private static Shape out(Shape x, Shape w, Shape b, ConvTranspose2dAttrs a) {
        return ConvTranspose2d.outputShape(x, w, b, a);
    }

    private static ConvTranspose2dAttrs attrsOf(HW stride, HW padding, HW outputPadding, int groups, HW dilation) {
        return new ConvTranspose2dAttrs(stride, padding, outputPadding, groups, dilation);
    }

    // ---- output shapes ----

    @Test
    void upsampling_14_to_28() {
        // (14-1)*2 - 2*1 + 1*(4-1) + 0 + 1 = 28; weight is (C_in, C_out/groups, kH, kW).
        assertEquals(shape(1, 4, 28, 28), out(shape(1, 8, 14, 14), shape(8, 4, 4, 4), shape(4), DEFAULTS.withStride(2).withPadding(1)));
    }

    @Test
    void basic_and_output_padding_shapes() {
        assertEquals(shape(2, 6, 7, 7), out(shape(2, 4, 5, 5), shape(4, 6, 3, 3), shape(6), DEFAULTS));
        // (5-1)*2 - 2 + 2 + 1 + 1 = 10.
        assertEquals(shape(1, 6, 10, 10), out(shape(1, 4, 5, 5), shape(4, 6, 3, 3), null, DEFAULTS.withStride(2).withPadding(1).withOutputPadding(1)));
        // Dilation 2: (3-1) + 2*2 + 1 = 7.
        assertEquals(shape(1, 1, 7, 7), out(shape(1, 1, 3, 3), shape(1, 1, 3, 3), null, DEFAULTS.withDilation(2)));
    }

    @Test
    void groups_multiply_output_channels() {
        // C_in 4, groups 2: weight (4, 3, k, k), C_out = 3 * 2 = 6.
        assertEquals(shape(1, 6, 7, 7), out(shape(1, 4, 5, 5), shape(4, 3, 3, 3), shape(6), DEFAULTS.withGroups(2)));
        AtomicReference<ConvGeometry> seen = new AtomicReference<>();
        ConvTranspose2d.apply((g, x, w, b, y) -> seen.set(g), zeros(1, 4, 5, 5), zeros(4, 3, 3, 3), null, DEFAULTS.withGroups(2));
        assertEquals(new ConvGeometry(1, 4, 5, 5, 6, 3, 3, 1, 1, 0, 0, 1, 1, 2, 7, 7), seen.get());
    }

    @Test
    void per_dimension_attributes() {
        // stride (2,1), output_padding (1,0): H (5-1)*2 + 2 + 1 + 1 = 12; W (5-1) + 2 + 0 + 1 = 7.
        ConvTranspose2dAttrs a = attrsOf(HW.of(2, 1), HW.of(0), HW.of(1, 0), 1, HW.of(1));
        assertEquals(shape(1, 1, 12, 7), out(shape(1, 1, 5, 5), shape(1, 1, 3, 3), null, a));
    }

    @Test
    void unbatched_and_empty_batch() {
        assertEquals(shape(6, 7, 7), out(shape(4, 5, 5), shape(4, 6, 3, 3), null, DEFAULTS));
        assertEquals(shape(0, 6, 7, 7), out(shape(0, 4, 5, 5), shape(4, 6, 3, 3), null, DEFAULTS));
        Tensor y = ConvTranspose2d.apply(NoKernel.INSTANCE, zeros(0, 4, 5, 5), zeros(4, 6, 3, 3), zeros(6), DEFAULTS);
        assertEquals(shape(0, 6, 7, 7), y.shape());
    }

    // ---- output_padding: per dimension, op < stride OR op < dilation ----

    @Test
    void output_padding_below_dilation_is_allowed_at_stride_1() {
        ConvTranspose2dAttrs a = attrsOf(HW.of(1), HW.of(0), HW.of(1), 1, HW.of(2));
        // (4-1) + 2*2 + 1 + 1 = 9.
        assertEquals(shape(1, 1, 9, 9), out(shape(1, 1, 4, 4), shape(1, 1, 3, 3), null, a));
    }

    @Test
    void output_padding_too_large() {
        assertRule(OP, "output_padding_too_large", () -> attrsOf(HW.of(1), HW.of(0), HW.of(1), 1, HW.of(1)),
                "smaller than either stride or dilation", "output_padding=[1, 1]", "stride=[1, 1]", "dilation=[1, 1]");
        assertRule(OP, "output_padding_too_large", () -> attrsOf(HW.of(2), HW.of(0), HW.of(2), 1, HW.of(1)),
                "output_padding=[2, 2]", "stride=[2, 2]");
        // stride (2, 1), op (1, 1): H is fine, W is not.
        assertRule(OP, "output_padding_too_large", () -> attrsOf(HW.of(2, 1), HW.of(0), HW.of(1, 1), 1, HW.of(1)),
                "output_padding=[1, 1]", "stride=[2, 1]");
    }

    // ---- one error per rule ----

    @Test
    void stride_positive() {
        assertRule(OP, "stride_positive", () -> DEFAULTS.withStride(0), "non-positive stride", "stride=[0, 0]");
    }

    @Test
    void padding_non_negative() {
        assertRule(OP, "padding_non_negative", () -> DEFAULTS.withPadding(-1), "negative padding", "padding=[-1, -1]");
    }

    @Test
    void output_padding_non_negative() {
        assertRule(OP, "output_padding_non_negative", () -> DEFAULTS.withOutputPadding(-1), "negative output_padding", "output_padding=[-1, -1]");
    }

    @Test
    void dilation_positive() {
        assertRule(OP, "dilation_positive", () -> DEFAULTS.withDilation(0), "dilation should be greater than zero", "dilation=[0, 0]");
    }

    @Test
    void groups_positive() {
        assertRule(OP, "groups_positive", () -> DEFAULTS.withGroups(0), "non-positive groups", "groups=0");
    }

    @Test
    void input_rank() {
        assertRule(OP, "input_rank", () -> out(shape(1, 4, 5, 5, 1), shape(4, 6, 3, 3), null, DEFAULTS), "[1, 4, 5, 5, 1]");
    }

    @Test
    void weight_rank() {
        assertRule(OP, "weight_rank", () -> out(shape(1, 4, 5, 5), shape(4, 6, 3), null, DEFAULTS), "4-D", "[4, 6, 3]");
    }

    @Test
    void input_channels() {
        assertRule(OP, "input_channels", () -> out(shape(1, 3, 5, 5), shape(4, 6, 3, 3), null, DEFAULTS),
                "weight.size(0)", "[4, 6, 3, 3]", "[1, 3, 5, 5]", "3 channels, expected 4");
    }

    @Test
    void weight_in_channels() {
        assertRule(OP, "weight_in_channels", () -> out(shape(1, 4, 5, 5), shape(4, 3, 3, 3), null, DEFAULTS.withGroups(3)),
                "divisible by groups", "groups=3", "[4, 3, 3, 3]");
    }

    @Test
    void bias_shape() {
        assertRule(OP, "bias_shape", () -> out(shape(1, 4, 5, 5), shape(4, 6, 3, 3), shape(4), DEFAULTS), "6 elements", "[4]");
        // With groups the bias has weight.size(1) * groups elements.
        assertRule(OP, "bias_shape", () -> out(shape(1, 4, 5, 5), shape(4, 3, 3, 3), shape(3), DEFAULTS.withGroups(2)), "6 elements", "[3]");
    }

    @Test
    void kernel_size_positive() {
        assertRule(OP, "kernel_size_positive", () -> out(shape(1, 4, 5, 5), shape(4, 6, 0, 3), null, DEFAULTS),
                "kernel_height=0", "kernel_width=3");
    }

    @Test
    void empty_input() {
        assertRule(OP, "empty_input", () -> out(shape(1, 4, 0, 5), shape(4, 6, 3, 3), null, DEFAULTS),
                "zero batch or zero channel", "[1, 4, 0, 5]");
    }

    @Test
    void output_size_too_small() {
        // (4-1) - 2*3 + 2 + 1 = 0.
        assertRule(OP, "output_size_too_small", () -> out(shape(1, 1, 4, 4), shape(1, 1, 3, 3), null, DEFAULTS.withPadding(3)),
                "output size is too small", "(4 x 4)", "(0 x 0)");
        // (1-1)*3 - 2 + 0 + 1 = -1.
        assertRule(OP, "output_size_too_small", () -> out(shape(1, 1, 1, 1), shape(1, 1, 1, 1), null, DEFAULTS.withStride(3).withPadding(1)),
                "(1 x 1)", "(-1 x -1)");
    }

    // ---- attributes in PyTorch's terms ----

    private static final Map<String, Tensor> IN = inputs("input", zeros(1, 2, 5, 5), "weight", zeros(2, 3, 3, 3));

    private static ConvGeometry parsed(Map<String, Object> a) {
        AtomicReference<ConvGeometry> seen = new AtomicReference<>();
        ConvTranspose2dKernel k = (g, x, w, b, y) -> seen.set(g);
        Operators.get(OP).run(k, a, IN);
        return seen.get();
    }

    @Test
    void parses_attributes() {
        ConvGeometry g = parsed(attrs("stride", List.of(2), "padding", List.of(1, 0), "output_padding", List.of(1, 0), "groups", 1,
                "dilation", 1));
        // H: 4*2 - 2 + 2 + 1 + 1 = 10; W: 4*2 - 0 + 2 + 0 + 1 = 11.
        assertEquals(new ConvGeometry(1, 2, 5, 5, 3, 3, 3, 2, 2, 1, 0, 1, 1, 1, 10, 11), g);
    }

    @Test
    void pair_length() {
        assertRule(OP, "pair_length", () -> parsed(attrs("output_padding", List.of(1, 1, 1))), "output_padding=[1, 1, 1]");
        assertRule(OP, "pair_length", () -> parsed(attrs("stride", List.of(1, 1, 1))), "stride=[1, 1, 1]");
    }

    @Test
    void string_padding_is_refused() {
        // F.conv_transpose2d has no 'same': a TypeError in PyTorch.
        assertRule(OP, "attribute_type", () -> parsed(attrs("padding", "same")), "padding", "same");
    }
}
