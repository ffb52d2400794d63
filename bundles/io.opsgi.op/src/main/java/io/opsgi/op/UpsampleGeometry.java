package io.opsgi.op;

import io.opsgi.tensor.Shape;

/**
 * An upsample resolved by the contract: input (n, c, h, w), output (oh, ow), the mode, and the float
 * ratios PyTorch 1.13 maps output to input positions with ({@code ratioH}, {@code ratioW}: ATen's
 * {@code area_pixel_compute_scale<float>}). The source positions are computed here, once, in
 * PyTorch's float arithmetic; kernels only gather and weight.
 *
 * <p><b>nearest</b> ({@code HelperInterpNearest}): input row {@code min(floor(ratio·o), in − 1)}, in
 * float. PyTorch runs NCHW tensors that are also channels-last contiguous (C = 1, or H = W = 1)
 * through its channels-last kernel, whose {@code nearest_idx} returns {@code o} when out = in and
 * {@code o/2} when out = 2·in, whatever the scale factor said ({@link #channelsLastShortcuts()});
 * for other shapes a scale factor of 2.2 that gives out = 2·in reads {@code floor(o/2.2)} instead.
 *
 * <p><b>bilinear</b> ({@code compute_source_index_and_lambda}): out = in copies; otherwise the
 * real source index is {@code ratio·o} with align_corners, else {@code ratio·(o + 0.5) − 0.5}
 * (computed in double, rounded to float, clamped at 0); {@code i0 = (int) real},
 * {@code i1 = i0 + (i0 < in − 1 ? 1 : 0)}, {@code λ1 = real − i0}, {@code λ0 = 1 − λ1}, in float.
 *
 * <p><b>bicubic</b> ({@code HelperInterpCubic::compute_indices_weights}, {@code get_cubic_upsample_coefficients}):
 * the same real source index, but not clamped at 0 (ATen's {@code cubic=true}); {@code i = floor(real)},
 * {@code t = real − i}; taps {@code i − 1 .. i + 2}, each clamped to {@code [0, in − 1]} (the border
 * element repeats); weights Keys' cubic convolution with A = −0.75, in float:
 * {@code W1(t + 1), W0(t), W0(1 − t), W1(2 − t)}, {@code W0(x) = ((A + 2)x − (A + 3))x² + 1},
 * {@code W1(x) = ((Ax − 5A)x + 8A)x − 4A}. No copy shortcut for out = in (the weights are then 0, 1, 0, 0).
 */
public record UpsampleGeometry(int n, int c, int h, int w, int oh, int ow, UpsampleMode mode, boolean alignCorners, float ratioH,
        float ratioW, boolean channelsLastShortcuts) {

    /** The two source rows (or columns) and weights of every output row (or column) of a bilinear upsample. */
    public record LinearTaps(int[] index0, int[] index1, float[] lambda0, float[] lambda1) {
    }

    /**
     * The four source rows (or columns) and weights of every output row (or column) of a bicubic
     * upsample: tap {@code k} (0 to 3) of output {@code o} reads {@code index[k][o]} with weight {@code weight[k][o]}.
     */
    public record CubicTaps(int[][] index, float[][] weight) {
    }

    /** PyTorch's bicubic coefficient A (ATen's {@code get_cubic_upsample_coefficients}; OpenCV's and TensorFlow's too). */
    public static final float CUBIC_A = -0.75f;

    /** Number of (n, c) planes. */
    public int planes() {
        return n * c;
    }

    public Shape outputShape() {
        return Shape.of(n, c, oh, ow);
    }

    /** The input row output row {@code o} copies (nearest). */
    public int nearestRow(int o) {
        return nearest(o, h, oh, ratioH, channelsLastShortcuts);
    }

    /** The input column output column {@code o} copies (nearest). */
    public int nearestColumn(int o) {
        return nearest(o, w, ow, ratioW, channelsLastShortcuts);
    }

    /** Source rows and weights of every output row (bilinear). */
    public LinearTaps linearRows() {
        return linear(h, oh, ratioH, alignCorners);
    }

    /** Source columns and weights of every output column (bilinear). */
    public LinearTaps linearColumns() {
        return linear(w, ow, ratioW, alignCorners);
    }

    /** Source rows and weights of every output row (bicubic). */
    public CubicTaps cubicRows() {
        return cubic(h, oh, ratioH, alignCorners);
    }

    /** Source columns and weights of every output column (bicubic). */
    public CubicTaps cubicColumns() {
        return cubic(w, ow, ratioW, alignCorners);
    }

    static int nearest(int o, int in, int out, float ratio, boolean shortcuts) {
        if (shortcuts && out == in) {
            return o;
        }
        if (shortcuts && out == 2 * in) {
            return o >> 1;
        }
        // nearest_neighbor_compute_source_index: min(floorf(o * scale), in - 1), a float product
        return Math.min((int) Math.floor(ratio * (float) o), in - 1);
    }

    static LinearTaps linear(int in, int out, float ratio, boolean alignCorners) {
        int[] i0 = new int[out], i1 = new int[out];
        float[] l0 = new float[out], l1 = new float[out];
        for (int o = 0; o < out; o++) {
            if (out == in) {
                i0[o] = o;
                i1[o] = o;
                l0[o] = 1f;
                continue;
            }
            float real;
            if (alignCorners) {
                real = ratio * (float) o;
            } else {
                // area_pixel_compute_source_index: scale * (dst_index + 0.5) - 0.5 is a double expression
                // stored in a float; negative positions are clamped to 0.
                real = (float) (ratio * (o + 0.5) - 0.5);
                real = real < 0 ? 0f : real;
            }
            int index = (int) real;
            i0[o] = index;
            i1[o] = index + (index < in - 1 ? 1 : 0);
            l1[o] = real - index;
            l0[o] = 1f - l1[o];
        }
        return new LinearTaps(i0, i1, l0, l1);
    }

    static CubicTaps cubic(int in, int out, float ratio, boolean alignCorners) {
        int[][] index = new int[4][out];
        float[][] weight = new float[4][out];
        for (int o = 0; o < out; o++) {
            // area_pixel_compute_source_index with cubic=true: as for bilinear, but negative positions are kept
            float real = alignCorners ? ratio * (float) o : (float) (ratio * (o + 0.5) - 0.5);
            int i = (int) Math.floor(real);
            float t = real - i;
            float t2 = 1f - t;
            weight[0][o] = far(t + 1f);
            weight[1][o] = near(t);
            weight[2][o] = near(t2);
            weight[3][o] = far(t2 + 1f);
            for (int k = 0; k < 4; k++) {
                index[k][o] = Math.min(Math.max(i - 1 + k, 0), in - 1);
            }
        }
        return new CubicTaps(index, weight);
    }

    /** cubic_convolution1: the weight of a tap at distance x in [0, 1], in float as ATen evaluates it. */
    private static float near(float x) {
        float a = CUBIC_A;
        return ((a + 2) * x - (a + 3)) * x * x + 1;
    }

    /** cubic_convolution2: the weight of a tap at distance x in [1, 2], in float as ATen evaluates it. */
    private static float far(float x) {
        float a = CUBIC_A;
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
    }
}
