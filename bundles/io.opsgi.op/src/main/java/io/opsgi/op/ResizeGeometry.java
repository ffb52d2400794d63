package io.opsgi.op;

import io.opsgi.op.ResizeAttrs.CoordinateTransformation;
import io.opsgi.op.ResizeAttrs.Mode;
import io.opsgi.op.ResizeAttrs.NearestMode;
import io.opsgi.op.ResizeAttrs.Roi;
import io.opsgi.tensor.Shape;

/**
 * A resize resolved by the contract: input (n, c, h, w), output (oh, ow), the mode, and the scale of
 * each axis used by the coordinate transformation (the given scale, or out/in when sizes were given).
 * The source coordinate of output {@code x} along an axis of input length {@code in} and output length
 * {@code out} is, in double as ONNX's reference implementation computes it (onnx 1.12
 * {@code interpolate_1d_with_x}; the ONNX Resize spec for tf_half_pixel_for_nn):
 * <pre>
 * half_pixel            (x + 0.5) / scale - 0.5
 * pytorch_half_pixel    out > 1 ? (x + 0.5) / scale - 0.5 : 0
 * align_corners         out == 1 ? 0 : x * (in - 1) / (out - 1)
 * asymmetric            x / scale
 * tf_half_pixel_for_nn  (x + 0.5) / scale
 * tf_crop_and_resize    start * (in - 1) + (out == 1 ? (end - start) * (in - 1) / 2 : x * (end - start) * (in - 1) / (out - 1))
 * </pre>
 * tf_crop_and_resize reads the region {@code roi} (start and end of the axis, normalized, float32) with its
 * first and last outputs on its corners; {@code end - start} is a float32 difference, the rest double, as onnx
 * 1.12's reference rounds (the divisor is the output length - 1, the spec's length_resized, as for align_corners).
 * An output whose source row or column lies outside {@code [0, in - 1]} is the {@code extrapolationValue}:
 * the contract writes it after the kernel ({@link #extrapolate}); the kernel's taps there are clamped and unread.
 * <b>nearest</b> takes the integer coordinate itself, else its floor or ceiling by {@code nearest_mode}
 * (round_prefer_floor: ceiling only above .5; round_prefer_ceil: ceiling from .5), clamped to
 * {@code [0, in - 1]}. <b>linear</b> blends {@code floor} and {@code floor + 1}, clamped to the edge,
 * with weights {@code 1 - r} and {@code r}, {@code r} the fractional part; rows of the two taps along W
 * first, then those along H, in double, rounded once. <b>cubic</b> (onnx 1.12 {@code cubic_coeffs},
 * {@code interpolate_1d_with_x}) reads {@code floor − 1 .. floor + 2}, each clamped to the edge (the
 * reference pads with edge values), with Keys' weights for coefficient A ({@code cubicCoeffA}) at
 * distances {@code r + 1, r, 1 − r, 2 − r}; at an integer coordinate the reference takes {@code r = 1}
 * from the element to the left (same output, other taps). With {@code excludeOutside} a tap outside
 * {@code [0, in − 1]} gets weight 0 and the four weights are divided by their sum.
 */
public record ResizeGeometry(int n, int c, int h, int w, int oh, int ow, Mode mode, CoordinateTransformation transformation,
        NearestMode nearestMode, double scaleH, double scaleW, double cubicCoeffA, boolean excludeOutside, Roi roi, double extrapolationValue) {

    public ResizeGeometry {
        java.util.Objects.requireNonNull(roi, "roi");
    }

    /** Without tf_crop_and_resize's roi and extrapolation value: the whole input, 0. */
    public ResizeGeometry(int n, int c, int h, int w, int oh, int ow, Mode mode, CoordinateTransformation transformation, NearestMode nearestMode,
            double scaleH, double scaleW, double cubicCoeffA, boolean excludeOutside) {
        this(n, c, h, w, oh, ow, mode, transformation, nearestMode, scaleH, scaleW, cubicCoeffA, excludeOutside, Roi.WHOLE, 0);
    }

    /** Without the cubic attributes: ONNX's defaults (cubic_coeff_a −0.75, exclude_outside 0). */
    public ResizeGeometry(int n, int c, int h, int w, int oh, int ow, Mode mode, CoordinateTransformation transformation, NearestMode nearestMode,
            double scaleH, double scaleW) {
        this(n, c, h, w, oh, ow, mode, transformation, nearestMode, scaleH, scaleW, ResizeAttrs.DEFAULT_CUBIC_COEFF_A, false);
    }

    /** The two source indices and weights of every output row (or column) of a linear resize. */
    public record LinearTaps(int[] index0, int[] index1, double[] weight0, double[] weight1) {
    }

    /**
     * The four source indices and weights of every output row (or column) of a cubic resize: tap
     * {@code k} (0 to 3) of output {@code o} reads {@code index[k][o]} with weight {@code weight[k][o]}.
     */
    public record CubicTaps(int[][] index, double[][] weight) {
    }

    /** Number of (n, c) planes. */
    public int planes() {
        return n * c;
    }

    public Shape outputShape() {
        return Shape.of(n, c, oh, ow);
    }

    /** The input row output row {@code o} copies (nearest). */
    public int nearestRow(int o) {
        return nearest(sourceRow(o), h);
    }

    /** The input column output column {@code o} copies (nearest). */
    public int nearestColumn(int o) {
        return nearest(sourceColumn(o), w);
    }

    /** Source rows and weights of every output row (linear). */
    public LinearTaps linearRows() {
        return linear(h, oh, this::sourceRow);
    }

    /** Source columns and weights of every output column (linear). */
    public LinearTaps linearColumns() {
        return linear(w, ow, this::sourceColumn);
    }

    /** Source rows and weights of every output row (cubic). */
    public CubicTaps cubicRows() {
        return cubic(h, oh, this::sourceRow);
    }

    /** Source columns and weights of every output column (cubic). */
    public CubicTaps cubicColumns() {
        return cubic(w, ow, this::sourceColumn);
    }

    /**
     * tf_crop_and_resize: writes the extrapolation value into every output of {@code y} (n, c, oh, ow) whose
     * source row or column lies outside the input (ONNX: "x_original is outside the range [0, length_original - 1]");
     * for the other modes nothing.
     */
    public void extrapolate(float[] y) {
        if (transformation != CoordinateTransformation.TF_CROP_AND_RESIZE) {
            return;
        }
        boolean[] outsideColumn = new boolean[ow];
        for (int o = 0; o < ow; o++) {
            double s = sourceColumn(o);
            outsideColumn[o] = s < 0 || s > w - 1;
        }
        float e = (float) extrapolationValue;
        for (int p = 0; p < planes(); p++) {
            for (int r = 0; r < oh; r++) {
                double s = sourceRow(r);
                boolean outsideRow = s < 0 || s > h - 1;
                for (int o = 0, at = (p * oh + r) * ow; o < ow; o++, at++) {
                    if (outsideRow || outsideColumn[o]) {
                        y[at] = e;
                    }
                }
            }
        }
    }

    double sourceRow(int o) {
        return source(o, h, oh, scaleH, roi.startH(), roi.endH());
    }

    double sourceColumn(int o) {
        return source(o, w, ow, scaleW, roi.startW(), roi.endW());
    }

    /** The source coordinate of output {@code x}, see the class comment. */
    private double source(int x, int in, int out, double scale, float start, float end) {
        return switch (transformation) {
            case HALF_PIXEL -> (x + 0.5) / scale - 0.5;
            case PYTORCH_HALF_PIXEL -> out > 1 ? (x + 0.5) / scale - 0.5 : 0;
            case ALIGN_CORNERS -> out == 1 ? 0 : (double) ((long) x * (in - 1)) / (out - 1);
            case ASYMMETRIC -> x / scale;
            case TF_HALF_PIXEL_FOR_NN -> (x + 0.5) / scale;
            // onnx 1.12 interpolate_1d_with_x: (roi[1] - roi[0]) in float32, then double (numpy promotes the int64 x)
            case TF_CROP_AND_RESIZE -> {
                float extent = end - start;
                yield (out == 1 ? (double) extent * (in - 1) / 2 : x * (double) extent * (in - 1) / (out - 1)) + (double) start * (in - 1);
            }
        };
    }

    private int nearest(double s, int in) {
        double f = Math.floor(s);
        double r = s - f;
        boolean up = r != 0 && switch (nearestMode) {
            case ROUND_PREFER_FLOOR -> r > 0.5;
            case ROUND_PREFER_CEIL -> r >= 0.5;
            case FLOOR -> false;
            case CEIL -> true;
        };
        return clamp(f + (up ? 1 : 0), in);
    }

    private LinearTaps linear(int in, int out, java.util.function.IntToDoubleFunction source) {
        int[] i0 = new int[out], i1 = new int[out];
        double[] w0 = new double[out], w1 = new double[out];
        for (int o = 0; o < out; o++) {
            double s = source.applyAsDouble(o);
            double f = Math.floor(s);
            i0[o] = clamp(f, in);
            i1[o] = clamp(f + 1, in);
            w1[o] = s - f;
            w0[o] = 1 - w1[o];
        }
        return new LinearTaps(i0, i1, w0, w1);
    }

    private CubicTaps cubic(int in, int out, java.util.function.IntToDoubleFunction source) {
        int[][] index = new int[4][out];
        double[][] weight = new double[4][out];
        double a = cubicCoeffA;
        for (int o = 0; o < out; o++) {
            double s = source.applyAsDouble(o);
            double f = Math.floor(s);
            double r = s - f;
            if (r == 0) {
                // onnx 1.12: "ratio must be in (0, 1] since we prefer the pixel on the left of x_ori"
                f -= 1;
                r = 1;
            }
            // cubic_coeffs(ratio, A), written as the reference writes them (distances r + 1, r, 1 - r, 2 - r)
            double[] k = {((a * (r + 1) - 5 * a) * (r + 1) + 8 * a) * (r + 1) - 4 * a, ((a + 2) * r - (a + 3)) * r * r + 1,
                    ((a + 2) * (1 - r) - (a + 3)) * (1 - r) * (1 - r) + 1,
                    ((a * ((1 - r) + 1) - 5 * a) * ((1 - r) + 1) + 8 * a) * ((1 - r) + 1) - 4 * a};
            if (excludeOutside) {
                double sum = 0;
                for (int t = 0; t < 4; t++) {
                    double i = f - 1 + t;
                    k[t] = i < 0 || i >= in ? 0 : k[t];
                    sum += k[t];
                }
                for (int t = 0; t < 4; t++) {
                    k[t] /= sum;
                }
            }
            for (int t = 0; t < 4; t++) {
                index[t][o] = clamp(f - 1 + t, in);
                weight[t][o] = k[t];
            }
        }
        return new CubicTaps(index, weight);
    }

    private static int clamp(double i, int in) {
        return (int) Math.max(0, Math.min(in - 1, i));
    }
}
