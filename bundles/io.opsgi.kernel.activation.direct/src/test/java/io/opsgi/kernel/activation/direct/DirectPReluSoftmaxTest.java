package io.opsgi.kernel.activation.direct;

import static io.opsgi.testing.TestTensors.scaledGaussian;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.opsgi.op.Activations;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import io.opsgi.testing.InputsUnchanged;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * prelu, softmax and log_softmax through {@link Activations#prelu} and {@link Activations#softmax}.
 * prelu is one product per element and compared bit for bit; softmax against a double-precision
 * reference with the tolerance stated at {@link #assertSoftmax}.
 */
class DirectPReluSoftmaxTest {
    private static final DirectActivations KERNEL = new DirectActivations();
    private static final double U = Math.pow(2, -24);
    private static final float INF = Float.POSITIVE_INFINITY;

    private static Tensor prelu(Tensor x, float... weight) {
        InputsUnchanged input = InputsUnchanged.snapshot(x);
        Tensor w = Tensor.of(Shape.of(weight.length), weight);
        Tensor y = Activations.prelu(KERNEL, x, w);
        input.assertDataUnchanged("input must not be written");
        assertArrayEquals(weight, w.buffer(), "weight must not be written");
        assertEquals(x.shape(), y.shape());
        return y;
    }

    private static Tensor softmax(Tensor x, int dim, boolean log) {
        InputsUnchanged input = InputsUnchanged.snapshot(x);
        Tensor y = Activations.softmax(KERNEL, x, dim, log);
        input.assertDataUnchanged("input must not be written");
        assertEquals(x.shape(), y.shape());
        return y;
    }

    private static void assertBits(float expected, float actual, String what) {
        assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(actual), what + ": expected " + expected + ", got " + actual);
    }

    // ---- prelu ----

    @Test
    void prelu_single_slope() {
        Tensor x = Tensor.of(Shape.of(2, 3), -2, -0.5f, 0, 0.5f, 2, -100);
        assertArrayEquals(new float[] {-0.5f, -0.125f, 0, 0.5f, 2, -25}, prelu(x, 0.25f).toArray());
    }

    @Test
    void prelu_one_slope_per_channel_of_nchw() {
        Random rnd = new Random(11);
        Tensor x = scaledGaussian(rnd, 2, 2, 3, 2, 2);
        float[] w = {0.1f, -0.5f, 2f};
        Tensor y = prelu(x, w);
        for (int n = 0; n < 2; n++) {
            for (int c = 0; c < 3; c++) {
                for (int h = 0; h < 2; h++) {
                    for (int k = 0; k < 2; k++) {
                        float v = x.get(n, c, h, k);
                        // the double product of two floats is exact, so rounding it once is the float product
                        float expected = v > 0 ? v : (float) ((double) w[c] * v);
                        assertBits(expected, y.get(n, c, h, k), "prelu at " + n + "," + c + "," + h + "," + k);
                    }
                }
            }
        }
    }

    @Test
    void prelu_unbatched_input_takes_dimension_1_as_channel() {
        // (C=2, H=3, W=2) with 3 slopes: the slope follows H (§9 trap), not C
        float[] d = new float[12];
        java.util.Arrays.fill(d, -1f);
        Tensor y = prelu(Tensor.of(Shape.of(2, 3, 2), d), 1f, 2f, 3f);
        assertArrayEquals(new float[] {-1, -1, -2, -2, -3, -3, -1, -1, -2, -2, -3, -3}, y.toArray());
    }

    @Test
    void prelu_one_and_two_dimensional_inputs() {
        assertArrayEquals(new float[] {-0.5f, 3}, prelu(Tensor.of(Shape.of(2), -2, 3), 0.25f).toArray());
        // (N=2, C=2): slopes per column
        assertArrayEquals(new float[] {-1, -20, 1, 2}, prelu(Tensor.of(Shape.of(2, 2), -10, -10, 1, 2), 0.1f, 2f).toArray());
    }

    @Test
    void prelu_special_values() {
        Tensor y = prelu(Tensor.of(Shape.of(4), Float.NaN, INF, -INF, -0f), 0.25f);
        assertTrue(Float.isNaN(y.getFlat(0)), "NaN -> NaN");
        assertBits(INF, y.getFlat(1), "inf");
        assertBits(-INF, y.getFlat(2), "-inf * 0.25");
        assertBits(-0f, y.getFlat(3), "-0.0 * 0.25");
        // ATen's prelu_cpu computes (x > 0 ? 1 : w) * x, so -0.0 takes the slope: -0.0 * -0.5 = +0.0
        // (from the 1.13 source; the "x >= 0 ? x : w*x" reading would keep -0.0)
        assertBits(0f, prelu(Tensor.of(Shape.of(1), -0f), -0.5f).getFlat(0), "-0.0 with a negative slope");
    }

    @Test
    void prelu_empty_batch() {
        assertEquals(Shape.of(0, 3, 2, 2), prelu(Tensor.zeros(0, 3, 2, 2), 1f, 2f, 3f).shape());
    }

    // ---- softmax / log_softmax ----

    /**
     * Checks a softmax (or log_softmax) of {@code x} along {@code dim} against double precision:
     * ref = exp(x - m) / sum exp(x - m) (or (x - m) - log sum). The kernel forms x - m and exp in
     * float (relative error up to (1 + |x - m|) * 2^-24 in each exp) and divides by a double sum:
     * tolerance (3 + |x - m|) * 2^-24 * |ref| for softmax, (2 + |x - m| + |ref|) * 2^-24 for
     * log_softmax, plus one subnormal step.
     */
    private static void assertSoftmax(Tensor x, int dim, boolean log) {
        Tensor y = softmax(x, dim, log);
        int[] dims = x.shape().toArray();
        int d = dim < 0 ? dim + dims.length : dim;
        int outer = 1, inner = 1;
        for (int i = 0; i < d; i++) {
            outer *= dims[i];
        }
        for (int i = d + 1; i < dims.length; i++) {
            inner *= dims[i];
        }
        int channels = dims[d];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                double max = Double.NEGATIVE_INFINITY, sum = 0, ysum = 0;
                for (int c = 0; c < channels; c++) {
                    max = Math.max(max, x.getFlat((o * channels + c) * inner + i));
                }
                for (int c = 0; c < channels; c++) {
                    sum += Math.exp(x.getFlat((o * channels + c) * inner + i) - max);
                }
                for (int c = 0; c < channels; c++) {
                    int idx = (o * channels + c) * inner + i;
                    double shifted = x.getFlat(idx) - max;
                    double ref = log ? shifted - Math.log(sum) : Math.exp(shifted) / sum;
                    double tol = Float.MIN_VALUE + (log ? (2 + Math.abs(shifted) + Math.abs(ref)) * U : (3 + Math.abs(shifted)) * U * ref);
                    if (!(Math.abs(y.getFlat(idx) - ref) <= tol)) {
                        fail((log ? "log_softmax" : "softmax") + " at " + idx + ": " + y.getFlat(idx) + ", expected " + ref + " +- " + tol);
                    }
                    ysum += y.getFlat(idx);
                }
                if (!log) {
                    assertEquals(1.0, ysum, channels * 2 * U, "a softmax slice sums to 1");
                }
            }
        }
    }

    @Test
    void softmax_of_1000_1001_1002_is_stable() {
        Tensor x = Tensor.of(Shape.of(3), 1000, 1001, 1002);
        float[] y = softmax(x, 0, false).toArray();
        assertArrayEquals(new float[] {0.0900f, 0.2447f, 0.6652f}, y, 0.00005f);
        assertSoftmax(x, 0, false);
        assertSoftmax(x, 0, true);
    }

    @Test
    void softmax_over_channels_of_nchw() {
        Random rnd = new Random(12);
        Tensor x = scaledGaussian(rnd, 3, 2, 5, 3, 4);
        assertSoftmax(x, 1, false);
        assertSoftmax(x, 1, true);
    }

    @Test
    void softmax_over_every_dimension_incl_negative_dims() {
        Random rnd = new Random(13);
        Tensor x = scaledGaussian(rnd, 5, 3, 4, 6);
        for (int dim = -3; dim < 3; dim++) {
            assertSoftmax(x, dim, false);
            assertSoftmax(x, dim, true);
        }
    }

    @Test
    void softmax_long_slice_with_large_spread() {
        Random rnd = new Random(14);
        Tensor x = scaledGaussian(rnd, 30, 2, 1000);
        assertSoftmax(x, 1, false);
        assertSoftmax(x, 1, true);
    }

    @Test
    void log_softmax_is_log_of_softmax() {
        Random rnd = new Random(15);
        Tensor x = scaledGaussian(rnd, 4, 3, 7, 2);
        float[] s = softmax(x, 1, false).toArray(), ls = softmax(x, 1, true).toArray();
        for (int i = 0; i < s.length; i++) {
            // each side within a few 2^-24 of (x - m) - log sum; see assertSoftmax
            double tol = (6 + 2 * Math.abs(ls[i])) * U;
            assertEquals(Math.log(s[i]), ls[i], tol, "at " + i);
        }
    }

    @Test
    void nan_in_a_slice_makes_that_slice_nan() {
        // (outer 1, channels 3, inner 2): slice 0 = {1, NaN, 3}, slice 1 = {0, 0, 0}
        Tensor x = Tensor.of(Shape.of(1, 3, 2), 1, 0, Float.NaN, 0, 3, 0);
        for (boolean log : new boolean[] {false, true}) {
            float[] y = softmax(x, 1, log).toArray();
            for (int c = 0; c < 3; c++) {
                assertTrue(Float.isNaN(y[2 * c]), "slice 0 is NaN");
                assertEquals(log ? (float) -Math.log(3) : 1f / 3, y[2 * c + 1], 1e-7f, "slice 1 is untouched");
            }
        }
    }

    @Test
    void positive_infinity_makes_the_slice_nan() {
        Tensor x = Tensor.of(Shape.of(3), 1, INF, 2);
        for (boolean log : new boolean[] {false, true}) {
            for (float v : softmax(x, 0, log).toArray()) {
                assertTrue(Float.isNaN(v), "inf - inf");
            }
        }
    }

    @Test
    void all_negative_infinity_makes_the_slice_nan() {
        Tensor x = Tensor.of(Shape.of(2), -INF, -INF);
        for (boolean log : new boolean[] {false, true}) {
            for (float v : softmax(x, 0, log).toArray()) {
                assertTrue(Float.isNaN(v));
            }
        }
    }

    @Test
    void some_negative_infinity_entries_give_zero_and_minus_infinity() {
        Tensor x = Tensor.of(Shape.of(3), -INF, 0, 0);
        float[] s = softmax(x, 0, false).toArray();
        assertBits(0f, s[0], "softmax(-inf)");
        assertBits(0.5f, s[1], "softmax");
        assertBits(0.5f, s[2], "softmax");
        float[] ls = softmax(x, 0, true).toArray();
        assertBits(-INF, ls[0], "log_softmax(-inf)");
        assertEquals(-Math.log(2), ls[1], 1e-7);
    }

    @Test
    void single_channel_and_scalar() {
        assertArrayEquals(new float[] {1, 1}, softmax(Tensor.of(Shape.of(2, 1), -7, 1e30f), 1, false).toArray());
        assertArrayEquals(new float[] {0, 0}, softmax(Tensor.of(Shape.of(2, 1), -7, 1e30f), 1, true).toArray());
        assertArrayEquals(new float[] {1}, softmax(Tensor.of(Shape.of(), 5), 0, false).toArray());
    }

    @Test
    void empty_input() {
        assertEquals(Shape.of(0, 4), softmax(Tensor.zeros(0, 4), 1, false).shape());
        assertEquals(Shape.of(2, 0), softmax(Tensor.zeros(2, 0), 1, true).shape());
    }
}
