package io.opsgi.op;

import static io.opsgi.op.ContractAssertions.assertRule;
import static io.opsgi.op.ContractAssertions.attrs;
import static io.opsgi.op.ContractAssertions.shape;
import static io.opsgi.op.ContractAssertions.zeros;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opsgi.op.ResizeAttrs.CoordinateTransformation;
import io.opsgi.op.ResizeAttrs.Mode;
import io.opsgi.op.ResizeAttrs.NearestMode;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The resize contract: ONNX's names and defaults, output sizes, source coordinates, one error per rule. */
class ResizeContractTest {
    private static final String OP = "resize";

    @Test
    void onnx_defaults_and_names() {
        ResizeAttrs a = Resize.attrs(attrs("scales", List.of(2, 3)));
        assertEquals(Mode.NEAREST, a.mode());
        assertEquals(CoordinateTransformation.HALF_PIXEL, a.transformation());
        assertEquals(NearestMode.ROUND_PREFER_FLOOR, a.nearestMode());
        ResizeAttrs b = Resize.attrs(attrs("mode", "linear", "coordinate_transformation_mode", "tf_half_pixel_for_nn", "nearest_mode", "ceil",
                "sizes", List.of(4, 5), "exclude_outside", 1, "extrapolation_value", 0.5));
        assertEquals(Mode.LINEAR, b.mode());
        assertEquals(CoordinateTransformation.TF_HALF_PIXEL_FOR_NN, b.transformation());
        assertEquals(HW.of(4, 5), b.sizes());
    }

    @Test
    void output_size_is_floor_of_in_times_the_float32_scale() {
        assertEquals(shape(1, 2, 4, 9), Resize.outputShape(shape(1, 2, 2, 3), ResizeAttrs.scaled(Mode.NEAREST, 2, 3)));
        // 5 * float32(0.6) = 3.0000001 -> 3; 7 * 0.35f = 2.45 -> 2; 9 * 1.15f = 10.35 -> 10
        assertEquals(shape(1, 1, 3, 4), Resize.outputShape(shape(1, 1, 5, 7), ResizeAttrs.scaled(Mode.LINEAR, 0.6, 0.6)));
        assertEquals(shape(1, 1, 2, 10), Resize.outputShape(shape(1, 1, 7, 9), ResizeAttrs.scaled(Mode.NEAREST, 0.35, 1.15)));
        assertEquals(shape(0, 2, 7, 5), Resize.outputShape(shape(0, 2, 4, 3), ResizeAttrs.sized(Mode.LINEAR, 7, 5)));
    }

    @Test
    void coordinates_follow_the_spec() {
        AtomicReference<ResizeGeometry> seen = new AtomicReference<>();
        Resize.apply((g, x, y) -> seen.set(g), zeros(1, 1, 4, 4), ResizeAttrs.sized(Mode.NEAREST, 8, 8).with(CoordinateTransformation.ASYMMETRIC)
                .with(NearestMode.ROUND_PREFER_CEIL));
        // asymmetric x/2: 0, 0.5 -> 1 (ties up), 1, 1.5 -> 2, ... clamped at 3
        int[] rows = new int[8];
        for (int o = 0; o < 8; o++) {
            rows[o] = seen.get().nearestRow(o);
        }
        assertEquals(List.of(0, 1, 1, 2, 2, 3, 3, 3), java.util.Arrays.stream(rows).boxed().toList());
        Resize.apply((g, x, y) -> seen.set(g), zeros(1, 1, 2, 4), ResizeAttrs.scaled(Mode.LINEAR, 0.6, 0.6).with(CoordinateTransformation.ALIGN_CORNERS));
        // align_corners uses the output length (1 x 2): column 1 reads x * 3/1 = 3
        ResizeGeometry.LinearTaps cols = seen.get().linearColumns();
        assertEquals(3, cols.index0()[1]);
        assertEquals(0.0, cols.weight1()[1]);
    }

    @Test
    void cubic_reads_four_edge_clamped_taps_with_keys_weights() {
        // onnx 1.12 resize_upsample_scales_cubic: 4 -> 8 by half_pixel, output 0 at -0.25: taps -2..1 read 0, 0, 0, 1 (edge padding),
        // weights W(1.75), W(0.75), W(0.25), W(1.25) of Keys' kernel with A = -0.75
        ResizeGeometry g = Resize.geometry(shape(1, 1, 4, 4), ResizeAttrs.scaled(Mode.CUBIC, 2, 2));
        ResizeGeometry.CubicTaps t = g.cubicColumns();
        assertArrayEquals(new int[] {0, 0, 0, 1}, column(t.index(), 0));
        double[] w = {t.weight()[0][0], t.weight()[1][0], t.weight()[2][0], t.weight()[3][0]};
        // W(d) = (A+2)d^3 - (A+3)d^2 + 1 for d <= 1, A d^3 - 5A d^2 + 8A d - 4A for 1 < d < 2 (Keys 1981)
        assertArrayEquals(new double[] {keys(1.75, -0.75), keys(0.75, -0.75), keys(0.25, -0.75), keys(1.25, -0.75)}, w, 1e-15);
        // exclude_outside with A = -0.5 (resize_upsample_scales_cubic_a_n0p5_exclude_outside): the taps -2 and -1 weigh 0,
        // tap 0's W(0.25) = 0.8671875 and tap 1's W(1.25) = -0.0703125 are divided by their sum 0.796875
        ResizeGeometry.CubicTaps x = Resize.geometry(shape(1, 1, 4, 4), ResizeAttrs.scaled(Mode.CUBIC, 2, 2).withCubic(-0.5, true)).cubicColumns();
        assertArrayEquals(new double[] {0, 0, 0.8671875 / 0.796875, -0.0703125 / 0.796875},
                new double[] {x.weight()[0][0], x.weight()[1][0], x.weight()[2][0], x.weight()[3][0]}, 1e-15);
        // an integer coordinate (asymmetric, output 0 at 0) takes ratio 1 from the element to its left: weight 1 on tap 2
        ResizeGeometry.CubicTaps a = Resize.geometry(shape(1, 1, 4, 4), ResizeAttrs.scaled(Mode.CUBIC, 2, 2).with(CoordinateTransformation.ASYMMETRIC))
                .cubicRows();
        assertArrayEquals(new double[] {0, 0, 1, 0}, new double[] {a.weight()[0][0], a.weight()[1][0], a.weight()[2][0], a.weight()[3][0]});
    }

    @Test
    void cubic_attributes_in_onnx_terms() {
        ResizeAttrs a = Resize.attrs(attrs("mode", "cubic", "scales", List.of(2, 2), "cubic_coeff_a", -0.5, "exclude_outside", 1));
        assertEquals(Mode.CUBIC, a.mode());
        assertEquals(-0.5, a.cubicCoeffA());
        assertTrue(a.excludeOutside());
        ResizeAttrs d = Resize.attrs(attrs("mode", "cubic", "sizes", List.of(3, 3)));
        assertEquals(-0.75, d.cubicCoeffA());
        assertFalse(d.excludeOutside());
    }

    /**
     * onnx 1.12's resize_tf_crop_and_resize_extrapolation_value: 4x4 -> 3x3 of roi H [0.4, 1.2], W [0.6, 1.7], extrapolation 10.
     * Rows read 0.4 * 3 + o * 0.8 * 3 / 2 = 1.2, 2.4, 3.6 (the last beyond 3); columns 1.8, 3.45, 5.1 (two beyond 3): onnx's expected
     * output [[7.6, 10, 10], [12.4, 10, 10], [10, 10, 10]] is 10 exactly there, whatever the kernel wrote.
     */
    @Test
    void tf_crop_and_resize_reads_the_roi_and_extrapolates_outside_the_input() {
        ResizeAttrs a = Resize.attrs(attrs("mode", "linear", "coordinate_transformation_mode", "tf_crop_and_resize", "sizes", List.of(3, 3),
                "roi", List.of(0.4, 0.6, 1.2, 1.7), "extrapolation_value", 10));
        assertEquals(new ResizeAttrs.Roi(0.4f, 0.6f, 1.2f, 1.7f), a.roi());
        AtomicReference<ResizeGeometry> seen = new AtomicReference<>();
        io.opsgi.tensor.Tensor y = Resize.apply((g, x, out) -> {
            seen.set(g);
            java.util.Arrays.fill(out, -1f);
        }, zeros(1, 2, 4, 4), a);
        float e = 10, k = -1;
        float[] plane = {k, e, e, k, e, e, e, e, e};
        float[] want = new float[18];
        System.arraycopy(plane, 0, want, 0, 9);
        System.arraycopy(plane, 0, want, 9, 9);
        assertArrayEquals(want, y.toArray());
        ResizeGeometry.LinearTaps rows = seen.get().linearRows(), cols = seen.get().linearColumns();
        // (float) (1.2f - 0.4f) = 0.8000001 in float32: row 1 reads 1.2 + 0.8000001 * 3 / 2 = 2.4000001, between 2 and 3
        assertEquals(1, rows.index0()[0]);
        assertEquals(0.2, rows.weight1()[0], 1e-6);
        assertEquals(2, rows.index0()[1]);
        assertEquals(0.4, rows.weight1()[1], 1e-6);
        assertEquals(1, cols.index0()[0]);
        assertEquals(0.8, cols.weight1()[0], 1e-6);
        // an output length of 1 reads the middle of the roi: 0.5 * (0.4 + 1.2) * 3 = 2.4
        ResizeGeometry one = Resize.geometry(shape(1, 1, 4, 4), ResizeAttrs.sized(Mode.LINEAR, 1, 4).withCrop(new ResizeAttrs.Roi(0.4f, 0f, 1.2f, 1f), 0));
        assertEquals(2, one.linearRows().index0()[0]);
        assertEquals(0.4, one.linearRows().weight1()[0], 1e-6);
    }

    private static int[] column(int[][] m, int o) {
        return new int[] {m[0][o], m[1][o], m[2][o], m[3][o]};
    }

    private static double keys(double d, double a) {
        return d <= 1 ? (a + 2) * d * d * d - (a + 3) * d * d + 1 : a * d * d * d - 5 * a * d * d + 8 * a * d - 4 * a;
    }

    @Test
    void one_error_per_rule() {
        assertRule(OP, "resize_mode", () -> Resize.attrs(attrs("mode", "area", "scales", List.of(2, 2))), "nearest, linear or cubic", "mode='area'");
        assertRule(OP, "coordinate_transformation_mode", () -> Resize.attrs(attrs("coordinate_transformation_mode", "tf_crop",
                "scales", List.of(2, 2))), "'tf_crop'");
        assertRule(OP, "tf_crop_and_resize_sizes", () -> Resize.attrs(attrs("coordinate_transformation_mode", "tf_crop_and_resize",
                "scales", List.of(2, 2))), "needs sizes", "scales=[2.0, 2.0]");
        assertRule(OP, "roi_length", () -> Resize.attrs(attrs("roi", List.of(0, 1), "sizes", List.of(2, 2))), "roi=[0, 1]");
        assertRule(OP, "roi_finite", () -> Resize.attrs(attrs("roi", List.of(0, 0, Double.POSITIVE_INFINITY, 1), "sizes", List.of(2, 2))),
                "Infinity");
        assertRule(OP, "nearest_mode", () -> Resize.attrs(attrs("nearest_mode", "round", "scales", List.of(2, 2))), "'round'");
        assertRule(OP, "scales_or_sizes", () -> Resize.attrs(attrs("scales", List.of(2, 2), "sizes", List.of(3, 3))), "exactly one");
        assertRule(OP, "scales_or_sizes", () -> Resize.attrs(attrs()), "scales=null, sizes=null");
        assertRule(OP, "scales_positive", () -> Resize.attrs(attrs("scales", List.of(0, 2))), "scales=[0.0, 2.0]");
        assertRule(OP, "pair_length", () -> Resize.attrs(attrs("scales", List.of(1, 2, 2))), "scales=[1, 2, 2]");
        assertRule(OP, "pair_length", () -> Resize.attrs(attrs("sizes", List.of(1, 2, 2))));
        assertRule(OP, "output_size_too_small", () -> Resize.attrs(attrs("sizes", List.of(0, 2))), "sizes=[0, 2]");
        assertRule(OP, "output_size_too_small", () -> Resize.outputShape(shape(1, 1, 4, 4), ResizeAttrs.scaled(Mode.NEAREST, 0.2, 1)), "H: 0");
        assertRule(OP, "input_rank", () -> Resize.outputShape(shape(1, 4, 4), ResizeAttrs.scaled(Mode.NEAREST, 2, 2)), "[1, 4, 4]");
        OpException e = assertRule(OP, "empty_input", () -> Resize.outputShape(shape(1, 0, 4, 4), ResizeAttrs.scaled(Mode.NEAREST, 2, 2)));
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void schema_is_registered_with_its_notes() {
        assertEquals(Resize.SCHEMA, Operators.schema("resize"));
        assertTrue(Resize.SCHEMA.onnxNotes().stream().anyMatch(n -> n.contains("float")));
    }
}
