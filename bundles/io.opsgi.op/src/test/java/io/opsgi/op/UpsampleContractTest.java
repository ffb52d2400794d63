package io.opsgi.op;

import static io.opsgi.op.ContractAssertions.assertRule;
import static io.opsgi.op.ContractAssertions.attrs;
import static io.opsgi.op.ContractAssertions.shape;
import static io.opsgi.op.ContractAssertions.zeros;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.opsgi.op.UpsampleAttrs.ScaleFactor;
import io.opsgi.op.UpsampleGeometry.CubicTaps;
import io.opsgi.op.UpsampleGeometry.LinearTaps;
import io.opsgi.tensor.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The upsample contract (nn.Upsample, PyTorch 1.13): output sizes, the source positions handed to
 * kernels, and one error per rule. Expected indices were read off torch 1.13.0 outputs of arange inputs.
 */
class UpsampleContractTest {
    private static final String OP = "upsample";
    private static final UpsampleKernel NO_KERNEL = (g, x, y) -> fail("upsample kernel called: the contract must refuse first");

    private static UpsampleAttrs scaled(UpsampleMode mode, double h, double w) {
        return new UpsampleAttrs(null, new ScaleFactor(h, w), mode, null, false);
    }

    private static int[] rows(UpsampleGeometry g) {
        int[] r = new int[g.oh()];
        for (int o = 0; o < r.length; o++) {
            r[o] = g.nearestRow(o);
        }
        return r;
    }

    private static int[] columns(UpsampleGeometry g) {
        int[] r = new int[g.ow()];
        for (int o = 0; o < r.length; o++) {
            r[o] = g.nearestColumn(o);
        }
        return r;
    }

    @Test
    void output_size_is_the_size_or_the_truncated_product() {
        assertEquals(shape(1, 2, 10, 10), Upsample.outputShape(shape(1, 2, 5, 5), UpsampleAttrs.nearest(2)));
        assertEquals(shape(1, 2, 7, 7), Upsample.outputShape(shape(1, 2, 5, 5), UpsampleAttrs.nearest(1.5)));
        assertEquals(shape(1, 2, 10, 15), Upsample.outputShape(shape(1, 2, 5, 5), scaled(UpsampleMode.NEAREST, 2, 3)));
        assertEquals(shape(1, 2, 1, 1), Upsample.outputShape(shape(1, 2, 5, 5), UpsampleAttrs.nearest(0.2)));
        assertEquals(shape(3, 4, 6, 9), Upsample.outputShape(shape(3, 4, 5, 5), UpsampleAttrs.toSize(UpsampleMode.BILINEAR, 6, 9)));
        assertEquals(shape(0, 2, 3, 3), Upsample.apply(NO_KERNEL, zeros(0, 2, 5, 5), UpsampleAttrs.toSize(UpsampleMode.NEAREST, 3, 3)).shape());
    }

    @Test
    void nearest_reads_floor_of_o_over_the_scale_factor() {
        // torch: Upsample(scale_factor=(0.9, 2.2)) on (1, 2, 12, 2): rows [0..8, 10], columns [0, 0, 0, 1]
        UpsampleGeometry g = Upsample.geometry(shape(1, 2, 12, 2), scaled(UpsampleMode.NEAREST, 0.9, 2.2));
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 10}, rows(g));
        assertArrayEquals(new int[] {0, 0, 0, 1}, columns(g));
        // torch: Upsample(size=(10, 4)) on the same input: in/out instead of 1/scale: rows [0..4, 6..10], columns [0, 0, 1, 1]
        UpsampleGeometry s = Upsample.geometry(shape(1, 2, 12, 2), UpsampleAttrs.toSize(UpsampleMode.NEAREST, 10, 4));
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 6, 7, 8, 9, 10}, rows(s));
        assertArrayEquals(new int[] {0, 0, 1, 1}, columns(s));
        // recompute_scale_factor forgets the scale: the same as the explicit size
        UpsampleGeometry r = Upsample.geometry(shape(1, 2, 12, 2), scaled(UpsampleMode.NEAREST, 0.9, 2.2).withRecomputeScaleFactor(true));
        assertArrayEquals(rows(s), rows(r));
        assertArrayEquals(columns(s), columns(r));
    }

    @Test
    void one_channel_takes_torchs_channels_last_shortcuts() {
        // torch: the same scale (0.9, 2.2) on (1, 1, 12, 2) gives columns [0, 0, 1, 1]: out = 2*in reads o/2
        UpsampleGeometry g = Upsample.geometry(shape(1, 1, 12, 2), scaled(UpsampleMode.NEAREST, 0.9, 2.2));
        assertTrue(g.channelsLastShortcuts());
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 10}, rows(g), "out != in, 2*in: the plain formula");
        assertArrayEquals(new int[] {0, 0, 1, 1}, columns(g));
        // out = in with scale 1.3 on W = 3: identity with C = 1, floor(o / 1.3) = [0, 0, 1] with C = 2
        assertArrayEquals(new int[] {0, 1, 2}, columns(Upsample.geometry(shape(1, 1, 2, 3), scaled(UpsampleMode.NEAREST, 1, 1.3))));
        assertArrayEquals(new int[] {0, 0, 1}, columns(Upsample.geometry(shape(1, 2, 2, 3), scaled(UpsampleMode.NEAREST, 1, 1.3))));
        assertTrue(Upsample.geometry(shape(2, 5, 1, 1), UpsampleAttrs.nearest(3)).channelsLastShortcuts(), "H = W = 1 is channels-last too");
        assertFalse(Upsample.geometry(shape(1, 2, 1, 3), UpsampleAttrs.nearest(3)).channelsLastShortcuts());
    }

    @Test
    void bilinear_source_positions() {
        // torch, arange(5) upsampled to 7 (size): [0, 0.5714286, 1.2857144, 2, 2.7142859, 3.4285715, 4]
        LinearTaps t = Upsample.geometry(shape(1, 2, 1, 5), UpsampleAttrs.toSize(UpsampleMode.BILINEAR, 1, 7)).linearColumns();
        float[] ramp = new float[7];
        for (int o = 0; o < 7; o++) {
            ramp[o] = t.index0()[o] * t.lambda0()[o] + t.index1()[o] * t.lambda1()[o];
        }
        assertArrayEquals(new float[] {0f, 0.5714286f, 1.2857144f, 2f, 2.7142859f, 3.4285715f, 4f}, ramp, 1e-6f);
        assertArrayEquals(new int[] {0, 0, 1, 2, 2, 3, 4}, t.index0(), "position 0.5*5/7-0.5 < 0 is clamped to 0");
        assertArrayEquals(new int[] {1, 1, 2, 3, 3, 4, 4}, t.index1(), "the last row has no neighbour below");
        // align_corners=True: [0, 0.6666667, 1.3333334, 2, 2.6666667, 3.3333335, 4]
        LinearTaps a = Upsample.geometry(shape(1, 2, 1, 5), UpsampleAttrs.toSize(UpsampleMode.BILINEAR, 1, 7).withAlignCorners(true))
                .linearColumns();
        for (int o = 0; o < 7; o++) {
            ramp[o] = a.index0()[o] * a.lambda0()[o] + a.index1()[o] * a.lambda1()[o];
        }
        assertArrayEquals(new float[] {0f, 0.6666667f, 1.3333334f, 2f, 2.6666667f, 3.3333335f, 4f}, ramp, 1e-6f);
        // out = in copies row for row
        LinearTaps same = Upsample.geometry(shape(1, 2, 1, 5), UpsampleAttrs.toSize(UpsampleMode.BILINEAR, 1, 7)).linearRows();
        assertArrayEquals(new int[] {0}, same.index0());
        assertArrayEquals(new float[] {1f}, same.lambda0());
        assertArrayEquals(new float[] {0f}, same.lambda1());
    }

    @Test
    void bicubic_taps_are_clamped_and_weighted_by_keys_kernel_with_a_minus_0_75() {
        // torch 1.13: F.interpolate(arange(5.), size=(1, 7), mode='bicubic') =
        // [-0.07871747, 0.4752189, 1.3294464, 2.0000002, 2.6705542, 3.5247805, 4.0787168]
        CubicTaps t = Upsample.geometry(shape(1, 2, 1, 5), UpsampleAttrs.toSize(UpsampleMode.BICUBIC, 1, 7)).cubicColumns();
        float[] ramp = new float[7];
        for (int o = 0; o < 7; o++) {
            for (int k = 0; k < 4; k++) {
                ramp[o] += t.index()[k][o] * t.weight()[k][o];
            }
        }
        assertArrayEquals(new float[] {-0.07871747f, 0.4752189f, 1.3294464f, 2.0000002f, 2.6705542f, 3.5247805f, 4.0787168f}, ramp, 2e-6f); // float sums: a few ulp
        // output 0 sits at 0.5*5/7 - 0.5 = -0.14: not clamped to 0 (unlike bilinear), its taps -2..1 are
        assertArrayEquals(new int[] {0, 0, 0, 1}, new int[] {t.index()[0][0], t.index()[1][0], t.index()[2][0], t.index()[3][0]});
        assertArrayEquals(new int[] {3, 4, 4, 4}, new int[] {t.index()[0][6], t.index()[1][6], t.index()[2][6], t.index()[3][6]});
        // align_corners, 3 -> 5: output 1 sits at 0.5, where Keys' kernel with A = -0.75 gives W(1.5) = A/8, W(0.5) = 19/32
        CubicTaps half = Upsample.geometry(shape(1, 1, 3, 3), UpsampleAttrs.toSize(UpsampleMode.BICUBIC, 5, 5).withAlignCorners(true)).cubicRows();
        assertArrayEquals(new float[] {-0.09375f, 0.59375f, 0.59375f, -0.09375f},
                new float[] {half.weight()[0][1], half.weight()[1][1], half.weight()[2][1], half.weight()[3][1]});
        // out = in: no copy shortcut, but the weights are then exactly 0, 1, 0, 0
        CubicTaps same = Upsample.geometry(shape(1, 1, 5, 6), UpsampleAttrs.toSize(UpsampleMode.BICUBIC, 5, 6)).cubicRows();
        assertArrayEquals(new float[] {0f, 1f, 0f, 0f}, new float[] {same.weight()[0][2], same.weight()[1][2], same.weight()[2][2], same.weight()[3][2]});
    }

    @Test
    void bicubic_takes_align_corners_and_recomputes_like_bilinear() {
        UpsampleAttrs a = Upsample.attrs(attrs("scale_factor", 1.5, "mode", "bicubic", "align_corners", true));
        assertEquals(UpsampleMode.BICUBIC, a.mode());
        assertEquals(4f / 6f, Upsample.geometry(shape(1, 2, 5, 5), a).ratioH(), "align_corners ignores the scale");
        assertEquals((float) (1 / 1.5), Upsample.geometry(shape(1, 2, 5, 5), UpsampleAttrs.bicubic(1.5, false)).ratioH());
        assertEquals(5f / 7f, Upsample.geometry(shape(1, 2, 5, 5), UpsampleAttrs.bicubic(1.5, false).withRecomputeScaleFactor(true)).ratioH());
    }

    @Test
    void bilinear_with_a_scale_factor_uses_one_over_the_scale() {
        // 5 * 1.5 = 7 outputs; the ratio is 1/1.5, not 5/7
        UpsampleGeometry g = Upsample.geometry(shape(1, 2, 5, 5), UpsampleAttrs.bilinear(1.5, false));
        assertEquals(7, g.oh());
        assertEquals((float) (1 / 1.5), g.ratioH());
        assertEquals(5f / 7f, Upsample.geometry(shape(1, 2, 5, 5), UpsampleAttrs.toSize(UpsampleMode.BILINEAR, 7, 7)).ratioH());
        assertEquals(4f / 6f, Upsample.geometry(shape(1, 2, 5, 5), UpsampleAttrs.bilinear(1.5, true)).ratioH(), "align_corners ignores the scale");
        assertEquals(0f, Upsample.geometry(shape(1, 2, 5, 5), UpsampleAttrs.toSize(UpsampleMode.BILINEAR, 1, 1).withAlignCorners(true)).ratioH());
    }

    @Test
    void attributes_in_torch_terms() {
        UpsampleAttrs a = Upsample.attrs(attrs("scale_factor", 2, "mode", "bilinear", "align_corners", true));
        assertEquals(new ScaleFactor(2, 2), a.scaleFactor());
        assertEquals(UpsampleMode.BILINEAR, a.mode());
        assertTrue(a.alignCorners());
        UpsampleAttrs s = Upsample.attrs(attrs("size", List.of(3, 4)));
        assertEquals(HW.of(3, 4), s.size());
        assertEquals(UpsampleMode.NEAREST, s.mode());
        assertNull(s.alignCorners());
        assertFalse(Upsample.attrs(attrs("size", 3, "mode", "bilinear", "align_corners", null)).alignCornersOrFalse());
    }

    @Test
    void one_error_per_rule() {
        Shape x = shape(1, 2, 5, 5);
        // torch: ValueError "only one of size or scale_factor should be defined"
        assertRule(OP, "size_or_scale_factor", () -> Upsample.attrs(attrs("size", 3, "scale_factor", 2)), "only one of size or scale_factor");
        // torch: ValueError "either size or scale_factor should be defined"
        assertRule(OP, "size_or_scale_factor", () -> Upsample.attrs(attrs("mode", "nearest")), "either size or scale_factor");
        // torch: ValueError "recompute_scale_factor is not meaningful with an explicit size."
        assertRule(OP, "recompute_with_size", () -> Upsample.attrs(attrs("size", 3, "recompute_scale_factor", true)), "size=[3, 3]");
        // torch: ValueError "align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear"
        assertRule(OP, "align_corners_mode", () -> Upsample.attrs(attrs("scale_factor", 2, "align_corners", false)), "mode='nearest'");
        // torch: NotImplementedError "... for the modes: nearest | linear | bilinear | ... (got foo)"
        assertRule(OP, "upsample_mode", () -> Upsample.attrs(attrs("scale_factor", 2, "mode", "foo")), "mode='foo'");
        // torch: ValueError "Input and output must have the same number of spatial dimensions, ... output size of [3, 3, 3]"
        assertRule(OP, "pair_length", () -> Upsample.attrs(attrs("size", List.of(3, 3, 3))), "size=[3, 3, 3]");
        assertRule(OP, "pair_length", () -> Upsample.attrs(attrs("scale_factor", List.of(2.0))), "scale_factor=[2.0]");
        // torch: TypeError "upsample_nearest2d() received an invalid combination of arguments"
        assertRule(OP, "attribute_type", () -> Upsample.attrs(attrs("size", 3.5)), "size=3.5");
        // torch: NotImplementedError "Got 3D input, but bilinear mode needs 4D input"
        assertRule(OP, "input_rank", () -> Upsample.outputShape(shape(2, 5, 5), UpsampleAttrs.bilinear(2, false)), "input of size [2, 5, 5]");
        // torch: "Non-empty 4D data tensor expected but got a tensor with sizes [1, 0, 5, 5]"
        assertRule(OP, "empty_input", () -> Upsample.outputShape(shape(1, 0, 5, 5), UpsampleAttrs.nearest(2)), "[1, 0, 5, 5]");
        // torch: "Input and output sizes should be greater than 0, but got input (H: 0, W: 5) output (H: 3, W: 3)"
        assertRule(OP, "empty_input", () -> Upsample.apply(NO_KERNEL, zeros(1, 2, 0, 5), UpsampleAttrs.toSize(UpsampleMode.NEAREST, 3, 3)));
        // torch: "Input and output sizes should be greater than 0, but got input (H: 5, W: 5) output (H: 0, W: 0)"
        assertRule(OP, "output_size_too_small", () -> Upsample.outputShape(x, UpsampleAttrs.nearest(0.1)), "output (H: 0, W: 0)");
        assertRule(OP, "output_size_too_small", () -> Upsample.outputShape(x, UpsampleAttrs.nearest(-2)), "output (H: -10, W: -10)");
        assertRule(OP, "output_size_too_small", () -> Upsample.outputShape(x, UpsampleAttrs.toSize(UpsampleMode.NEAREST, 0, 4)));
    }
}
