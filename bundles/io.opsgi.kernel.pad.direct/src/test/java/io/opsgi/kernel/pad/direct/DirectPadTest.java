package io.opsgi.kernel.pad.direct;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opsgi.op.Pad;
import io.opsgi.op.PadAttrs;
import io.opsgi.op.PadMode;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import io.opsgi.testing.InputsUnchanged;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * DirectPad through the pad contract ({@link Pad#apply}). Expected values are the worked examples
 * of OPERATOR-SEMANTICS §7 (checked by hand), plus a brute-force "pad with the positive parts, then
 * crop the negative parts" reference. Pad is a copy, so every comparison is bit-exact.
 */
class DirectPadTest {
    private static final DirectPad KERNEL = new DirectPad();

    private static final float[] NINE = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    private static final float[] FOUR = {1, 2, 3, 4};

    private static Tensor pad(Tensor x, PadAttrs a) {
        InputsUnchanged input = InputsUnchanged.snapshot(x);
        Tensor y = Pad.apply(KERNEL, x, a);
        input.assertDataUnchanged("the kernel must not write its input");
        return y;
    }

    /** The 3x3 worked example as (1, 1, 3, 3), padded by 1 on every side. */
    private static float[] pad3x3(PadMode mode) {
        Tensor y = pad(Tensor.of(Shape.of(1, 1, 3, 3), NINE), PadAttrs.of(mode, 1, 1, 1, 1));
        assertEquals(Shape.of(1, 1, 5, 5), y.shape());
        return y.toArray();
    }

    /** [1, 2, 3, 4] as (1, 1, 4), a rank every mode accepts for a 2-value pad, padded by (left, right). */
    private static float[] pad1d(PadMode mode, int left, int right) {
        Tensor y = pad(Tensor.of(Shape.of(1, 1, 4), FOUR), PadAttrs.of(mode, left, right));
        assertEquals(Shape.of(1, 1, 4 + left + right), y.shape());
        return y.toArray();
    }

    private static void assertBits(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, "length");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]),
                    "element " + i + ": expected " + expected[i] + ", got " + actual[i]);
        }
    }

    // ---- the 3x3 worked example of the issue, verified by hand ----

    @Test
    void worked_3x3_constant() {
        assertBits(new float[] {
                0, 0, 0, 0, 0,
                0, 1, 2, 3, 0,
                0, 4, 5, 6, 0,
                0, 7, 8, 9, 0,
                0, 0, 0, 0, 0}, pad3x3(PadMode.CONSTANT));
    }

    @Test
    void worked_3x3_reflect() {
        assertBits(new float[] {
                5, 4, 5, 6, 5,
                2, 1, 2, 3, 2,
                5, 4, 5, 6, 5,
                8, 7, 8, 9, 8,
                5, 4, 5, 6, 5}, pad3x3(PadMode.REFLECT));
    }

    @Test
    void worked_3x3_replicate() {
        assertBits(new float[] {
                1, 1, 2, 3, 3,
                1, 1, 2, 3, 3,
                4, 4, 5, 6, 6,
                7, 7, 8, 9, 9,
                7, 7, 8, 9, 9}, pad3x3(PadMode.REPLICATE));
    }

    @Test
    void worked_3x3_circular() {
        assertBits(new float[] {
                9, 7, 8, 9, 7,
                3, 1, 2, 3, 1,
                6, 4, 5, 6, 4,
                9, 7, 8, 9, 7,
                3, 1, 2, 3, 1}, pad3x3(PadMode.CIRCULAR));
    }

    // ---- the 1-D examples of §7: [1, 2, 3, 4] with pad (1, 2) ----

    @Test
    void one_d_constant_1_2() {
        assertBits(new float[] {0, 1, 2, 3, 4, 0, 0}, pad1d(PadMode.CONSTANT, 1, 2));
    }

    @Test
    void one_d_reflect_1_2() {
        assertBits(new float[] {2, 1, 2, 3, 4, 3, 2}, pad1d(PadMode.REFLECT, 1, 2));
    }

    @Test
    void one_d_replicate_1_2() {
        assertBits(new float[] {1, 1, 2, 3, 4, 4, 4}, pad1d(PadMode.REPLICATE, 1, 2));
    }

    @Test
    void one_d_circular_1_2() {
        assertBits(new float[] {4, 1, 2, 3, 4, 1, 2}, pad1d(PadMode.CIRCULAR, 1, 2));
    }

    // ---- negative pads: the same mapping applied to the cropped window ----

    @Test
    void reflect_crop_left_3_pad_right_3() {
        assertBits(new float[] {4, 3, 2, 1}, pad1d(PadMode.REFLECT, -3, 3));
    }

    @Test
    void reflect_pad_left_3_crop_right_2() {
        assertBits(new float[] {4, 3, 2, 1, 2}, pad1d(PadMode.REFLECT, 3, -2));
    }

    @Test
    void reflect_crop_past_the_input_left_5_pad_right_3() {
        assertBits(new float[] {2, 1}, pad1d(PadMode.REFLECT, -5, 3));
    }

    @Test
    void replicate_crop_past_the_input_left_5_pad_right_3() {
        assertBits(new float[] {4, 4}, pad1d(PadMode.REPLICATE, -5, 3));
    }

    @Test
    void constant_negative_crop_2d() {
        Tensor y = pad(Tensor.of(Shape.of(1, 1, 3, 3), NINE), PadAttrs.of(PadMode.CONSTANT, -1, -1, -1, -1));
        assertEquals(Shape.of(1, 1, 1, 1), y.shape());
        assertBits(new float[] {5}, y.toArray());
    }

    @Test
    void constant_crop_one_side_pad_the_other() {
        // (left -1, right +1, top +1, bottom -2) on the 3x3: rows -1..0, columns 1..3
        Tensor y = pad(Tensor.of(Shape.of(1, 1, 3, 3), NINE), PadAttrs.constant(-7, -1, 1, 1, -2));
        assertEquals(Shape.of(1, 1, 2, 3), y.shape());
        assertBits(new float[] {-7, -7, -7, 2, 3, -7}, y.toArray());
    }

    @Test
    void constant_crop_to_zero_width_is_a_plain_narrow() {
        // all pads <= 0 and a result of width 0: allowed (§7), the output is empty
        Tensor y = pad(Tensor.of(Shape.of(1, 1, 4), FOUR), PadAttrs.of(PadMode.CONSTANT, -2, -2));
        assertEquals(Shape.of(1, 1, 0), y.shape());
    }

    @Test
    void circular_crop_both_sides() {
        assertBits(new float[] {2, 3}, pad1d(PadMode.CIRCULAR, -1, -1));
    }

    @Test
    void circular_mixed_signs_wrap_the_cropped_input() {
        // F.pad(torch.arange(1., 5.).reshape(1, 1, 4), pads, mode='circular'), PyTorch 1.13: _pad_circular
        // copies the cropped input, then wraps that copy (not the whole input).
        assertBits(new float[] {2, 3, 4, 2, 3}, pad1d(PadMode.CIRCULAR, -1, 2));
        assertBits(new float[] {2, 3, 1, 2, 3}, pad1d(PadMode.CIRCULAR, 2, -1));
        assertBits(new float[] {2, 3, 4, 2, 3, 4}, pad1d(PadMode.CIRCULAR, -1, 3));
        assertBits(new float[] {3, 4, 3, 4}, pad1d(PadMode.CIRCULAR, -2, 2));
        assertBits(new float[] {1, 1}, pad1d(PadMode.CIRCULAR, 1, -3));
    }

    // ---- limits ----

    @Test
    void reflect_largest_legal_pad_is_size_minus_1() {
        assertBits(new float[] {4, 3, 2, 1, 2, 3, 4, 3, 2, 1}, pad1d(PadMode.REFLECT, 3, 3));
    }

    @Test
    void reflect_largest_legal_pad_2d() {
        Tensor y = pad(Tensor.of(Shape.of(1, 1, 3, 3), NINE), PadAttrs.of(PadMode.REFLECT, 2, 2, 2, 2));
        assertEquals(Shape.of(1, 1, 7, 7), y.shape());
        // row -2 reads row 2, row -1 row 1; column -2 reads column 2, column -1 column 1
        assertBits(new float[] {9, 8, 7, 8, 9, 8, 7}, java.util.Arrays.copyOfRange(y.toArray(), 0, 7));
        assertBits(new float[] {3, 2, 1, 2, 3, 2, 1}, java.util.Arrays.copyOfRange(y.toArray(), 14, 21));
    }

    @Test
    void circular_pad_equal_to_size_wraps_once() {
        assertBits(new float[] {1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4}, pad1d(PadMode.CIRCULAR, 4, 4));
    }

    @Test
    void replicate_has_no_size_limit() {
        assertBits(new float[] {1, 1, 1, 1, 1, 1, 2, 3, 4, 4, 4, 4, 4, 4, 4, 4}, pad1d(PadMode.REPLICATE, 5, 7));
    }

    // ---- fill values ----

    @Test
    void constant_with_value() {
        assertBits(new float[] {2.5f, 2.5f, 1, 2, 3, 4, 2.5f}, pad(Tensor.of(Shape.of(4), FOUR), PadAttrs.constant(2.5f, 2, 1)).toArray());
    }

    @Test
    void constant_with_nan_and_infinite_values() {
        float[] nan = pad(Tensor.of(Shape.of(4), FOUR), PadAttrs.constant(Float.NaN, 1, 1)).toArray();
        assertTrue(Float.isNaN(nan[0]) && Float.isNaN(nan[5]));
        assertBits(new float[] {1, 2, 3, 4}, java.util.Arrays.copyOfRange(nan, 1, 5));
        assertBits(new float[] {Float.NEGATIVE_INFINITY, 1, 2, 3, 4},
                pad(Tensor.of(Shape.of(4), FOUR), PadAttrs.constant(Float.NEGATIVE_INFINITY, 1, 0)).toArray());
    }

    @Test
    void constant_pads_only_the_last_dimension_of_a_4d_tensor_with_two_values() {
        Tensor y = pad(Tensor.of(Shape.of(1, 1, 3, 3), NINE), PadAttrs.of(PadMode.CONSTANT, 0, 1));
        assertEquals(Shape.of(1, 1, 3, 4), y.shape());
        assertBits(new float[] {1, 2, 3, 0, 4, 5, 6, 0, 7, 8, 9, 0}, y.toArray());
    }

    @Test
    void asymmetric_2d_constant() {
        Tensor y = pad(Tensor.of(Shape.of(1, 1, 2, 2), 1, 2, 3, 4), PadAttrs.of(PadMode.CONSTANT, 1, 0, 0, 2));
        assertEquals(Shape.of(1, 1, 4, 3), y.shape());
        assertBits(new float[] {0, 1, 2, 0, 3, 4, 0, 0, 0, 0, 0, 0}, y.toArray());
    }

    // ---- batch and channel handling ----

    @Test
    void unbatched_reflect_pads_each_channel() {
        // (C=2, H=1, W=3): channel 0 = [1,2,3], channel 1 = [4,5,6]
        Tensor y = pad(Tensor.of(Shape.of(2, 1, 3), 1, 2, 3, 4, 5, 6), PadAttrs.of(PadMode.REFLECT, 1, 1, 0, 0));
        assertEquals(Shape.of(2, 1, 5), y.shape());
        assertBits(new float[] {2, 1, 2, 3, 2, 5, 4, 5, 6, 5}, y.toArray());
    }

    @Test
    void unbatched_one_d_replicate() {
        Tensor y = pad(Tensor.of(Shape.of(2, 2), 1, 2, 3, 4), PadAttrs.of(PadMode.REPLICATE, 2, 1));
        assertEquals(Shape.of(2, 5), y.shape());
        assertBits(new float[] {1, 1, 1, 2, 2, 3, 3, 3, 4, 4}, y.toArray());
    }

    @Test
    void batch_and_channels_are_padded_independently() {
        // (N=2, C=2, H=1, W=2), circular (1, 1): each plane [a, b] becomes [b, a, b, a]
        Tensor y = pad(Tensor.of(Shape.of(2, 2, 1, 2), 1, 2, 3, 4, 5, 6, 7, 8), PadAttrs.of(PadMode.CIRCULAR, 1, 1, 0, 0));
        assertBits(new float[] {2, 1, 2, 1, 4, 3, 4, 3, 6, 5, 6, 5, 8, 7, 8, 7}, y.toArray());
    }

    @Test
    void empty_batch_in_every_mode() {
        for (PadMode mode : PadMode.values()) {
            Tensor y = pad(Tensor.zeros(0, 2, 3, 3), PadAttrs.of(mode, 1, 1, 2, 2));
            assertEquals(Shape.of(0, 2, 7, 5), y.shape(), mode.toString());
        }
    }

    @Test
    void zero_channels_constant_and_circular() {
        assertEquals(Shape.of(1, 0, 5, 5), pad(Tensor.zeros(1, 0, 3, 3), PadAttrs.of(PadMode.CONSTANT, 1, 1, 1, 1)).shape());
        assertEquals(Shape.of(1, 0, 5, 5), pad(Tensor.zeros(1, 0, 3, 3), PadAttrs.of(PadMode.CIRCULAR, 1, 1, 1, 1)).shape());
    }

    // ---- brute force: pad with the positive parts, then crop the negative parts ----

    /** Index into [0, size) for a position j outside it, by repeated mirroring/clamping/wrapping. */
    private static int bruteSource(PadMode mode, int j, int size) {
        switch (mode) {
            case REFLECT:
                while (j < 0 || j >= size) {
                    j = j < 0 ? -j : 2 * (size - 1) - j;
                }
                return j;
            case REPLICATE:
                return Math.min(Math.max(j, 0), size - 1);
            case CIRCULAR:
                return ((j % size) + size) % size;
            default:
                return j >= 0 && j < size ? j : -1;
        }
    }

    /** One (h, w) plane: pad by max(pad, 0) on each side, then drop -min(pad, 0) rows/columns. */
    private static float[][] brutePlane(float[][] in, int[] p, PadMode mode, float value) {
        int h = in.length, w = in[0].length;
        int t = Math.max(p[2], 0), b = Math.max(p[3], 0), l = Math.max(p[0], 0), r = Math.max(p[1], 0);
        float[][] padded = new float[h + t + b][w + l + r];
        for (int i = 0; i < padded.length; i++) {
            for (int j = 0; j < padded[0].length; j++) {
                int si = bruteSource(mode, i - t, h), sj = bruteSource(mode, j - l, w);
                padded[i][j] = si < 0 || sj < 0 ? value : in[si][sj];
            }
        }
        int top = -Math.min(p[2], 0), bottom = -Math.min(p[3], 0), left = -Math.min(p[0], 0), right = -Math.min(p[1], 0);
        float[][] out = new float[padded.length - top - bottom][padded[0].length - left - right];
        for (int i = 0; i < out.length; i++) {
            System.arraycopy(padded[i + top], left, out[i], 0, out[i].length);
        }
        return out;
    }

    @Test
    void matches_pad_then_crop_brute_force() {
        Random rnd = new Random(7);
        int cases = 0;
        for (PadMode mode : PadMode.values()) {
            for (int h = 1; h <= 4; h++) {
                for (int w = 1; w <= 5; w++) {
                    for (int trial = 0; trial < 25; trial++) {
                        int[] p = new int[4];
                        for (int k = 0; k < 4; k++) {
                            int size = k < 2 ? w : h;
                            int max = mode == PadMode.REFLECT ? size - 1 : mode == PadMode.CIRCULAR ? size : 6;
                            // circular with mixed signs is a PyTorch bug (issue #176254): keep circular pads >= 0
                            int min = mode == PadMode.CIRCULAR ? 0 : -size;
                            p[k] = min + rnd.nextInt(max - min + 1);
                        }
                        int oh = h + p[2] + p[3], ow = w + p[0] + p[1];
                        if (oh <= 0 || ow <= 0) {
                            continue;
                        }
                        float[] data = new float[2 * 3 * h * w];
                        for (int i = 0; i < data.length; i++) {
                            data[i] = rnd.nextInt(1000) - 500;
                        }
                        float value = mode == PadMode.CONSTANT ? -0.5f : 0f;
                        PadAttrs attrs = mode == PadMode.CONSTANT ? PadAttrs.constant(value, p) : PadAttrs.of(mode, p);
                        float[] y = pad(Tensor.of(Shape.of(2, 3, h, w), data), attrs).toArray();
                        float[] expected = new float[2 * 3 * oh * ow];
                        for (int plane = 0; plane < 6; plane++) {
                            float[][] in = new float[h][w];
                            for (int i = 0; i < h; i++) {
                                System.arraycopy(data, (plane * h + i) * w, in[i], 0, w);
                            }
                            float[][] out = brutePlane(in, p, mode, value);
                            for (int i = 0; i < oh; i++) {
                                System.arraycopy(out[i], 0, expected, (plane * oh + i) * ow, ow);
                            }
                        }
                        assertArrayEquals(expected, y, mode + " pads " + java.util.Arrays.toString(p) + " on " + h + "x" + w);
                        cases++;
                    }
                }
            }
        }
        assertTrue(cases > 1000, "ran " + cases + " cases");
    }
}
