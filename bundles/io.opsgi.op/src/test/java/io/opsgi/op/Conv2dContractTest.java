package io.opsgi.op;

import static io.opsgi.op.ContractAssertions.assertRule;
import static io.opsgi.op.ContractAssertions.attrs;
import static io.opsgi.op.ContractAssertions.inputs;
import static io.opsgi.op.ContractAssertions.shape;
import static io.opsgi.op.ContractAssertions.zeros;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The conv2d contract: output shapes, the geometry handed to kernels, and one error per validation rule. */
class Conv2dContractTest {
    private static final String OP = "conv2d";
    private static final Conv2dAttrs DEFAULTS = Conv2dAttrs.defaults();

    private static Shape out(Shape x, Shape w, Shape b, Conv2dAttrs a) {
        return Conv2d.outputShape(x, w, b, a);
    }

    /** Runs the contract with a kernel that only records what it is given. */
    private static Recorded run(Tensor x, Tensor w, Tensor b, Conv2dAttrs a) {
        Recorded r = new Recorded();
        Tensor y = Conv2d.apply((g, xs, ws, bs, ys) -> {
            r.geometry = g;
            r.x = xs.clone();
            assertEquals(g.outputShape().size(), ys.length, "output buffer sized by the geometry");
        }, x, w, b, a);
        r.output = y;
        return r;
    }

    private static final class Recorded {
        ConvGeometry geometry;
        float[] x;
        Tensor output;
    }

    // ---- output shapes of valid configurations ----

    @Test
    void basic_shapes() {
        assertEquals(shape(1, 4, 3, 3), out(shape(1, 3, 5, 5), shape(4, 3, 3, 3), shape(4), DEFAULTS));
        assertEquals(shape(1, 4, 5, 5), out(shape(1, 3, 5, 5), shape(4, 3, 3, 3), null, DEFAULTS.withPadding(1)));
        assertEquals(shape(2, 4, 4, 4), out(shape(2, 3, 7, 7), shape(4, 3, 3, 3), null, DEFAULTS.withStride(2).withPadding(1)));
        assertEquals(shape(1, 4, 3, 3), out(shape(1, 3, 7, 7), shape(4, 3, 3, 3), null, DEFAULTS.withDilation(2)));
        // ResNet stem: 224 -> 112.
        assertEquals(shape(1, 64, 112, 112), out(shape(1, 3, 224, 224), shape(64, 3, 7, 7), null, DEFAULTS.withStride(2).withPadding(3)));
    }

    @Test
    void per_dimension_stride_padding_dilation() {
        Conv2dAttrs a = new Conv2dAttrs(HW.of(2, 1), ConvPadding.symmetric(1, 0), HW.of(1, 2), 1, PadMode.CONSTANT);
        // H: (6+2-2-1)/2 + 1 = 3; W: (9+0-4-1)/1 + 1 = 5.
        assertEquals(shape(1, 2, 3, 5), out(shape(1, 1, 6, 9), shape(2, 1, 3, 3), null, a));
    }

    @Test
    void groups_and_depthwise() {
        assertEquals(shape(2, 6, 4, 4), out(shape(2, 4, 6, 6), shape(6, 2, 3, 3), shape(6), DEFAULTS.withGroups(2)));
        // Depthwise with multiplier 2: groups = C_in = 3, C_out = 6, weight (6, 1, 3, 3).
        assertEquals(shape(1, 6, 3, 3), out(shape(1, 3, 5, 5), shape(6, 1, 3, 3), null, DEFAULTS.withGroups(3)));
    }

    @Test
    void kernel_larger_than_input_fits_with_padding() {
        assertEquals(shape(1, 1, 2, 2), out(shape(1, 1, 2, 2), shape(1, 1, 3, 3), null, DEFAULTS.withPadding(1)));
    }

    @Test
    void same_odd_kernel_keeps_size() {
        assertEquals(shape(1, 2, 5, 6), out(shape(1, 1, 5, 6), shape(2, 1, 3, 3), null, DEFAULTS.withPadding(ConvPadding.SAME)));
        Recorded r = run(zeros(1, 1, 5, 6), zeros(2, 1, 3, 3), null, DEFAULTS.withPadding(ConvPadding.SAME));
        assertEquals(1, r.geometry.padTop());
        assertEquals(1, r.geometry.padLeft());
    }

    @Test
    void same_even_kernel_pads_only_bottom_right() {
        // k=2: total padding 1, all of it at the bottom/right, so the kernel sees no top/left padding.
        Recorded r = run(zeros(1, 1, 5, 6), zeros(1, 1, 2, 2), null, DEFAULTS.withPadding(ConvPadding.SAME));
        assertEquals(shape(1, 1, 5, 6), r.output.shape());
        assertEquals(0, r.geometry.padTop());
        assertEquals(0, r.geometry.padLeft());
        assertEquals(5, r.geometry.oh());
        assertEquals(6, r.geometry.ow());
    }

    @Test
    void same_even_kernel_with_dilation_3_pads_1_top_2_bottom() {
        Recorded r = run(zeros(1, 1, 5, 6), zeros(1, 1, 2, 2), null, DEFAULTS.withPadding(ConvPadding.SAME).withDilation(3));
        assertEquals(shape(1, 1, 5, 6), r.output.shape());
        assertEquals(1, r.geometry.padTop());
        assertEquals(1, r.geometry.padLeft());
    }

    @Test
    void valid_is_no_padding() {
        assertEquals(shape(1, 2, 3, 4), out(shape(1, 1, 5, 6), shape(2, 1, 3, 3), null, DEFAULTS.withPadding(ConvPadding.VALID)));
    }

    @Test
    void explicit_asymmetric_pads() {
        // top 1, left 0, bottom 2, right 3 on 5x5 with k=3: H = 5+3-2 = 6, W = 5+3-2 = 6.
        Recorded r = run(zeros(1, 1, 5, 5), zeros(1, 1, 3, 3), null, DEFAULTS.withPadding(ConvPadding.explicit(1, 0, 2, 3)));
        assertEquals(shape(1, 1, 6, 6), r.output.shape());
        assertEquals(1, r.geometry.padTop());
        assertEquals(0, r.geometry.padLeft());
        // With stride 2: (5+3-3)/2 + 1 = 3 both ways.
        assertEquals(shape(1, 1, 3, 3), out(shape(1, 1, 5, 5), shape(1, 1, 3, 3), null,
                DEFAULTS.withPadding(ConvPadding.explicit(1, 0, 2, 3)).withStride(2)));
    }

    @Test
    void same_upper_and_lower_with_stride_2() {
        // 7x8, k=3, s=2: out = ceil(in/2) = 4x4. H total = 3*2+3-7 = 2 (1 + 1); W total = 3*2+3-8 = 1.
        Conv2dAttrs upper = DEFAULTS.withPadding(ConvPadding.SAME_UPPER).withStride(2);
        Conv2dAttrs lower = DEFAULTS.withPadding(ConvPadding.SAME_LOWER).withStride(2);
        Recorded u = run(zeros(1, 1, 7, 8), zeros(1, 1, 3, 3), null, upper);
        Recorded l = run(zeros(1, 1, 7, 8), zeros(1, 1, 3, 3), null, lower);
        assertEquals(shape(1, 1, 4, 4), u.output.shape());
        assertEquals(shape(1, 1, 4, 4), l.output.shape());
        assertEquals(1, u.geometry.padTop());
        assertEquals(1, l.geometry.padTop());
        assertEquals(0, u.geometry.padLeft(), "SAME_UPPER: the odd element goes at the end");
        assertEquals(1, l.geometry.padLeft(), "SAME_LOWER: the odd element goes at the beginning");
    }

    @Test
    void unbatched_input_drops_the_batch_again() {
        assertEquals(shape(4, 3, 3), out(shape(3, 5, 5), shape(4, 3, 3, 3), shape(4), DEFAULTS));
        Recorded r = run(zeros(3, 5, 5), zeros(4, 3, 3, 3), zeros(4), DEFAULTS);
        assertEquals(shape(4, 3, 3), r.output.shape());
        assertEquals(1, r.geometry.n(), "the kernel sees N=1");
    }

    @Test
    void empty_batch_is_a_state_not_an_error() {
        assertEquals(shape(0, 4, 3, 3), out(shape(0, 3, 5, 5), shape(4, 3, 3, 3), shape(4), DEFAULTS));
        Tensor y = Conv2d.apply(NoKernel.INSTANCE, zeros(0, 3, 5, 5), zeros(4, 3, 3, 3), zeros(4), DEFAULTS);
        assertEquals(shape(0, 4, 3, 3), y.shape());
    }

    // ---- padding modes: nn.Conv2d pads with F.pad, then convolves without padding ----

    private static final Tensor ONE_TO_NINE = Tensor.of(shape(1, 1, 3, 3), 1, 2, 3, 4, 5, 6, 7, 8, 9);

    private static float[] paddedBy(PadMode mode, int padding) {
        Tensor before = Tensor.of(ONE_TO_NINE.shape(), ONE_TO_NINE.toArray());
        Recorded r = run(ONE_TO_NINE, zeros(1, 1, 3, 3), null, DEFAULTS.withPadding(padding).withPaddingMode(mode));
        assertEquals(shape(1, 1, 3, 3), r.output.shape());
        assertEquals(5, r.geometry.h(), "the kernel sees the padded height");
        assertEquals(5, r.geometry.w());
        assertEquals(0, r.geometry.padTop(), "and no further zero padding");
        assertEquals(0, r.geometry.padLeft());
        assertEquals(before, ONE_TO_NINE, "the input is not written");
        return r.x;
    }

    @Test
    void reflect_mode_pads_without_repeating_the_edge() {
        // Rows -1..3 read rows 1,0,1,2,1; columns likewise.
        assertArrayEquals(new float[] {
            5, 4, 5, 6, 5,
            2, 1, 2, 3, 2,
            5, 4, 5, 6, 5,
            8, 7, 8, 9, 8,
            5, 4, 5, 6, 5}, paddedBy(PadMode.REFLECT, 1));
    }

    @Test
    void replicate_mode_clamps() {
        assertArrayEquals(new float[] {
            1, 1, 2, 3, 3,
            1, 1, 2, 3, 3,
            4, 4, 5, 6, 6,
            7, 7, 8, 9, 9,
            7, 7, 8, 9, 9}, paddedBy(PadMode.REPLICATE, 1));
    }

    @Test
    void circular_mode_wraps() {
        assertArrayEquals(new float[] {
            9, 7, 8, 9, 7,
            3, 1, 2, 3, 1,
            6, 4, 5, 6, 4,
            9, 7, 8, 9, 7,
            3, 1, 2, 3, 1}, paddedBy(PadMode.CIRCULAR, 1));
    }

    @Test
    void padding_mode_with_same_even_kernel_pads_bottom_right() {
        // k=2 'same' reflect: F.pad(x, (0, 1, 0, 1), 'reflect'): row 3 reads row 1, column 3 reads column 1.
        Recorded r = run(ONE_TO_NINE, zeros(1, 1, 2, 2), null, DEFAULTS.withPadding(ConvPadding.SAME).withPaddingMode(PadMode.REFLECT));
        assertEquals(shape(1, 1, 3, 3), r.output.shape());
        assertArrayEquals(new float[] {
            1, 2, 3, 2,
            4, 5, 6, 5,
            7, 8, 9, 8,
            4, 5, 6, 5}, r.x);
    }

    @Test
    void padding_modes_accept_unbatched_input_except_circular() {
        for (PadMode m : new PadMode[] {PadMode.REFLECT, PadMode.REPLICATE}) {
            assertEquals(shape(1, 3, 3), out(shape(1, 3, 3), shape(1, 1, 3, 3), null, DEFAULTS.withPadding(1).withPaddingMode(m)), m.toString());
        }
        assertRule(OP, "pad_mode_rank", () -> out(shape(1, 3, 3), shape(1, 1, 3, 3), null, DEFAULTS.withPadding(1).withPaddingMode(PadMode.CIRCULAR)),
                "circular", "[1, 3, 3]");
    }

    @Test
    void circular_mode_refuses_unbatched_input_even_without_padding() {
        // nn.Conv2d calls F.pad for any padding_mode but 'zeros', also with zero pads; 1.13's circular pad needs 4-D.
        assertRule(OP, "pad_mode_rank", () -> out(shape(1, 3, 3), shape(1, 1, 3, 3), null, DEFAULTS.withPaddingMode(PadMode.CIRCULAR)),
                "circular", "[1, 3, 3]");
    }

    @Test
    void reflect_pad_must_be_smaller_than_the_size() {
        assertEquals(shape(1, 1, 3, 3), out(shape(1, 1, 3, 3), shape(1, 1, 5, 5), null, DEFAULTS.withPadding(2).withPaddingMode(PadMode.REFLECT)));
        assertRule(OP, "reflect_pad_too_large", () -> out(shape(1, 1, 3, 3), shape(1, 1, 7, 7), null,
                DEFAULTS.withPadding(3).withPaddingMode(PadMode.REFLECT)), "less than the corresponding input dimension", "(3, 3)", "size 3");
    }

    @Test
    void reflect_pad_limit_is_checked_per_side() {
        // 'same' with k=4 on W=2: pads (left 1, right 2); 1 < 2 passes, 2 < 2 does not. H=5 has (1, 2): fine.
        Conv2dAttrs a = DEFAULTS.withPadding(ConvPadding.SAME).withPaddingMode(PadMode.REFLECT);
        assertRule(OP, "reflect_pad_too_large", () -> out(shape(1, 1, 5, 2), shape(1, 1, 4, 4), null, a), "(1, 2)", "size 2");
        assertEquals(shape(1, 1, 5, 3), out(shape(1, 1, 5, 3), shape(1, 1, 4, 4), null, a));
    }

    @Test
    void circular_pad_may_equal_but_not_exceed_the_size() {
        assertEquals(shape(1, 1, 2, 2), out(shape(1, 1, 2, 2), shape(1, 1, 5, 5), null, DEFAULTS.withPadding(2).withPaddingMode(PadMode.CIRCULAR)));
        assertRule(OP, "circular_pad_too_large", () -> out(shape(1, 1, 2, 2), shape(1, 1, 7, 7), null,
                DEFAULTS.withPadding(3).withPaddingMode(PadMode.CIRCULAR)), "wrapping around more than once", "(3, 3)", "size 2");
    }

    @Test
    void replicate_pad_has_no_size_limit() {
        assertEquals(shape(1, 1, 2, 2), out(shape(1, 1, 2, 2), shape(1, 1, 7, 7), null, DEFAULTS.withPadding(3).withPaddingMode(PadMode.REPLICATE)));
    }

    @Test
    void reflect_and_replicate_modes_refuse_empty_planes() {
        for (PadMode m : new PadMode[] {PadMode.REFLECT, PadMode.REPLICATE}) {
            assertRule(OP, "empty_input", () -> out(shape(1, 1, 0, 3), shape(1, 1, 1, 1), null, DEFAULTS.withPadding(1).withPaddingMode(m)),
                    "non-zero", "[1, 1, 0, 3]");
            assertRule(OP, "empty_input", () -> out(shape(1, 0, 3, 3), shape(1, 0, 1, 1), null, DEFAULTS.withPadding(1).withPaddingMode(m)),
                    "non-zero", "[1, 0, 3, 3]");
        }
        // An empty batch is fine.
        assertEquals(shape(0, 1, 3, 3), out(shape(0, 1, 3, 3), shape(1, 1, 3, 3), null, DEFAULTS.withPadding(1).withPaddingMode(PadMode.REFLECT)));
    }

    // ---- one error per rule ----

    @Test
    void stride_positive() {
        assertRule(OP, "stride_positive", () -> DEFAULTS.withStride(0), "non-positive stride", "stride=[0, 0]");
        assertRule(OP, "stride_positive", () -> new Conv2dAttrs(HW.of(1, -1), ConvPadding.of(0), HW.of(1), 1, PadMode.CONSTANT),
                "non-positive stride", "stride=[1, -1]");
    }

    @Test
    void padding_non_negative() {
        assertRule(OP, "padding_non_negative", () -> DEFAULTS.withPadding(-1), "negative padding", "-1");
        assertRule(OP, "padding_non_negative", () -> DEFAULTS.withPadding(ConvPadding.explicit(0, 0, 0, -2)), "negative padding",
                "[0, 0, 0, -2]");
    }

    @Test
    void dilation_positive() {
        assertRule(OP, "dilation_positive", () -> DEFAULTS.withDilation(0), "dilation should be greater than zero", "dilation=[0, 0]");
    }

    @Test
    void groups_positive() {
        assertRule(OP, "groups_positive", () -> DEFAULTS.withGroups(0), "non-positive groups", "groups=0");
        assertRule(OP, "groups_positive", () -> DEFAULTS.withGroups(-2), "non-positive groups", "groups=-2");
    }

    @Test
    void same_needs_stride_1() {
        assertRule(OP, "same_needs_stride_1", () -> DEFAULTS.withPadding(ConvPadding.SAME).withStride(2), "strided", "stride=[2, 2]");
        assertRule(OP, "same_needs_stride_1", () -> new Conv2dAttrs(HW.of(1, 2), ConvPadding.SAME, HW.of(1), 1, PadMode.CONSTANT),
                "strided", "stride=[1, 2]");
    }

    @Test
    void input_rank() {
        assertRule(OP, "input_rank", () -> out(shape(1, 1, 4, 7, 7), shape(1, 1, 3, 3), null, DEFAULTS), "3D", "4D", "[1, 1, 4, 7, 7]");
        assertRule(OP, "input_rank", () -> out(shape(7, 7), shape(1, 1, 3, 3), null, DEFAULTS), "[7, 7]");
    }

    @Test
    void weight_rank() {
        assertRule(OP, "weight_rank", () -> out(shape(1, 4, 7, 7), shape(6, 4, 3), null, DEFAULTS), "weight", "4-D", "[6, 4, 3]");
        assertRule(OP, "weight_rank", () -> out(shape(1, 4, 7, 7), shape(6, 4, 3, 3, 3), null, DEFAULTS), "[6, 4, 3, 3, 3]");
    }

    @Test
    void weight_out_channels() {
        // C_out < groups, C_out not divisible by groups, C_out = 0.
        assertRule(OP, "weight_out_channels", () -> out(shape(1, 4, 7, 7), shape(2, 1, 3, 3), null, DEFAULTS.withGroups(4)),
                "multiple of groups", "groups=4", "[2, 1, 3, 3]");
        assertRule(OP, "weight_out_channels", () -> out(shape(1, 4, 7, 7), shape(6, 1, 3, 3), null, DEFAULTS.withGroups(4)),
                "multiple of groups", "groups=4", "[6, 1, 3, 3]");
        assertRule(OP, "weight_out_channels", () -> out(shape(1, 4, 7, 7), shape(0, 4, 3, 3), null, DEFAULTS),
                "groups=1", "[0, 4, 3, 3]");
    }

    @Test
    void input_channels() {
        assertRule(OP, "input_channels", () -> out(shape(1, 4, 7, 7), shape(6, 2, 3, 3), null, DEFAULTS.withGroups(3)),
                "in_channels", "groups=3", "[6, 2, 3, 3]", "[1, 4, 7, 7]", "4 channels, expected 6");
        assertRule(OP, "input_channels", () -> out(shape(4, 7, 7), shape(6, 3, 3, 3), null, DEFAULTS), "[4, 7, 7]");
    }

    @Test
    void bias_shape() {
        assertRule(OP, "bias_shape", () -> out(shape(1, 4, 7, 7), shape(6, 4, 3, 3), shape(5), DEFAULTS),
                "bias", "6 elements", "[5]");
        assertRule(OP, "bias_shape", () -> out(shape(1, 4, 7, 7), shape(6, 4, 3, 3), shape(6, 1), DEFAULTS), "1-D", "[6, 1]");
    }

    @Test
    void kernel_size_positive() {
        assertRule(OP, "kernel_size_positive", () -> out(shape(1, 4, 7, 7), shape(6, 4, 0, 3), null, DEFAULTS),
                "kernel size should be greater than zero", "kernel_height=0", "kernel_width=3");
    }

    @Test
    void kernel_too_large() {
        assertRule(OP, "kernel_too_large", () -> out(shape(1, 1, 2, 2), shape(1, 1, 3, 3), null, DEFAULTS),
                "kernel size can't be greater than actual input size", "(2 x 2)", "(3 x 3)");
        // Dilation counts: k=3, d=2 spans 5 > 4.
        assertRule(OP, "kernel_too_large", () -> out(shape(1, 1, 4, 4), shape(1, 1, 3, 3), null, DEFAULTS.withDilation(2)),
                "(4 x 4)", "(5 x 5)");
    }

    @Test
    void empty_input() {
        // H = 0 with N, C > 0, the kernel fitting the padded size (0 + 2*2 >= 3).
        assertRule(OP, "empty_input", () -> out(shape(1, 2, 0, 3), shape(1, 2, 3, 3), null, DEFAULTS.withPadding(2)),
                "zero batch or zero channel", "[1, 2, 0, 3]");
        // When the kernel does not fit, the kernel-size error comes first, as in PyTorch.
        assertRule(OP, "kernel_too_large", () -> out(shape(1, 2, 0, 3), shape(1, 2, 1, 1), null, DEFAULTS), "(0 x 3)");
    }

    // ---- attributes in PyTorch's terms, through Operators ----

    private static final Map<String, Tensor> IN = inputs("input", zeros(1, 1, 5, 8), "weight", zeros(1, 1, 3, 3));

    private static ConvGeometry parsed(Map<String, Object> a) {
        AtomicReference<ConvGeometry> seen = new AtomicReference<>();
        Conv2dKernel k = (g, x, w, b, y) -> seen.set(g);
        Map<String, Object> result = Operators.get(OP).run(k, a, IN);
        assertNotNull(result.get("output"));
        return seen.get();
    }

    @Test
    void parses_pairs_and_broadcasts_one_element_lists() {
        ConvGeometry g = parsed(attrs("stride", List.of(2), "padding", List.of(1, 0), "dilation", 1, "groups", 1, "padding_mode", "zeros"));
        assertEquals(2, g.strideH());
        assertEquals(2, g.strideW());
        assertEquals(1, g.padTop());
        assertEquals(0, g.padLeft());
        assertEquals(3, g.oh()); // (5+2-3)/2 + 1
        assertEquals(3, g.ow()); // (8-3)/2 + 1
    }

    @Test
    void parses_defaults_from_an_empty_map() {
        ConvGeometry g = parsed(attrs());
        assertEquals(new ConvGeometry(1, 1, 5, 8, 1, 3, 3, 1, 1, 0, 0, 1, 1, 1, 3, 6), g);
    }

    @Test
    void parses_padding_strings_and_onnx_padding() {
        assertEquals(5, parsed(attrs("padding", "same")).oh());
        assertEquals(3, parsed(attrs("padding", "valid")).oh());
        ConvGeometry pads = parsed(attrs("pads", List.of(1, 0, 2, 3)));
        assertEquals(1, pads.padTop());
        assertEquals(0, pads.padLeft());
        assertEquals(6, pads.oh()); // 5+3-2
        assertEquals(9, pads.ow()); // 8+3-2
        // W=8, k=3, s=2: total 1, SAME_LOWER puts it at the left.
        assertEquals(1, parsed(attrs("auto_pad", "SAME_LOWER", "stride", 2)).padLeft());
        assertEquals(0, parsed(attrs("auto_pad", "SAME_UPPER", "stride", 2)).padLeft());
    }

    @Test
    void pair_length() {
        assertRule(OP, "pair_length", () -> parsed(attrs("stride", List.of(1, 1, 1))), "single int or a list of two ints", "stride=[1, 1, 1]");
        assertRule(OP, "pair_length", () -> parsed(attrs("padding", List.of(0, 0, 0))), "padding=[0, 0, 0]");
        assertRule(OP, "pair_length", () -> parsed(attrs("dilation", List.of())), "dilation=[]");
        assertRule(OP, "pair_length", () -> parsed(attrs("pads", List.of(1, 1, 1))), "pads", "3 values");
    }

    @Test
    void padding_string() {
        assertRule(OP, "padding_string", () -> parsed(attrs("padding", "foo")), "padding string", "'foo'");
        assertRule(OP, "padding_string", () -> parsed(attrs("padding", "SAME")), "'SAME'"); // case-sensitive, as PyTorch
        assertRule(OP, "padding_string", () -> parsed(attrs("auto_pad", "NOTSET_OR_FOO")), "auto_pad", "'NOTSET_OR_FOO'");
    }

    @Test
    void padding_mode() {
        assertRule(OP, "padding_mode", () -> parsed(attrs("padding_mode", "foo")), "padding mode", "foo");
        // F.pad calls it 'constant', nn.Conv2d does not accept that name.
        assertRule(OP, "padding_mode", () -> parsed(attrs("padding_mode", "constant")), "padding_mode", "'constant'");
    }

    @Test
    void same_string_with_stride_is_refused_when_parsed() {
        assertRule(OP, "same_needs_stride_1", () -> parsed(attrs("padding", "same", "stride", List.of(2, 2))), "stride=[2, 2]");
    }

    @Test
    void non_integer_attribute_is_refused() {
        assertRule(OP, "attribute_type", () -> parsed(attrs("stride", 1.5)), "stride", "1.5");
        assertRule(OP, "attribute_type", () -> parsed(attrs("groups", "two")), "groups", "two");
    }

    @Test
    void missing_input_is_refused() {
        assertRule(OP, "missing_input", () -> Operators.get(OP).run(NoKernel.INSTANCE, attrs(), inputs("input", zeros(1, 1, 5, 5))), "'weight'");
    }

    @Test
    void bias_is_optional_and_passed_through() {
        AtomicReference<float[]> seen = new AtomicReference<>();
        Conv2dKernel k = (g, x, w, b, y) -> seen.set(b);
        Operators.get(OP).run(k, attrs(), IN);
        assertNull(seen.get());
        Tensor bias = Tensor.of(shape(1), 2.5f);
        Operators.get(OP).run(k, attrs(), inputs("input", zeros(1, 1, 5, 8), "weight", zeros(1, 1, 3, 3), "bias", bias));
        assertArrayEquals(new float[] {2.5f}, seen.get());
    }
}
