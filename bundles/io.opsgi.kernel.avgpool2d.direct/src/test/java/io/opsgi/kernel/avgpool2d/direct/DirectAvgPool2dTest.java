package io.opsgi.kernel.avgpool2d.direct;

import static io.opsgi.testing.TensorAsserts.assertBits;
import static io.opsgi.testing.TestTensors.gaussian;
import static io.opsgi.testing.TestTensors.plane;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opsgi.op.AvgPool2d;
import io.opsgi.op.AvgPool2dAttrs;
import io.opsgi.op.HW;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import io.opsgi.testing.InputsUnchanged;
import io.opsgi.testing.OutputSizeTooSmall;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * avg_pool2d through the contract (OPERATOR-SEMANTICS §4). PyTorch 1.13 is bit-exact with a
 * sequential row-major float32 sum and a true division (§10), so every comparison is bitwise.
 */
class DirectAvgPool2dTest {
    private final DirectAvgPool2d kernel = new DirectAvgPool2d();

    /** A plane holding 1, 2, ..., h*w in row-major order. */
    private static Tensor oneTo(int h, int w) {
        float[] v = new float[h * w];
        for (int i = 0; i < v.length; i++) {
            v[i] = i + 1;
        }
        return plane(h, w, v);
    }

    private Tensor pool(Tensor x, AvgPool2dAttrs a) {
        return AvgPool2d.apply(kernel, x, a);
    }

    private static AvgPool2dAttrs attrs(int k, int s, int p, boolean ceil, boolean countIncludePad, Integer divisor) {
        return new AvgPool2dAttrs(HW.of(k), HW.of(s), HW.of(p), ceil, countIncludePad, divisor);
    }

    @Test
    void workedExample2x2() {
        Tensor x = plane(4, 4, 1, 3, 2, 4, 5, 6, 1, 2, 7, 2, 3, 1, 4, 8, 5, 6);
        Tensor y = pool(x, AvgPool2dAttrs.of(2));
        assertEquals(Shape.of(1, 1, 2, 2), y.shape());
        assertBits(new float[] {3.75f, 2.25f, 5.25f, 3.75f}, y);
    }

    @Test
    void ceilModeDividesClippedWindowsByTheirClippedSize() {
        // 5x5 of 1..25, k=2, ceil: 3x3 outputs; the last column/row windows hold 2 (or 1) elements
        float[] expected = {
            (1 + 2 + 6 + 7) / 4f, (3 + 4 + 8 + 9) / 4f, (5 + 10) / 2f,
            (11 + 12 + 16 + 17) / 4f, (13 + 14 + 18 + 19) / 4f, (15 + 20) / 2f,
            (21 + 22) / 2f, (23 + 24) / 2f, 25f};
        assertEquals(7.5f, expected[2]);
        assertBits(expected, pool(oneTo(5, 5), AvgPool2dAttrs.of(2).withCeilMode(true)));
        assertBits(expected, pool(oneTo(5, 5), AvgPool2dAttrs.of(2).withCeilMode(true).withCountIncludePad(false)));
    }

    // 5x5 of 1..25 (x[r][c] = 5r + c + 1), k=3, s=2, p=1: rows and columns {0,1}, {1,2,3}, {3,4}
    // (row/column 5 is padding); window sums by hand: sum = |C|*sum(5r) + |R|*sum(c+1).
    private static final float[] SUMS_K3_S2_P1 = {16, 33, 28, 69, 117, 87, 76, 123, 88};
    private static final int[] COUNTS_K3_S2_P1 = {4, 6, 4, 6, 9, 6, 4, 6, 4};

    @Test
    void countIncludePadTrueDividesByTheWholeWindow() {
        float[] expected = new float[9];
        for (int i = 0; i < 9; i++) {
            expected[i] = SUMS_K3_S2_P1[i] / 9f;
        }
        assertBits(expected, pool(oneTo(5, 5), attrs(3, 2, 1, false, true, null)));
    }

    @Test
    void countIncludePadFalseDividesByTheInputElements() {
        float[] expected = {4f, 5.5f, 7f, 11.5f, 13f, 14.5f, 19f, 20.5f, 22f};
        for (int i = 0; i < 9; i++) {
            assertEquals(expected[i], SUMS_K3_S2_P1[i] / COUNTS_K3_S2_P1[i]);
        }
        assertBits(expected, pool(oneTo(5, 5), attrs(3, 2, 1, false, false, null)));
    }

    @Test
    void divisorIsClippedAtTheEndOfThePaddingEvenWithCountIncludePad() {
        // 4x4 ones, k=3, s=2, p=1, ceil: 3 windows per dimension, rows -1..1, 1..3, 3..5.
        // Per dimension the window counts 3, 3, 2 cells inside [-1, 5) and 2, 3, 1 input cells.
        Tensor ones = Tensor.full(Shape.of(1, 1, 4, 4), 1f);
        int[] pool = {3, 3, 2};
        int[] valid = {2, 3, 1};
        float[] included = new float[9];
        float[] excluded = new float[9];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                included[i * 3 + j] = (float) (valid[i] * valid[j]) / (pool[i] * pool[j]);
                excluded[i * 3 + j] = 1f;
            }
        }
        assertEquals(0.25f, included[8]);
        assertBits(included, pool(ones, attrs(3, 2, 1, true, true, null)));
        assertBits(excluded, pool(ones, attrs(3, 2, 1, true, false, null)));
    }

    @Test
    void divisorOverride() {
        Tensor x = plane(4, 4, 1, 3, 2, 4, 5, 6, 1, 2, 7, 2, 3, 1, 4, 8, 5, 6);
        assertBits(new float[] {15, 9, 21, 15}, pool(x, AvgPool2dAttrs.of(2).withDivisorOverride(1)));
        assertBits(new float[] {5, 3, 7, 5}, pool(x, AvgPool2dAttrs.of(2).withDivisorOverride(3)));
    }

    @Test
    void negativeDivisorOverrideNegatesTheSum() {
        Tensor x = plane(4, 4, 1, 3, 2, 4, 5, 6, 1, 2, 7, 2, 3, 1, 4, 8, 5, 6);
        assertBits(new float[] {-15, -9, -21, -15}, pool(x, AvgPool2dAttrs.of(2).withDivisorOverride(-1)));
    }

    @Test
    void divisorOverrideWinsOverCountIncludePad() {
        // the k3 s2 p1 case: every window divided by 2 whatever count_include_pad says
        float[] expected = new float[9];
        for (int i = 0; i < 9; i++) {
            expected[i] = SUMS_K3_S2_P1[i] / 2f;
        }
        assertBits(expected, pool(oneTo(5, 5), attrs(3, 2, 1, false, true, 2)));
        assertBits(expected, pool(oneTo(5, 5), attrs(3, 2, 1, false, false, 2)));
    }

    @Test
    void divisionIsATrueDivision() {
        // 1/3 is rounded: 5 * (1/3f) differs from 5 / 3f; PyTorch divides
        Tensor x = plane(1, 3, 1, 2, 2);
        assertTrue(5f / 3 != 5f * (1f / 3), "the example must distinguish the two");
        assertBits(new float[] {5f / 3}, pool(x, new AvgPool2dAttrs(HW.of(1, 3), null, HW.of(0), false, true, null)));
    }

    @Test
    void nanAndInfinityPropagate() {
        Tensor x = plane(2, 4, 1, Float.NaN, 1, Float.POSITIVE_INFINITY, 1, 1, 1, 1);
        Tensor y = pool(x, AvgPool2dAttrs.of(2));
        assertTrue(Float.isNaN(y.getFlat(0)));
        assertEquals(Float.POSITIVE_INFINITY, y.getFlat(1));
    }

    @Test
    void strideDefaultsToKernel() {
        Tensor x = oneTo(7, 6);
        AvgPool2dAttrs implicit = new AvgPool2dAttrs(HW.of(3, 2), null, HW.of(1), false, true, null);
        AvgPool2dAttrs explicit = new AvgPool2dAttrs(HW.of(3, 2), HW.of(3, 2), HW.of(1), false, true, null);
        assertEquals(Shape.of(1, 1, 3, 4), pool(x, implicit).shape());
        assertEquals(pool(x, explicit), pool(x, implicit));
    }

    @Test
    void unbatchedInput() {
        Tensor x = gaussian(new Random(1), 1, 3, 5, 6);
        AvgPool2dAttrs a = attrs(2, 2, 1, true, false, null);
        Tensor unbatched = pool(x.reshape(3, 5, 6), a);
        assertEquals(Shape.of(3, 3, 4), unbatched.shape());
        assertEquals(pool(x, a).reshape(3, 3, 4), unbatched);
    }

    @Test
    void emptyBatch() {
        assertEquals(Shape.of(0, 3, 2, 2), pool(Tensor.zeros(0, 3, 5, 5), AvgPool2dAttrs.of(2)).shape());
    }

    @Test
    void inputIsNotWritten() {
        Tensor x = gaussian(new Random(2), 2, 2, 7, 7);
        InputsUnchanged input = InputsUnchanged.snapshot(x);
        pool(x, attrs(3, 2, 1, true, false, null));
        input.assertDataUnchanged();
    }

    @Test
    void matchesBruteForceBitForBitOverAGridOfConfigurations() {
        Random rnd = new Random(7);
        int checked = 0;
        int[][] kernels = {{1, 1}, {2, 2}, {3, 3}, {3, 2}, {1, 3}};
        int[][] strides = {{1, 1}, {2, 2}, {3, 2}};
        int[][] pads = {{0, 0}, {1, 1}, {1, 0}};
        Integer[] divisors = {null, 3, -2};
        for (int h : new int[] {1, 4, 5, 7}) {
            for (int w : new int[] {2, 5, 6}) {
                for (int[] k : kernels) {
                    for (int[] s : strides) {
                        for (int[] p : pads) {
                            if (p[0] > k[0] / 2 || p[1] > k[1] / 2) {
                                continue;
                            }
                            for (boolean ceil : new boolean[] {false, true}) {
                                for (boolean cip : new boolean[] {false, true}) {
                                    for (Integer div : divisors) {
                                        AvgPool2dAttrs a = new AvgPool2dAttrs(HW.of(k[0], k[1]), HW.of(s[0], s[1]),
                                                HW.of(p[0], p[1]), ceil, cip, div);
                                        Tensor x = gaussian(rnd, 2, 2, h, w);
                                        Tensor y = OutputSizeTooSmall.resultOrNull(() -> pool(x, a));
                                        if (y == null) {
                                            continue;
                                        }
                                        assertBits(bruteForce(x, a, y.dim(2), y.dim(3)), y);
                                        checked++;
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        assertTrue(checked > 1000, "configurations checked: " + checked);
    }

    /**
     * Brute force by kernel taps: tap (i, j) of output (oh, ow) sits at (oh*s - p + i, ow*s - p + j).
     * It counts in the padded window if it lies before the end of the padding (H + p, W + p), and is
     * summed (in tap order, i.e. row-major) if it lies inside the input.
     */
    private static float[] bruteForce(Tensor x, AvgPool2dAttrs a, int oh, int ow) {
        int n = x.dim(0), c = x.dim(1), h = x.dim(2), w = x.dim(3);
        int kh = a.kernel().h(), kw = a.kernel().w();
        float[] y = new float[n * c * oh * ow];
        int o = 0;
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        float sum = 0f;
                        int inWindow = 0;
                        int inInput = 0;
                        for (int ti = 0; ti < kh; ti++) {
                            for (int tj = 0; tj < kw; tj++) {
                                int r = i * a.stride().h() - a.padding().h() + ti;
                                int col = j * a.stride().w() - a.padding().w() + tj;
                                if (r >= h + a.padding().h() || col >= w + a.padding().w()) {
                                    continue;
                                }
                                inWindow++;
                                if (r >= 0 && r < h && col >= 0 && col < w) {
                                    inInput++;
                                    sum += x.get(b, ch, r, col);
                                }
                            }
                        }
                        int divisor = a.divisorOverride() != null ? a.divisorOverride() : a.countIncludePad() ? inWindow : inInput;
                        y[o++] = sum / divisor;
                    }
                }
            }
        }
        return y;
    }
}
