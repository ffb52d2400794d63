package io.opsgi.kernel.batchnorm.direct;

import static io.opsgi.testing.TestTensors.shiftedGaussian;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opsgi.op.BatchNorm;
import io.opsgi.op.BatchNormAttrs;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import io.opsgi.testing.InputsUnchanged;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * DirectBatchNorm through the contract ({@link BatchNorm#apply}), against textbook formulas
 * evaluated in double. PyTorch's x*alpha + beta form is not bit-identical to the textbook
 * (OPERATOR-SEMANTICS §8), so outputs get a stated tolerance: 8 float ulps (2^-21) of the sum of
 * the magnitudes of the terms |x*alpha| + |mean*alpha| + |b|. Each of alpha, x*alpha, beta and the
 * final add rounds once or twice (at most ~5 half-ulps in all); scaling by the terms rather than by
 * |y| covers the cancellation when x is close to the mean.
 */
class DirectBatchNormTest {
    private static final DirectBatchNorm KERNEL = new DirectBatchNorm();
    private static final double EPS = 1e-5;
    private static final double TERM_ULPS = 8 * Math.pow(2, -24);

    private static Tensor positive(Random rnd, int c) {
        float[] d = new float[c];
        for (int i = 0; i < c; i++) {
            d[i] = 0.5f + rnd.nextFloat();
        }
        return Tensor.of(Shape.of(c), d);
    }

    private static double at(Tensor t, int c, double absent) {
        return t == null ? absent : t.getFlat(c);
    }

    /** Calls the contract and checks that no input was written. */
    private static BatchNorm.Result run(Tensor x, Tensor mean, Tensor var, Tensor w, Tensor b, BatchNormAttrs a) {
        InputsUnchanged inputs = InputsUnchanged.snapshot(x, mean, var, w, b);
        BatchNorm.Result r = BatchNorm.apply(KERNEL, x, mean, var, w, b, a);
        inputs.assertDataUnchanged(i -> "input " + i + " must not be written");
        assertEquals(x.shape(), r.output().shape());
        return r;
    }

    /**
     * Checks y against (x - mu)/sqrt(v + eps)*w + b in double, for per-channel mu and v (running
     * statistics in inference, batch statistics in training).
     */
    private static void assertNormalized(Tensor x, double[] mu, double[] v, Tensor w, Tensor b, double eps, Tensor y, double extraRelative) {
        int n = x.dim(0), channels = x.dim(1), spatial = x.size() / Math.max(1, n * channels);
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < channels; c++) {
                double alpha = at(w, c, 1) / Math.sqrt(v[c] + eps);
                for (int k = 0; k < spatial; k++) {
                    int idx = (i * channels + c) * spatial + k;
                    double xv = x.getFlat(idx);
                    double expected = (xv - mu[c]) * alpha + at(b, c, 0);
                    double terms = Math.abs(xv * alpha) + Math.abs(mu[c] * alpha) + Math.abs(at(b, c, 0));
                    double tol = (TERM_ULPS + extraRelative) * terms;
                    assertTrue(Math.abs(y.getFlat(idx) - expected) <= tol,
                            "y[" + idx + "] = " + y.getFlat(idx) + ", expected " + expected + " +- " + tol);
                }
            }
        }
    }

    private static double[] toDouble(Tensor t) {
        double[] d = new double[t.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = t.getFlat(i);
        }
        return d;
    }

    // ---- inference ----

    @Test
    void inference_affine_matches_textbook_formula() {
        Random rnd = new Random(1);
        Tensor x = shiftedGaussian(rnd, 2, 1, 4, 3, 5, 5);
        Tensor rm = shiftedGaussian(rnd, 1, 0, 3), rv = positive(rnd, 3), w = shiftedGaussian(rnd, 1, 0, 3), b = shiftedGaussian(rnd, 1, 0, 3);
        Tensor y = run(x, rm, rv, w, b, BatchNormAttrs.inference(EPS)).output();
        assertNormalized(x, toDouble(rm), toDouble(rv), w, b, EPS, y, 0);
    }

    @Test
    void inference_large_offsets() {
        // |y| ~ 50, where §8 measured PyTorch 3.8e-6 away from the textbook expression
        Random rnd = new Random(2);
        Tensor x = shiftedGaussian(rnd, 20, 40, 2, 4, 3, 3);
        Tensor rm = shiftedGaussian(rnd, 5, 30, 4), rv = positive(rnd, 4), w = shiftedGaussian(rnd, 3, 0, 4), b = shiftedGaussian(rnd, 10, 0, 4);
        Tensor y = run(x, rm, rv, w, b, BatchNormAttrs.inference(EPS)).output();
        assertNormalized(x, toDouble(rm), toDouble(rv), w, b, EPS, y, 0);
    }

    @Test
    void inference_without_affine_weight_only_and_bias_only() {
        Random rnd = new Random(3);
        Tensor x = shiftedGaussian(rnd, 1, 0, 2, 3, 4, 4);
        Tensor rm = shiftedGaussian(rnd, 1, 0, 3), rv = positive(rnd, 3), w = shiftedGaussian(rnd, 1, 0, 3), b = shiftedGaussian(rnd, 1, 0, 3);
        Tensor[][] params = {{null, null}, {w, null}, {null, b}};
        for (Tensor[] p : params) {
            Tensor y = run(x, rm, rv, p[0], p[1], BatchNormAttrs.inference(EPS)).output();
            assertNormalized(x, toDouble(rm), toDouble(rv), p[0], p[1], EPS, y, 0);
        }
    }

    @Test
    void inference_mean0_var1_weight1_bias0_is_x_over_sqrt_1_plus_eps() {
        float[] d = {-3, -1.5f, -0.25f, 0, 0.1f, 1, 2.75f, 100};
        Tensor x = Tensor.of(Shape.of(2, 1, 4), d);
        Tensor y = run(x, Tensor.of(Shape.of(1), 0), Tensor.of(Shape.of(1), 1), Tensor.of(Shape.of(1), 1), Tensor.of(Shape.of(1), 0),
                BatchNormAttrs.inference(EPS)).output();
        for (int i = 0; i < d.length; i++) {
            float expected = (float) (d[i] / Math.sqrt(1 + EPS));
            // invstd = 1/sqrt(1 + 1e-5f) in float, then x*invstd: within 2 ulp of the exact quotient
            assertEquals(expected, y.getFlat(i), 2 * Math.ulp(expected), "x = " + d[i]);
        }
    }

    @Test
    void inference_ignores_momentum() {
        Random rnd = new Random(4);
        Tensor x = shiftedGaussian(rnd, 1, 0, 2, 2, 3, 3);
        Tensor rm = shiftedGaussian(rnd, 1, 0, 2), rv = positive(rnd, 2);
        Tensor y1 = run(x, rm, rv, null, null, new BatchNormAttrs(false, 0.3, EPS)).output();
        Tensor y2 = run(x, rm, rv, null, null, new BatchNormAttrs(false, 0.9, EPS)).output();
        assertEquals(y1, y2, "bit-identical");
    }

    @Test
    void inference_on_2d_and_3d_inputs() {
        Random rnd = new Random(5);
        Tensor rm = shiftedGaussian(rnd, 1, 0, 3), rv = positive(rnd, 3), w = shiftedGaussian(rnd, 1, 0, 3), b = shiftedGaussian(rnd, 1, 0, 3);
        for (Tensor x : new Tensor[] {shiftedGaussian(rnd, 1, 0, 5, 3), shiftedGaussian(rnd, 1, 0, 2, 3, 7)}) {
            Tensor y = run(x, rm, rv, w, b, BatchNormAttrs.inference(EPS)).output();
            assertNormalized(x, toDouble(rm), toDouble(rv), w, b, EPS, y, 0);
        }
    }

    @Test
    void inference_negative_variance_gives_nan() {
        Tensor x = Tensor.of(Shape.of(1, 1, 2), 1, 3);
        Tensor y = run(x, Tensor.of(Shape.of(1), 0), Tensor.of(Shape.of(1), -1), null, null, BatchNormAttrs.inference(EPS)).output();
        assertTrue(Float.isNaN(y.getFlat(0)) && Float.isNaN(y.getFlat(1)));
    }

    @Test
    void inference_zero_variance_without_eps_is_not_checked() {
        // alpha = 1/sqrt(0) = inf and beta = b - mean*inf = -inf (mean 1): x below the mean gives -inf
        // (§8: "gives +-inf"); x above the mean gives inf - inf = NaN in the x*alpha + beta form,
        // where the textbook quotient would give +inf. Only "not finite" is asserted there.
        Tensor x = Tensor.of(Shape.of(1, 1, 2), -1, 3);
        Tensor y = run(x, Tensor.of(Shape.of(1), 1), Tensor.of(Shape.of(1), 0), null, null, BatchNormAttrs.inference(0)).output();
        assertEquals(Float.NEGATIVE_INFINITY, y.getFlat(0));
        assertTrue(!Float.isFinite(y.getFlat(1)));
    }

    // ---- training ----

    @Test
    void training_worked_example() {
        // one channel holding 1, 2, 3, 4: mean 2.5, biased var 1.25, unbiased var 5/3
        Tensor x = Tensor.of(Shape.of(1, 1, 2, 2), 1, 2, 3, 4);
        BatchNorm.Result r = run(x, Tensor.of(Shape.of(1), 0), Tensor.of(Shape.of(1), 1), null, null, BatchNormAttrs.training(0.1, EPS));
        double s = Math.sqrt(1.25 + EPS);
        float[] expected = {(float) (-1.5 / s), (float) (-0.5 / s), (float) (0.5 / s), (float) (1.5 / s)};
        assertArrayEquals(expected, r.output().toArray(), 3e-7f);
        assertEquals(0.25f, r.runningMean().getFlat(0), 1e-7f, "0.9*0 + 0.1*2.5");
        assertEquals(0.9f + 0.1f * 5 / 3f, r.runningVar().getFlat(0), 2e-7f, "0.9*1 + 0.1*(5/3), the unbiased variance");
    }

    @Test
    void training_uses_batch_statistics_and_updates_running_with_unbiased_variance() {
        Random rnd = new Random(6);
        int n = 4, c = 3, h = 5, w = 5;
        Tensor x = shiftedGaussian(rnd, 2, 1, n, c, h, w);
        Tensor rm = shiftedGaussian(rnd, 1, 0, c), rv = positive(rnd, c), weight = shiftedGaussian(rnd, 1, 0, c), bias = shiftedGaussian(rnd, 1, 0, c);
        double momentum = 0.1;
        BatchNorm.Result r = run(x, rm, rv, weight, bias, BatchNormAttrs.training(momentum, EPS));

        // independent double statistics, two-pass
        int count = n * h * w;
        double[] mean = new double[c], biased = new double[c];
        for (int ch = 0; ch < c; ch++) {
            double sum = 0;
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < h * w; k++) {
                    sum += x.get(i, ch, k / w, k % w);
                }
            }
            mean[ch] = sum / count;
            double sq = 0;
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < h * w; k++) {
                    double d = x.get(i, ch, k / w, k % w) - mean[ch];
                    sq += d * d;
                }
            }
            biased[ch] = sq / count;
        }
        // the batch mean and variance are themselves rounded to float (a few ulp of the statistics)
        assertNormalized(x, mean, biased, weight, bias, EPS, r.output(), 4e-7);
        for (int ch = 0; ch < c; ch++) {
            double expectedMean = (1 - momentum) * rm.getFlat(ch) + momentum * mean[ch];
            double unbiased = biased[ch] * count / (count - 1);
            double expectedVar = (1 - momentum) * rv.getFlat(ch) + momentum * unbiased;
            double wrongVar = (1 - momentum) * rv.getFlat(ch) + momentum * biased[ch];
            assertEquals(expectedMean, r.runningMean().getFlat(ch), 1e-6 * (Math.abs(expectedMean) + Math.abs(mean[ch])), "running mean " + ch);
            assertEquals(expectedVar, r.runningVar().getFlat(ch), 1e-6 * expectedVar, "running var " + ch);
            assertTrue(Math.abs(r.runningVar().getFlat(ch) - wrongVar) > 100 * 1e-6 * expectedVar,
                    "the running update must not use the biased variance");
        }
    }

    @Test
    void training_without_running_statistics() {
        Random rnd = new Random(7);
        Tensor x = shiftedGaussian(rnd, 1, 0, 3, 2, 2, 2);
        BatchNorm.Result r = run(x, null, null, null, null, BatchNormAttrs.training(0.1, EPS));
        assertNull(r.runningMean());
        assertNull(r.runningVar());
        // normalized channels: mean ~0 and biased variance ~1 (up to eps)
        for (int ch = 0; ch < 2; ch++) {
            double sum = 0, sq = 0;
            for (int i = 0; i < 3; i++) {
                for (int k = 0; k < 4; k++) {
                    double v = r.output().get(i, ch, k / 2, k % 2);
                    sum += v;
                    sq += v * v;
                }
            }
            assertEquals(0, sum / 12, 1e-6);
            assertEquals(1, sq / 12, 1e-4);
        }
    }

    @Test
    void training_single_sample_with_several_positions_is_fine() {
        // N = 1, H*W = 3: n = 3 values per channel, unbiased factor 3/2
        Tensor x = Tensor.of(Shape.of(1, 2, 3, 1), 1, 2, 6, -1, -1, -1);
        BatchNorm.Result r = run(x, Tensor.of(Shape.of(2), 0, 0), Tensor.of(Shape.of(2), 1, 1), null, null, BatchNormAttrs.training(0.5, EPS));
        // channel 0: mean 3, biased var (4 + 1 + 9)/3 = 14/3, unbiased 7
        double s = Math.sqrt(14.0 / 3 + EPS);
        assertArrayEquals(new float[] {(float) (-2 / s), (float) (-1 / s), (float) (3 / s)},
                new float[] {r.output().getFlat(0), r.output().getFlat(1), r.output().getFlat(2)}, 3e-7f);
        assertEquals(1.5f, r.runningMean().getFlat(0), 1e-7f);
        assertEquals(4.0f, r.runningVar().getFlat(0), 1e-6f, "0.5*1 + 0.5*7");
        // channel 1 is constant: variance 0, y = 0 (x - mean = 0), running var 0.5
        assertEquals(0f, r.output().getFlat(3));
        assertEquals(-0.5f, r.runningMean().getFlat(1), 1e-7f);
        assertEquals(0.5f, r.runningVar().getFlat(1), 1e-7f);
    }

    @Test
    void training_on_2d_input_reduces_over_the_batch() {
        // (N=4, C=1): mean 2.5, biased var 1.25
        Tensor x = Tensor.of(Shape.of(4, 1), 4, 3, 2, 1);
        BatchNorm.Result r = run(x, null, null, Tensor.of(Shape.of(1), 2), Tensor.of(Shape.of(1), 1), BatchNormAttrs.training(0.1, EPS));
        double s = Math.sqrt(1.25 + EPS);
        assertArrayEquals(new float[] {(float) (3 / s + 1), (float) (1 / s + 1), (float) (-1 / s + 1), (float) (-3 / s + 1)},
                r.output().toArray(), 5e-7f);
    }

    @Test
    void training_constant_channel_without_eps_gives_bias() {
        // ATen's InvStd returns 0 (not inf) when var and eps are both 0, so y = x*0 + (b - mean*0) = b
        Tensor x = Tensor.of(Shape.of(2, 1, 2), 5, 5, 5, 5);
        Tensor y = run(x, null, null, Tensor.of(Shape.of(1), 3), Tensor.of(Shape.of(1), 0.5f), BatchNormAttrs.training(0.1, 0)).output();
        assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f, 0.5f}, y.toArray());
    }

    // ---- empty batch ----

    @Test
    void empty_batch_in_inference_and_training_leaves_running_statistics_unchanged() {
        Tensor rm = Tensor.of(Shape.of(3), 1, 2, 3), rv = Tensor.of(Shape.of(3), 4, 5, 6);
        Tensor y = run(Tensor.zeros(0, 3, 5, 5), rm, rv, null, null, BatchNormAttrs.inference(EPS)).output();
        assertEquals(Shape.of(0, 3, 5, 5), y.shape());
        BatchNorm.Result r = run(Tensor.zeros(0, 3, 5, 5), rm, rv, null, null, BatchNormAttrs.training(0.1, EPS));
        assertEquals(Shape.of(0, 3, 5, 5), r.output().shape());
        assertEquals(rm, r.runningMean());
        assertEquals(rv, r.runningVar());
    }
}
