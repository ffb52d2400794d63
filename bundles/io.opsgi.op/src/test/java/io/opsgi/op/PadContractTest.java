package io.opsgi.op;

import static io.opsgi.op.ContractAssertions.assertRule;
import static io.opsgi.op.ContractAssertions.attrs;
import static io.opsgi.op.ContractAssertions.inputs;
import static io.opsgi.op.ContractAssertions.shape;
import static io.opsgi.op.ContractAssertions.zeros;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.opsgi.tensor.Shape;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The pad contract (F.pad): output shapes, geometry, PyTorch 1.13's mode/rank table and limits. */
class PadContractTest {
    private static final String OP = "pad";

    private static Shape out(Shape x, PadMode mode, int... pads) {
        return Pad.outputShape(x, PadAttrs.of(mode, pads));
    }

    // ---- output shapes ----

    @Test
    void output_size_is_size_plus_both_pads_last_dimension_first() {
        // (left 1, right 2, top 3, bottom 4): W 5+1+2 = 8, H 5+3+4 = 12.
        assertEquals(shape(2, 3, 12, 8), out(shape(2, 3, 5, 5), PadMode.CONSTANT, 1, 2, 3, 4));
        assertEquals(shape(6), out(shape(4), PadMode.CONSTANT, 1, 1));
        assertEquals(shape(2, 3, 8), out(shape(2, 3, 5), PadMode.REPLICATE, 1, 2));
    }

    @Test
    void geometry_handed_to_the_kernel() {
        AtomicReference<PadGeometry> g = new AtomicReference<>();
        AtomicReference<Object[]> modeAndValue = new AtomicReference<>();
        PadKernel k = (geo, mode, value, x, y) -> {
            g.set(geo);
            modeAndValue.set(new Object[] {mode, value});
        };
        Pad.apply(k, zeros(2, 3, 5, 5), PadAttrs.constant(2.5f, 1, 2, 3, 4));
        assertEquals(new PadGeometry(6, 5, 5, 12, 8, 3, 1), g.get());
        assertArrayEquals(new Object[] {PadMode.CONSTANT, 2.5f}, modeAndValue.get());
        // A 1-D pad: planes of height 1.
        Pad.apply(k, zeros(2, 4), PadAttrs.of(PadMode.REFLECT, 1, 2));
        assertEquals(new PadGeometry(2, 1, 4, 1, 7, 0, 1), g.get());
        assertArrayEquals(new Object[] {PadMode.REFLECT, 0f}, modeAndValue.get());
        // Cropping: negative top/left.
        Pad.apply(k, zeros(1, 1, 4, 4), PadAttrs.of(PadMode.CONSTANT, -1, 0, 2, -3));
        assertEquals(new PadGeometry(1, 4, 4, 3, 3, 2, -1), g.get());
    }

    @Test
    void negative_pads_crop_in_every_mode() {
        for (PadMode m : PadMode.values()) {
            assertEquals(shape(1, 1, 2), out(shape(1, 1, 4), m, -1, -1), m.toString());
        }
        // Reflect's limit is on positive pads only: (-3, 3), (3, -2), (-5, 3) on size 4.
        assertEquals(shape(1, 1, 4), out(shape(1, 1, 4), PadMode.REFLECT, -3, 3));
        assertEquals(shape(1, 1, 5), out(shape(1, 1, 4), PadMode.REFLECT, 3, -2));
        assertEquals(shape(1, 1, 2), out(shape(1, 1, 4), PadMode.REFLECT, -5, 3));
    }

    @Test
    void replicate_has_no_size_limit_and_circular_may_wrap_once() {
        assertEquals(shape(1, 1, 24), out(shape(1, 1, 4), PadMode.REPLICATE, 10, 10));
        assertEquals(shape(1, 1, 12), out(shape(1, 1, 4), PadMode.CIRCULAR, 4, 4));
        assertEquals(shape(1, 1, 10), out(shape(1, 1, 4), PadMode.REFLECT, 3, 3));
    }

    @Test
    void empty_batch_works_in_every_mode() {
        for (PadMode m : PadMode.values()) {
            assertEquals(shape(0, 3, 6, 6), Pad.apply(NoKernel.INSTANCE, zeros(0, 3, 4, 4), PadAttrs.of(m, 1, 1, 1, 1)).shape(), m.toString());
        }
    }

    @Test
    void zero_channels_work_for_constant_and_circular() {
        assertEquals(shape(1, 0, 5, 6), out(shape(1, 0, 3, 4), PadMode.CONSTANT, 1, 1, 1, 1));
        assertEquals(shape(1, 0, 5, 6), out(shape(1, 0, 3, 4), PadMode.CIRCULAR, 1, 1, 1, 1));
    }

    @Test
    void a_pure_crop_may_reach_zero() {
        // constant_pad_nd narrows when no pad is positive; circular only refuses negative sizes.
        assertEquals(shape(1, 0), out(shape(1, 4), PadMode.CONSTANT, -2, -2));
        assertEquals(shape(1, 1, 0), out(shape(1, 1, 4), PadMode.CIRCULAR, -2, -2));
    }

    @Test
    void reflect_and_replicate_may_empty_one_of_two_dimensions() {
        // 1.13's 2-D reflection/replication pads refuse only H and W both empty.
        assertEquals(shape(1, 1, 5, 0), out(shape(1, 1, 3, 4), PadMode.REFLECT, -2, -2, 1, 1));
        assertEquals(shape(1, 1, 0, 6), out(shape(1, 1, 3, 4), PadMode.REPLICATE, 1, 1, -1, -2));
    }

    // ---- the mode/rank table of 1.13 ----

    @Test
    void mode_rank_table() {
        // pad length 2: constant any rank >= 1; reflect/replicate rank 2 or 3; circular rank 3.
        // pad length 4: constant rank >= 2; reflect/replicate rank 3 or 4; circular rank 4.
        int[][] accepted = {{2, 1}, {2, 2}, {2, 3}, {2, 4}, {4, 2}, {4, 3}, {4, 4}};
        for (int[] lr : accepted) {
            int[] pads = new int[lr[0]];
            Shape x = ranked(lr[1]);
            for (PadMode m : PadMode.values()) {
                int padded = lr[0] / 2;
                boolean ok = switch (m) {
                    case CONSTANT -> true;
                    case REFLECT, REPLICATE -> lr[1] == padded + 1 || lr[1] == padded + 2;
                    case CIRCULAR -> lr[1] == padded + 2;
                };
                String at = m + " with " + lr[0] + " pads on rank " + lr[1];
                if (ok) {
                    assertEquals(x, Pad.outputShape(x, PadAttrs.of(m, pads)), at);
                } else {
                    assertRule(OP, "pad_mode_rank", () -> Pad.outputShape(x, PadAttrs.of(m, pads)), m.toString(), x.toString());
                }
            }
        }
    }

    private static Shape ranked(int rank) {
        int[] d = new int[rank];
        java.util.Arrays.fill(d, 3);
        return Shape.of(d);
    }

    @Test
    void pad_mode_rank() {
        assertRule(OP, "pad_mode_rank", () -> out(shape(2, 3, 4, 4), PadMode.REFLECT, 1, 1), "reflect", "2 values", "[2, 3, 4, 4]");
        assertRule(OP, "pad_mode_rank", () -> out(shape(3, 4, 4), PadMode.CIRCULAR, 1, 1, 1, 1), "circular", "[3, 4, 4]");
        assertRule(OP, "pad_mode_rank", () -> out(shape(4, 4), PadMode.REPLICATE, 1, 1, 1, 1), "replicate", "[4, 4]");
    }

    // ---- one error per rule ----

    @Test
    void pad_length() {
        assertRule(OP, "pad_length", () -> PadAttrs.of(PadMode.CONSTANT, 1, 2, 3), "divisible by 2", "got 3");
        assertRule(OP, "pad_length", () -> out(shape(4), PadMode.CONSTANT, 1, 1, 1, 1), "too large", "4 values", "[4]");
        // Beyond the contract's scope (PyTorch pads up to 3-D): refused by the same rule.
        assertRule(OP, "pad_length", () -> PadAttrs.of(PadMode.CONSTANT, 1, 1, 1, 1, 1, 1), "6 values");
    }

    @Test
    void pad_mode() {
        assertRule(OP, "pad_mode", () -> PadMode.fromTorch(OP, "pad_mode", "edge"), "padding mode", "edge");
        assertRule(OP, "pad_mode", () -> Pad.attrs(attrs("pad", List.of(1, 1), "mode", "edge")), "edge");
        assertRule(OP, "pad_mode", () -> Pad.attrs(attrs("pad", List.of(1, 1), "mode", "Reflect")), "Reflect");
    }

    @Test
    void value_needs_constant() {
        assertRule(OP, "value_needs_constant", () -> new PadAttrs(new int[] {1, 1}, PadMode.REFLECT, 1.5f),
                "reflect", "doesn't take in value", "value=1.5");
        assertRule(OP, "value_needs_constant", () -> Pad.attrs(attrs("pad", List.of(1, 1), "mode", "circular", "value", -2.0)),
                "circular", "value=-2.0");
    }

    @Test
    void a_zero_value_is_tolerated_for_every_mode() {
        // 1.13's _pad_enum: !value.has_value() || *value == 0.
        for (PadMode m : PadMode.values()) {
            assertEquals(m, new PadAttrs(new int[] {1, 1}, m, 0f).mode());
            assertEquals(m, new PadAttrs(new int[] {1, 1}, m, -0f).mode());
        }
    }

    @Test
    void reflect_pad_too_large() {
        assertRule(OP, "reflect_pad_too_large", () -> out(shape(1, 1, 4), PadMode.REFLECT, 4, 4),
                "less than the corresponding input dimension", "(4, 4)", "dimension 2", "size 4");
        // Each side on its own: (0, 4) and (4, 0) fail, (3, 0) passes.
        assertRule(OP, "reflect_pad_too_large", () -> out(shape(1, 1, 4), PadMode.REFLECT, 0, 4), "(0, 4)");
        assertRule(OP, "reflect_pad_too_large", () -> out(shape(1, 1, 4), PadMode.REFLECT, 4, 0), "(4, 0)");
        assertEquals(shape(1, 1, 7), out(shape(1, 1, 4), PadMode.REFLECT, 3, 0));
        // The height pair: (top 3, bottom 1) on H=3.
        assertRule(OP, "reflect_pad_too_large", () -> out(shape(1, 1, 3, 5), PadMode.REFLECT, 0, 0, 3, 1), "(3, 1)", "dimension 2", "size 3");
    }

    @Test
    void circular_pad_too_large() {
        assertRule(OP, "circular_pad_too_large", () -> out(shape(1, 1, 4), PadMode.CIRCULAR, 5, 0),
                "wrapping around more than once", "(5, 0)", "size 4");
        assertRule(OP, "circular_pad_too_large", () -> out(shape(1, 1, 2, 4), PadMode.CIRCULAR, 0, 0, 0, 3), "(0, 3)", "size 2");
    }

    @Test
    void empty_input() {
        for (PadMode m : new PadMode[] {PadMode.REFLECT, PadMode.REPLICATE}) {
            assertRule(OP, "empty_input", () -> out(shape(1, 0, 3, 4), m, 1, 1, 1, 1), m.toString(), "non-zero", "[1, 0, 3, 4]");
            assertRule(OP, "empty_input", () -> out(shape(1, 3, 0, 4), m, 1, 1, 1, 1), "[1, 3, 0, 4]");
            // Unbatched (C, H, W): C counts too.
            assertRule(OP, "empty_input", () -> out(shape(0, 3, 4), m, 1, 1, 1, 1), "[0, 3, 4]");
        }
    }

    @Test
    void output_size_too_small() {
        // A crop below zero, in any mode.
        assertRule(OP, "output_size_too_small", () -> out(shape(1, 1, 4), PadMode.REPLICATE, -3, -2), "input size 4", "-3", "-2");
        assertRule(OP, "output_size_too_small", () -> out(shape(1, 1, 4), PadMode.CIRCULAR, -3, -2), "-1");
        // constant: a dimension cropped to 0 while another pad is positive.
        assertRule(OP, "output_size_too_small", () -> out(shape(1, 1, 3, 4), PadMode.CONSTANT, -2, -2, 1, 1), "empty dimension", "[1, 1, 5, 0]");
        // reflect/replicate: H and W both empty; a 1-D pad to width 0.
        assertRule(OP, "output_size_too_small", () -> out(shape(1, 1, 3, 4), PadMode.REFLECT, -2, -2, -1, -2), "[1, 1, 0, 0]");
        assertRule(OP, "output_size_too_small", () -> out(shape(1, 1, 4), PadMode.REPLICATE, -2, -2), "[1, 1, 0]");
    }

    @Test
    void constant_pad_refuses_an_empty_padded_dimension_when_padding_elsewhere() {
        // constant_pad_nd requires every padded dimension > 0 once any pad is positive, even one already 0 on input.
        assertRule(OP, "output_size_too_small", () -> out(shape(2, 3, 0), PadMode.CONSTANT, 0, 0, 1, 1), "[2, 5, 0]");
        assertEquals(shape(2, 5, 2), out(shape(2, 3, 0), PadMode.CONSTANT, 1, 1, 1, 1));
    }

    @Test
    void crop_too_large() {
        // constant_pad_nd narrows each side first: pad=[0, 1, -2, 4] on H=1 is refused although H would end at 3
        // (1.13: "Dimension out of range (expected to be in range of [-1, 0], but got 2)").
        assertRule(OP, "crop_too_large", () -> out(shape(1, 1, 1, 4), PadMode.CONSTANT, 0, 1, -2, 4), "(-2, 4)", "dimension 2", "size 1");
        // the right crop past what the left crop left ("start (0) + length (-1) exceeds dimension size (4)")
        assertRule(OP, "crop_too_large", () -> out(shape(1, 4), PadMode.CONSTANT, 3, -5), "(3, -5)", "size 4");
        assertRule(OP, "crop_too_large", () -> out(shape(1, 4), PadMode.CONSTANT, -3, -2), "(-3, -2)", "size 4");
        // cropping exactly everything, then padding, is legal: (-4, 3) on 4 and (0, 1, -1, 4) on H=1
        assertEquals(shape(1, 3), out(shape(1, 4), PadMode.CONSTANT, -4, 3));
        assertEquals(shape(1, 1, 4, 5), out(shape(1, 1, 1, 4), PadMode.CONSTANT, 0, 1, -1, 4));
        // reflect and replicate map positions without narrowing: the same crops are answered
        assertEquals(shape(1, 1, 2), out(shape(1, 1, 4), PadMode.REPLICATE, 3, -5));
        assertEquals(shape(1, 1, 3, 5), out(shape(1, 1, 1, 4), PadMode.REPLICATE, 0, 1, -2, 4));
    }

    @Test
    void circular_wrap_past_crop() {
        // 1.13 checks pad <= size, but wraps the cropped copy: (4, -1) on 4 leaves 3 to wrap 4 from.
        assertRule(OP, "circular_wrap_past_crop", () -> out(shape(1, 1, 4), PadMode.CIRCULAR, 4, -1), "(4, -1)", "size 4", "3 left");
        assertRule(OP, "circular_wrap_past_crop", () -> out(shape(1, 1, 3, 4), PadMode.CIRCULAR, 0, 0, -2, 2), "(-2, 2)", "1 left");
        assertRule(OP, "circular_wrap_past_crop", () -> out(shape(1, 1, 4), PadMode.CIRCULAR, -5, 3), "(-5, 3)", "0 left");
        // a wrap that fits in what is left is answered
        assertEquals(shape(1, 1, 6), out(shape(1, 1, 4), PadMode.CIRCULAR, -1, 3));
        // an empty output reads nothing (1.13 returns it), unless a crop went past the input
        assertEquals(shape(0, 1, 6), out(shape(0, 1, 4), PadMode.CIRCULAR, -2, 4));
        assertRule(OP, "circular_wrap_past_crop", () -> out(shape(0, 1, 4), PadMode.CIRCULAR, -5, 3), "(-5, 3)");
    }

    @Test
    void output_too_large() {
        // 2^15 x 2^15 x 2 = 2^31 elements: refused before anything is allocated, with the op and the sizes.
        assertRule(OP, "output_too_large", () -> out(shape(2, 1, 1), PadMode.CONSTANT, 0, 32767, 0, 32767),
                "output too large", "[2, 32768, 32768]", "2147483648 elements", "2^30");
        assertRule(OP, "output_too_large", () -> out(shape(1, 1, 4), PadMode.REPLICATE, Integer.MAX_VALUE, Integer.MAX_VALUE),
                "[1, 1, 4294967298]");
    }

    // ---- attributes in PyTorch's terms ----

    @Test
    void parses_attributes() {
        assertEquals(PadAttrs.constant(2.5f, 1, 2, 3, 4), Pad.attrs(attrs("pad", List.of(1, 2, 3, 4), "mode", "constant", "value", 2.5)));
        assertEquals(PadAttrs.of(PadMode.CONSTANT, 1, 1), Pad.attrs(attrs("pad", List.of(1, 1))), "mode defaults to constant, value to none");
        assertEquals(PadAttrs.of(PadMode.REPLICATE, 0, 1), Pad.attrs(attrs("pad", List.of(0, 1), "mode", "replicate")));
        assertEquals(0f, Pad.attrs(attrs("pad", List.of(1, 1))).fill());
    }

    @Test
    void pads_are_required() {
        assertRule(OP, "attribute_type", () -> Pad.attrs(attrs("mode", "constant")), "pad");
    }

    @Test
    void runs_through_operators() {
        AtomicReference<PadGeometry> g = new AtomicReference<>();
        Map<String, Object> r = Operators.get(OP).run((PadKernel) (geo, m, v, x, y) -> g.set(geo),
                attrs("pad", List.of(1, 1, 2, 2), "mode", "reflect"), inputs("input", zeros(3, 4, 4)));
        assertEquals(new PadGeometry(3, 4, 4, 8, 6, 2, 1), g.get());
        assertEquals(shape(3, 8, 6), ((io.opsgi.tensor.Tensor) r.get("output")).shape());
    }

    @Test
    void pad_attrs_are_immutable() {
        int[] pads = {1, 2};
        PadAttrs a = PadAttrs.of(PadMode.CONSTANT, pads);
        pads[0] = 9;
        a.pads()[1] = 9;
        assertArrayEquals(new int[] {1, 2}, a.pads());
    }
}
