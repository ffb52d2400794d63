package io.opsgi.kernel.lppool2d.direct;

import static io.opsgi.testing.TensorAsserts.assertBits;
import static io.opsgi.testing.TestTensors.plane;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opsgi.op.HW;
import io.opsgi.op.LpPool2d;
import io.opsgi.op.LpPool2dAttrs;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import io.opsgi.testing.InputsUnchanged;
import io.opsgi.testing.OutputSizeTooSmall;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * lp_pool2d through the contract (OPERATOR-SEMANTICS §6). PyTorch's pow for a general exponent is
 * Sleef's powf (AVX2) or libm's pow, neither reproducible bit for bit in Java, so the brute force is
 * compared under assert_close's float32 default, |a - b| <= 1e-5 + 1.3e-6 |b| (§10). Hand cases
 * whose every step is exact in float are compared exactly.
 */
class DirectLpPool2dTest {
    private static final double ATOL = 1e-5;
    private static final double RTOL = 1.3e-6;
    private final DirectLpPool2d kernel = new DirectLpPool2d();

    private Tensor pool(Tensor x, LpPool2dAttrs a) {
        return LpPool2d.apply(kernel, x, a);
    }

    @Test
    void pOneIsTheSignedSum() {
        // no absolute value: -2 + 3 + 5 - 6 = 0
        assertBits(new float[] {0f}, pool(plane(2, 2, -2, 3, 5, -6), LpPool2dAttrs.of(1, 2)));
        assertBits(new float[] {-4f}, pool(plane(2, 2, -2, -3, 5, -4), LpPool2dAttrs.of(1, 2)));
    }

    @Test
    void oddPWithNegativeSumIsNaN() {
        // (-8 - 1 + 0 + 1) = -8, and (-8)^(1/3) is NaN in floating point
        assertTrue(Float.isNaN(pool(plane(2, 2, -2, -1, 0, 1), LpPool2dAttrs.of(3, 2)).getFlat(0)));
    }

    @Test
    void oddPWithPositiveSumIsTheNorm() {
        // 2^3 + (-1)^3 + 0 + 1^3 = 8, cube root 2
        Tensor y = pool(plane(2, 2, 2, -1, 0, 1), LpPool2dAttrs.of(3, 2));
        assertEquals(2.0, y.getFlat(0), ATOL + RTOL * 2);
    }

    @Test
    void pTwoIsTheEuclideanNorm() {
        assertBits(new float[] {5f}, pool(plane(2, 2, 3, 4, 0, 0), LpPool2dAttrs.of(2, 2)));
        assertBits(new float[] {5f}, pool(plane(2, 2, -3, 0, -4, 0), LpPool2dAttrs.of(2, 2)));
        // 1 + 4 + 9 + 16 = 30, every step exact until the square root
        assertBits(new float[] {(float) Math.sqrt(30)}, pool(plane(2, 2, 1, 2, 3, 4), LpPool2dAttrs.of(2, 2)));
    }

    @Test
    void nonIntegerPWithANegativeInputIsNaN() {
        assertTrue(Float.isNaN(pool(plane(2, 2, 1, -1, 2, 2), LpPool2dAttrs.of(1.5, 2)).getFlat(0)));
        // all positive: (1 + 1 + 2^1.5 + 2^1.5)^(1/1.5)
        double expected = Math.pow(2 + 2 * Math.pow(2, 1.5), 1 / 1.5);
        assertEquals(expected, pool(plane(2, 2, 1, 1, 2, 2), LpPool2dAttrs.of(1.5, 2)).getFlat(0), ATOL + RTOL * expected);
    }

    @Test
    void ceilModeScalesClippedWindowsByTheFullKernel() {
        // 3x3 ones, p=1, k=2, s=2, ceil: clipped windows average to 1, then are multiplied by 4
        Tensor y = pool(Tensor.full(Shape.of(1, 1, 3, 3), 1f), new LpPool2dAttrs(1, HW.of(2), HW.of(2), true));
        assertEquals(Shape.of(1, 1, 2, 2), y.shape());
        assertBits(new float[] {4, 4, 4, 4}, y);
    }

    @Test
    void pInfinityGivesOne() {
        // x^inf is 0 or inf, and avg^(1/inf) = avg^0 = 1: not max pooling
        LpPool2dAttrs a = LpPool2dAttrs.of(Double.POSITIVE_INFINITY, 2);
        assertBits(new float[] {1f}, pool(plane(2, 2, 0.5f, -3, 2, 0.1f), a));
        assertBits(new float[] {1f}, pool(plane(2, 2, 0.5f, 0.3f, 0.2f, 0.1f), a));
    }

    @Test
    void negativePIsAccepted() {
        // p=-1 on four 2s: (4 * 1/2)^(-1) = 0.5
        assertBits(new float[] {0.5f}, pool(Tensor.full(Shape.of(1, 1, 2, 2), 2f), LpPool2dAttrs.of(-1, 2)));
    }

    @Test
    void allZeroWindowsGiveZero() {
        Tensor zeros = Tensor.zeros(1, 1, 2, 2);
        assertBits(new float[] {0f}, pool(zeros, LpPool2dAttrs.of(2, 2)));
        assertBits(new float[] {0f}, pool(zeros, LpPool2dAttrs.of(3, 2)));
        assertBits(new float[] {0f}, pool(zeros, LpPool2dAttrs.of(1, 2)));
    }

    @Test
    void strideDefaultsToKernel() {
        Tensor x = positive(new Random(1), 1, 2, 7, 6);
        LpPool2dAttrs implicit = new LpPool2dAttrs(2, HW.of(3, 2), null, false);
        LpPool2dAttrs explicit = new LpPool2dAttrs(2, HW.of(3, 2), HW.of(3, 2), false);
        assertEquals(Shape.of(1, 2, 2, 3), pool(x, implicit).shape());
        assertEquals(pool(x, explicit), pool(x, implicit));
    }

    @Test
    void unbatchedInput() {
        Tensor x = positive(new Random(2), 1, 3, 5, 6);
        LpPool2dAttrs a = new LpPool2dAttrs(3, HW.of(2), HW.of(2), true);
        Tensor unbatched = pool(x.reshape(3, 5, 6), a);
        assertEquals(Shape.of(3, 3, 3), unbatched.shape());
        assertEquals(pool(x, a).reshape(3, 3, 3), unbatched);
    }

    @Test
    void emptyBatch() {
        assertEquals(Shape.of(0, 3, 2, 2), pool(Tensor.zeros(0, 3, 5, 5), LpPool2dAttrs.of(2, 2)).shape());
    }

    @Test
    void inputIsNotWritten() {
        Tensor x = positive(new Random(3), 2, 2, 7, 7);
        InputsUnchanged input = InputsUnchanged.snapshot(x);
        pool(x, new LpPool2dAttrs(1.5, HW.of(3), HW.of(2), true));
        input.assertDataUnchanged();
    }

    @Test
    void matchesTheNormDefinitionOverAGridOfConfigurations() {
        Random rnd = new Random(4);
        int checked = 0;
        int[][] kernels = {{1, 1}, {2, 2}, {3, 3}, {3, 2}, {1, 3}};
        int[][] strides = {{1, 1}, {2, 2}, {3, 2}};
        double[] norms = {1, 2, 3, 4, 1.5, 0.5, -1, -2, -0.5, 2.5};
        for (int h : new int[] {1, 4, 5, 7}) {
            for (int w : new int[] {2, 5, 6}) {
                for (int[] k : kernels) {
                    for (int[] s : strides) {
                        for (boolean ceil : new boolean[] {false, true}) {
                            for (double p : norms) {
                                LpPool2dAttrs a = new LpPool2dAttrs(p, HW.of(k[0], k[1]), HW.of(s[0], s[1]), ceil);
                                // signed inputs where the definition is real for any sign (p = 1, 2), positive otherwise
                                Tensor x = p == 1 || p == 2 ? signed(rnd, 2, 2, h, w) : positive(rnd, 2, 2, h, w);
                                Tensor y = OutputSizeTooSmall.resultOrNull(() -> pool(x, a));
                                if (y == null) {
                                    continue;
                                }
                                compareWithDefinition(x, a, y);
                                checked++;
                            }
                        }
                    }
                }
            }
        }
        assertTrue(checked > 2000, "configurations checked: " + checked);
    }

    private static Tensor positive(Random rnd, int n, int c, int h, int w) {
        float[] v = new float[n * c * h * w];
        for (int i = 0; i < v.length; i++) {
            v[i] = 0.1f + 1.9f * rnd.nextFloat();
        }
        return Tensor.of(Shape.of(n, c, h, w), v);
    }

    private static Tensor signed(Random rnd, int n, int c, int h, int w) {
        float[] v = new float[n * c * h * w];
        for (int i = 0; i < v.length; i++) {
            v[i] = 4 * rnd.nextFloat() - 2;
        }
        return Tensor.of(Shape.of(n, c, h, w), v);
    }

    /**
     * In float64: y = (kh*kw / count * sum of x^p over the window clipped to the input)^(1/p), where
     * count is the number of input elements in the window (for unclipped windows: the p-norm).
     */
    private static void compareWithDefinition(Tensor x, LpPool2dAttrs a, Tensor y) {
        int n = x.dim(0), c = x.dim(1), h = x.dim(2), w = x.dim(3);
        int oh = y.dim(2), ow = y.dim(3);
        int kh = a.kernel().h(), kw = a.kernel().w();
        double p = a.normType();
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        double sum = 0;
                        int count = 0;
                        for (int r = i * a.stride().h(); r < i * a.stride().h() + kh && r < h; r++) {
                            for (int col = j * a.stride().w(); col < j * a.stride().w() + kw && col < w; col++) {
                                sum += Math.pow(x.get(b, ch, r, col), p);
                                count++;
                            }
                        }
                        double expected = Math.pow(sum * kh * kw / count, 1 / p);
                        float got = y.get(b, ch, i, j);
                        assertEquals(expected, got, ATOL + RTOL * Math.abs(expected),
                                "p=" + p + " " + a.kernel() + " stride " + a.stride() + " ceil " + a.ceilMode() + " input "
                                        + x.shape() + " at " + b + "," + ch + "," + i + "," + j);
                    }
                }
            }
        }
    }
}
