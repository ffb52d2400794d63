package io.opsgi.kernel.maxpool2d.direct;

import static io.opsgi.testing.TensorAsserts.assertBits;
import static io.opsgi.testing.TestTensors.plane;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opsgi.op.HW;
import io.opsgi.op.MaxPool2d;
import io.opsgi.op.MaxPool2dAttrs;
import io.opsgi.op.Pooled;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import io.opsgi.testing.InputsUnchanged;
import io.opsgi.testing.OutputSizeTooSmall;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * max_pool2d through the contract (OPERATOR-SEMANTICS §3). Expected values are hand-computed or
 * come from a tap-by-tap brute force below; max pooling is bit-exact in PyTorch, so equality is exact.
 */
class DirectMaxPool2dTest {
    private static final float NAN = Float.NaN;
    private static final float NEG_INF = Float.NEGATIVE_INFINITY;
    private final DirectMaxPool2d kernel = new DirectMaxPool2d();

    private static Tensor iota(int n, int c, int h, int w) {
        float[] v = new float[n * c * h * w];
        for (int i = 0; i < v.length; i++) {
            v[i] = i;
        }
        return Tensor.of(Shape.of(n, c, h, w), v);
    }

    private Pooled pool(Tensor x, MaxPool2dAttrs a) {
        return MaxPool2d.applyWithIndices(kernel, x, a);
    }

    @Test
    void workedExample2x2() {
        Tensor x = plane(4, 4, 1, 3, 2, 4, 5, 6, 1, 2, 7, 2, 3, 1, 4, 8, 5, 6);
        Pooled r = pool(x, MaxPool2dAttrs.of(2));
        assertEquals(Shape.of(1, 1, 2, 2), r.output().shape());
        assertBits(new float[] {6, 4, 8, 6}, r.output());
        // 6 at (1,1), 4 at (0,3), 8 at (3,1), 6 at (3,3)
        assertArrayEquals(new long[] {5, 3, 13, 15}, r.indices().toArray());
    }

    @Test
    void withoutIndicesGivesTheSameOutput() {
        Tensor x = iota(2, 3, 6, 7);
        MaxPool2dAttrs a = new MaxPool2dAttrs(HW.of(3), HW.of(2), HW.of(1), HW.of(1), true);
        assertEquals(pool(x, a).output(), MaxPool2d.apply(kernel, x, a));
    }

    @Test
    void ceilDropsWindowStartingInRightPadding_H5k3s3p1() {
        // naive ceil gives 3 outputs; the third window would start at row 5 = H, inside the right padding
        Pooled r = pool(iota(1, 1, 5, 5), new MaxPool2dAttrs(HW.of(3), HW.of(3), HW.of(1), HW.of(1), true));
        assertEquals(Shape.of(1, 1, 2, 2), r.output().shape());
        // windows: rows {0,1} / {2,3,4}, same for columns; value = 5r + c
        assertBits(new float[] {6, 9, 21, 24}, r.output());
        assertArrayEquals(new long[] {6, 9, 21, 24}, r.indices().toArray());
    }

    @Test
    void ceilDropsWindowStartingInRightPadding_H3k2s2p1() {
        Pooled r = pool(iota(1, 1, 3, 3), new MaxPool2dAttrs(HW.of(2), HW.of(2), HW.of(1), HW.of(1), true));
        assertEquals(Shape.of(1, 1, 2, 2), r.output().shape());
        // windows: rows {0} / {1,2}, same for columns; value = 3r + c
        assertBits(new float[] {0, 2, 6, 8}, r.output());
        assertArrayEquals(new long[] {0, 2, 6, 8}, r.indices().toArray());
    }

    @Test
    void ceilDropsWindowStartingInRightPadding_H1k2s2p1() {
        Pooled r = pool(plane(1, 1, 7), new MaxPool2dAttrs(HW.of(2), HW.of(2), HW.of(1), HW.of(1), true));
        assertEquals(Shape.of(1, 1, 1, 1), r.output().shape());
        assertBits(new float[] {7}, r.output());
        assertArrayEquals(new long[] {0}, r.indices().toArray());
    }

    @Test
    void nanPropagates() {
        Pooled r = pool(plane(2, 2, 1, NAN, 3, 2), MaxPool2dAttrs.of(2));
        assertTrue(Float.isNaN(r.output().getFlat(0)));
        assertArrayEquals(new long[] {1}, r.indices().toArray());
    }

    @Test
    void nanIndexIsTheLastNan() {
        Pooled r = pool(plane(2, 2, NAN, 5, 3, NAN), MaxPool2dAttrs.of(2));
        assertTrue(Float.isNaN(r.output().getFlat(0)));
        assertArrayEquals(new long[] {3}, r.indices().toArray());
    }

    @Test
    void nanAfterLargerValueStillWins() {
        Pooled r = pool(plane(1, 4, 9, NAN, 100, 1), new MaxPool2dAttrs(HW.of(1, 4), null, HW.of(0), HW.of(1), false));
        assertTrue(Float.isNaN(r.output().getFlat(0)));
        assertArrayEquals(new long[] {1}, r.indices().toArray());
    }

    @Test
    void tiesKeepTheFirstIndex() {
        assertArrayEquals(new long[] {0}, pool(plane(2, 2, 1, 1, 1, 1), MaxPool2dAttrs.of(2)).indices().toArray());
        assertArrayEquals(new long[] {1}, pool(plane(2, 2, 1, 3, 3, 1), MaxPool2dAttrs.of(2)).indices().toArray());
        // -0.0 and 0.0 are equal: the first one is kept, with its sign
        Pooled z = pool(plane(1, 2, -0f, 0f), new MaxPool2dAttrs(HW.of(1, 2), null, HW.of(0), HW.of(1), false));
        assertBits(new float[] {-0f}, z.output());
        assertArrayEquals(new long[] {0}, z.indices().toArray());
    }

    @Test
    void overlappingWindowTies() {
        Pooled r = pool(plane(1, 3, 5, 5, 5), new MaxPool2dAttrs(HW.of(1, 2), HW.of(1), HW.of(0), HW.of(1), false));
        assertBits(new float[] {5, 5}, r.output());
        assertArrayEquals(new long[] {0, 1}, r.indices().toArray());
    }

    @Test
    void allNegativeInfinityWindow() {
        Pooled r = pool(plane(2, 2, NEG_INF, NEG_INF, NEG_INF, NEG_INF), MaxPool2dAttrs.of(2));
        assertBits(new float[] {NEG_INF}, r.output());
        assertArrayEquals(new long[] {0}, r.indices().toArray());
    }

    @Test
    void allNegativeInfinityWithPaddingPointsAtFirstValidElement() {
        Pooled r = pool(plane(2, 2, NEG_INF, NEG_INF, NEG_INF, NEG_INF),
                new MaxPool2dAttrs(HW.of(2), HW.of(1), HW.of(1), HW.of(1), false));
        assertEquals(Shape.of(1, 1, 3, 3), r.output().shape());
        assertBits(new float[] {NEG_INF, NEG_INF, NEG_INF, NEG_INF, NEG_INF, NEG_INF, NEG_INF, NEG_INF, NEG_INF}, r.output());
        // window (i, j) covers rows i-1..i and columns j-1..j; its first valid element is (max(i-1,0), max(j-1,0))
        assertArrayEquals(new long[] {0, 0, 1, 0, 0, 1, 2, 2, 3}, r.indices().toArray());
    }

    @Test
    void paddingIsNeverSelected() {
        // x[r][c] = -(3r + c + 1); the 3x3 window around (i, j) holds the clipped neighbourhood,
        // whose maximum is its top-left element
        float[] v = new float[9];
        for (int i = 0; i < 9; i++) {
            v[i] = -(i + 1);
        }
        Pooled r = pool(plane(3, 3, v), new MaxPool2dAttrs(HW.of(3), HW.of(1), HW.of(1), HW.of(1), false));
        assertBits(new float[] {-1, -1, -2, -1, -1, -2, -4, -4, -5}, r.output());
        assertArrayEquals(new long[] {0, 0, 1, 0, 0, 1, 3, 3, 4}, r.indices().toArray());
    }

    @Test
    void dilation() {
        // 4x4 of 0..15, k=2, d=2, s=1: window (i,j) reads rows i, i+2 and columns j, j+2
        Pooled r = pool(iota(1, 1, 4, 4), new MaxPool2dAttrs(HW.of(2), HW.of(1), HW.of(0), HW.of(2), false));
        assertBits(new float[] {10, 11, 14, 15}, r.output());
        assertArrayEquals(new long[] {10, 11, 14, 15}, r.indices().toArray());
    }

    @Test
    void dilationWithPaddingStepsIntoTheInput() {
        // 1x5 row, k=(1,3), d=2, p=(0,1), s=1: window j reads columns j-1, j+1, j+3
        Pooled r = pool(plane(1, 5, 4, 0, 3, 1, 2), new MaxPool2dAttrs(HW.of(1, 3), HW.of(1), HW.of(0, 1), HW.of(2), false));
        assertEquals(Shape.of(1, 1, 1, 3), r.output().shape());
        // j=0: cols 1, 3 -> max(0, 1) = 1 at 3; j=1: cols 0, 2, 4 -> 4 at 0; j=2: cols 1, 3 -> 1 at 3
        assertBits(new float[] {1, 4, 1}, r.output());
        assertArrayEquals(new long[] {3, 0, 3}, r.indices().toArray());
    }

    @Test
    void emptyDilatedCeilWindowGivesNegativeInfinityAndOutOfRangeIndex() {
        // PyTorch quirk (§3): input 1x1, k=2, s=2, p=1, d=3, ceil -> -inf with index 4
        Pooled r = pool(plane(1, 1, 5), new MaxPool2dAttrs(HW.of(2), HW.of(2), HW.of(1), HW.of(3), true));
        assertBits(new float[] {NEG_INF}, r.output());
        assertArrayEquals(new long[] {4}, r.indices().toArray());
    }

    @Test
    void strideDefaultsToKernel() {
        Tensor x = iota(1, 2, 7, 6);
        MaxPool2dAttrs implicit = new MaxPool2dAttrs(HW.of(3, 2), null, HW.of(1), HW.of(1), false);
        MaxPool2dAttrs explicit = new MaxPool2dAttrs(HW.of(3, 2), HW.of(3, 2), HW.of(1), HW.of(1), false);
        assertEquals(pool(x, explicit).output(), pool(x, implicit).output());
        assertEquals(pool(x, explicit).indices(), pool(x, implicit).indices());
        assertEquals(Shape.of(1, 2, 3, 4), pool(x, implicit).output().shape());
    }

    @Test
    void unbatchedInput() {
        Tensor x = randomInput(new Random(3), 1, 3, 5, 6);
        MaxPool2dAttrs a = new MaxPool2dAttrs(HW.of(2), HW.of(2), HW.of(1), HW.of(1), true);
        Pooled batched = pool(x, a);
        Pooled unbatched = pool(x.reshape(3, 5, 6), a);
        assertEquals(Shape.of(3, 3, 4), unbatched.output().shape());
        assertEquals(batched.output().reshape(3, 3, 4), unbatched.output());
        assertEquals(batched.indices().reshape(Shape.of(3, 3, 4)), unbatched.indices());
    }

    @Test
    void emptyBatch() {
        Pooled r = pool(Tensor.zeros(0, 3, 5, 5), MaxPool2dAttrs.of(2));
        assertEquals(Shape.of(0, 3, 2, 2), r.output().shape());
        assertEquals(Shape.of(0, 3, 2, 2), r.indices().shape());
    }

    @Test
    void indicesArePerPlane() {
        Pooled r = pool(iota(2, 3, 4, 4), MaxPool2dAttrs.of(4));
        // every plane's maximum is its last element, offset 15 within the plane
        assertArrayEquals(new long[] {15, 15, 15, 15, 15, 15}, r.indices().toArray());
        assertBits(new float[] {15, 31, 47, 63, 79, 95}, r.output());
    }

    @Test
    void inputIsNotWritten() {
        Tensor x = randomInput(new Random(5), 2, 2, 7, 7);
        InputsUnchanged input = InputsUnchanged.snapshot(x);
        pool(x, new MaxPool2dAttrs(HW.of(3), HW.of(2), HW.of(1), HW.of(2), true));
        input.assertDataUnchanged();
    }

    @Test
    void matchesBruteForceOverAGridOfConfigurations() {
        Random rnd = new Random(42);
        int checked = 0;
        int[][] kernels = {{1, 1}, {2, 2}, {3, 3}, {2, 3}, {3, 1}};
        for (int h = 1; h <= 7; h += 2) {
            for (int w : new int[] {1, 4, 6}) {
                for (int[] k : kernels) {
                    for (int s = 1; s <= 3; s++) {
                        for (int p = 0; p <= 1; p++) {
                            for (int d = 1; d <= 2; d++) {
                                for (boolean ceil : new boolean[] {false, true}) {
                                    if (p > k[0] / 2 || p > k[1] / 2) {
                                        continue;
                                    }
                                    MaxPool2dAttrs a = new MaxPool2dAttrs(HW.of(k[0], k[1]), HW.of(s, s + 1 - s % 2), HW.of(p),
                                            HW.of(d, 3 - d), ceil);
                                    Tensor x = randomInput(rnd, 2, 3, h, w);
                                    Pooled r = OutputSizeTooSmall.resultOrNull(() -> pool(x, a));
                                    if (r == null) {
                                        continue;
                                    }
                                    if (compareWithBruteForce(x, a, r)) {
                                        checked++;
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        assertTrue(checked > 300, "configurations checked: " + checked);
    }

    /** Inputs with ties (small integers), some NaN and -inf. */
    private static Tensor randomInput(Random rnd, int n, int c, int h, int w) {
        float[] v = new float[n * c * h * w];
        for (int i = 0; i < v.length; i++) {
            int roll = rnd.nextInt(40);
            v[i] = roll == 0 ? NAN : roll == 1 ? NEG_INF : roll < 20 ? rnd.nextInt(5) - 2 : (float) rnd.nextGaussian();
        }
        return Tensor.of(Shape.of(n, c, h, w), v);
    }

    /**
     * Brute force by kernel taps: tap (i, j) of output (oh, ow) reads (oh*s - p + i*d, ow*s - p + j*d)
     * when inside the input. The result is the last NaN among the taps if any, otherwise the first tap
     * holding the largest value (-inf windows: the first tap). Returns false, checking nothing, for
     * configurations with a window that has no tap inside the input (§3: keep them out of conformance).
     */
    private static boolean compareWithBruteForce(Tensor x, MaxPool2dAttrs a, Pooled r) {
        int n = x.dim(0), c = x.dim(1), h = x.dim(2), w = x.dim(3);
        int oh = r.output().dim(2), ow = r.output().dim(3);
        int kh = a.kernel().h(), kw = a.kernel().w();
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        float best = 0;
                        long bestIdx = -1;
                        long lastNan = -1;
                        for (int ti = 0; ti < kh; ti++) {
                            for (int tj = 0; tj < kw; tj++) {
                                int y = i * a.stride().h() - a.padding().h() + ti * a.dilation().h();
                                int z = j * a.stride().w() - a.padding().w() + tj * a.dilation().w();
                                if (y < 0 || y >= h || z < 0 || z >= w) {
                                    continue;
                                }
                                float v = x.get(b, ch, y, z);
                                if (Float.isNaN(v)) {
                                    lastNan = (long) y * w + z;
                                } else if (bestIdx < 0 || v > best) {
                                    best = v;
                                    bestIdx = (long) y * w + z;
                                }
                            }
                        }
                        if (bestIdx < 0 && lastNan < 0) {
                            return false;
                        }
                        float got = r.output().get(b, ch, i, j);
                        long gotIdx = r.indices().getFlat(((b * c + ch) * oh + i) * ow + j);
                        String where = a + " input " + x.shape() + " at " + b + "," + ch + "," + i + "," + j;
                        if (lastNan >= 0) {
                            assertTrue(Float.isNaN(got), where);
                            assertEquals(lastNan, gotIdx, where);
                        } else {
                            assertEquals(Float.floatToIntBits(best), Float.floatToIntBits(got), where);
                            assertEquals(bestIdx, gotIdx, where);
                        }
                    }
                }
            }
        }
        return true;
    }
}
