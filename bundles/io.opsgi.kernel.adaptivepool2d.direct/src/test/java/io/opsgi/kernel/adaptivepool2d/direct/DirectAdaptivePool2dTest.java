package io.opsgi.kernel.adaptivepool2d.direct;

import static io.opsgi.testing.TensorAsserts.assertBits;
import static io.opsgi.testing.TestTensors.gaussian;
import static io.opsgi.testing.TestTensors.plane;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opsgi.op.AdaptivePool2d;
import io.opsgi.op.Pooled;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import io.opsgi.testing.InputsUnchanged;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * adaptive_avg_pool2d, adaptive_max_pool2d and global pooling through the contract
 * (OPERATOR-SEMANTICS §5). Adaptive pools are bit-exact in PyTorch 1.13 (sequential float sum, then
 * {@code sum / kh / kw}), except global average pooling, which PyTorch computes as {@code mean}.
 */
class DirectAdaptivePool2dTest {
    private static final float NAN = Float.NaN;
    private final DirectAdaptivePool2d kernel = new DirectAdaptivePool2d();

    @Test
    void workedExample2x2() {
        Tensor x = plane(4, 4, 1, 3, 2, 4, 5, 6, 1, 2, 7, 2, 3, 1, 4, 8, 5, 6);
        assertBits(new float[] {3.75f, 2.25f, 5.25f, 3.75f}, AdaptivePool2d.avg(kernel, x, 2, 2));
        Pooled m = AdaptivePool2d.max(kernel, x, 2, 2);
        assertBits(new float[] {6, 4, 8, 6}, m.output());
        assertArrayEquals(new long[] {5, 3, 13, 15}, m.indices().toArray());
    }

    @Test
    void unevenWindowsOverlap() {
        // H=5 -> 3: rows [0,2), [1,4), [3,5); W=1 -> 1
        Tensor x = plane(5, 1, 1, 2, 3, 4, 5);
        assertBits(new float[] {3f / 2 / 1, 9f / 3 / 1, 9f / 2 / 1}, AdaptivePool2d.avg(kernel, x, 3, 1));
        Pooled m = AdaptivePool2d.max(kernel, x, 3, 1);
        assertBits(new float[] {2, 4, 5}, m.output());
        assertArrayEquals(new long[] {1, 3, 4}, m.indices().toArray());
    }

    @Test
    void outputLargerThanInputRepeatsWindows() {
        // H=2 -> 3: rows [0,1), [0,2), [1,2); same for columns
        Tensor x = plane(2, 2, 1, 2, 3, 4);
        assertBits(new float[] {1, 1.5f, 2, 2, 2.5f, 3, 3, 3.5f, 4}, AdaptivePool2d.avg(kernel, x, 3, 3));
        Pooled m = AdaptivePool2d.max(kernel, x, 3, 3);
        assertBits(new float[] {1, 2, 2, 3, 4, 4, 3, 4, 4}, m.output());
        assertArrayEquals(new long[] {0, 1, 1, 2, 3, 3, 2, 3, 3}, m.indices().toArray());
    }

    @Test
    void nullOutputSizeKeepsThatDimension() {
        Tensor x = plane(3, 4, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
        Tensor y = AdaptivePool2d.avg(kernel, x, null, 2);
        assertEquals(Shape.of(1, 1, 3, 2), y.shape());
        assertBits(new float[] {1.5f, 3.5f, 5.5f, 7.5f, 9.5f, 11.5f}, y);
        Pooled m = AdaptivePool2d.max(kernel, x, 1, null);
        assertEquals(Shape.of(1, 1, 1, 4), m.output().shape());
        assertBits(new float[] {9, 10, 11, 12}, m.output());
        assertArrayEquals(new long[] {8, 9, 10, 11}, m.indices().toArray());
        // both null: the identity, with each element its own index
        Pooled id = AdaptivePool2d.max(kernel, x, null, null);
        assertEquals(x, id.output());
        assertArrayEquals(new long[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, id.indices().toArray());
        assertEquals(x, AdaptivePool2d.avg(kernel, x, null, null));
    }

    @Test
    void zeroOutputSizeGivesAnEmptyTensor() {
        assertEquals(Shape.of(1, 1, 0, 2), AdaptivePool2d.avg(kernel, plane(2, 2, 1, 2, 3, 4), 0, 2).shape());
        assertEquals(Shape.of(1, 1, 0, 0), AdaptivePool2d.max(kernel, plane(2, 2, 1, 2, 3, 4), 0, 0).output().shape());
    }

    @Test
    void maxNanPropagatesWithTheLastNanIndex() {
        Tensor x = plane(2, 4, 1, NAN, 3, 2, NAN, 0, 5, 1);
        Pooled whole = AdaptivePool2d.max(kernel, x, 1, 1);
        assertTrue(Float.isNaN(whole.output().getFlat(0)));
        assertArrayEquals(new long[] {4}, whole.indices().toArray());
        Pooled halves = AdaptivePool2d.max(kernel, x, 1, 2);
        assertTrue(Float.isNaN(halves.output().getFlat(0)));
        assertEquals(5f, halves.output().getFlat(1));
        assertArrayEquals(new long[] {4, 6}, halves.indices().toArray());
        assertTrue(Float.isNaN(AdaptivePool2d.avg(kernel, x, 1, 2).getFlat(0)));
    }

    @Test
    void maxTiesKeepTheFirstIndex() {
        assertArrayEquals(new long[] {0}, AdaptivePool2d.max(kernel, Tensor.full(Shape.of(1, 1, 2, 2), 1f), 1, 1).indices().toArray());
        assertArrayEquals(new long[] {1}, AdaptivePool2d.max(kernel, plane(2, 2, 1, 3, 3, 1), 1, 1).indices().toArray());
    }

    @Test
    void maxAllNegativeInfinity() {
        float ninf = Float.NEGATIVE_INFINITY;
        Pooled m = AdaptivePool2d.max(kernel, plane(2, 2, ninf, ninf, ninf, ninf), 1, 1);
        assertBits(new float[] {ninf}, m.output());
        assertArrayEquals(new long[] {0}, m.indices().toArray());
    }

    @Test
    void averageDividesTwice() {
        // sum / kh / kw, not sum / (kh * kw): for the sum 5 over a 3x3 window the two differ
        Tensor x = plane(3, 3, 1, 0, 1, 0, 1, 0, 1, 0, 1);
        assertTrue(5f / 3 / 3 != 5f / 9, "the example must distinguish the two");
        assertBits(new float[] {5f / 3 / 3}, AdaptivePool2d.avg(kernel, x, 1, 1));
        assertBits(new float[] {5f / 3 / 3}, AdaptivePool2d.globalAvg(kernel, x));
    }

    @Test
    void globalAverageIsTheMeanWithinFloatTolerance() {
        // PyTorch 1.13 answers (1, 1) with x.mean((-1, -2)), a different summation order: compare with
        // the float64 mean under assert_close's float32 default (rtol 1.3e-6, atol 1e-5).
        Random rnd = new Random(11);
        Tensor x = gaussian(rnd, 2, 3, 13, 17);
        Tensor y = AdaptivePool2d.globalAvg(kernel, x);
        assertEquals(Shape.of(2, 3, 1, 1), y.shape());
        for (int p = 0; p < 6; p++) {
            double mean = 0;
            for (int i = 0; i < 13 * 17; i++) {
                mean += x.getFlat(p * 13 * 17 + i);
            }
            mean /= 13 * 17;
            assertEquals(mean, y.getFlat(p), 1e-5 + 1.3e-6 * Math.abs(mean), "plane " + p);
        }
        assertEquals(AdaptivePool2d.avg(kernel, x, 1, 1), y);
    }

    @Test
    void globalMax() {
        Tensor x = Tensor.of(Shape.of(1, 2, 2, 3), 4, 9, 1, 9, 0, 2, -5, -1, -3, -2, -1, -7);
        Pooled m = AdaptivePool2d.globalMax(kernel, x);
        assertEquals(Shape.of(1, 2, 1, 1), m.output().shape());
        assertBits(new float[] {9, -1}, m.output());
        assertArrayEquals(new long[] {1, 1}, m.indices().toArray());
    }

    @Test
    void unbatchedInput() {
        Tensor x = gaussian(new Random(12), 1, 3, 5, 7);
        Tensor y = AdaptivePool2d.avg(kernel, x.reshape(3, 5, 7), 3, 4);
        assertEquals(Shape.of(3, 3, 4), y.shape());
        assertEquals(AdaptivePool2d.avg(kernel, x, 3, 4).reshape(3, 3, 4), y);
        Pooled m = AdaptivePool2d.max(kernel, x.reshape(3, 5, 7), 3, 4);
        Pooled mb = AdaptivePool2d.max(kernel, x, 3, 4);
        assertEquals(mb.output().reshape(3, 3, 4), m.output());
        assertEquals(mb.indices().reshape(Shape.of(3, 3, 4)), m.indices());
    }

    @Test
    void emptyBatch() {
        assertEquals(Shape.of(0, 3, 2, 2), AdaptivePool2d.avg(kernel, Tensor.zeros(0, 3, 5, 5), 2, 2).shape());
        assertEquals(Shape.of(0, 3, 2, 2), AdaptivePool2d.max(kernel, Tensor.zeros(0, 3, 5, 5), 2, 2).indices().shape());
        assertEquals(Shape.of(0, 3, 1, 1), AdaptivePool2d.globalAvg(kernel, Tensor.zeros(0, 3, 5, 5)).shape());
    }

    @Test
    void inputIsNotWritten() {
        Tensor x = gaussian(new Random(13), 2, 2, 7, 5);
        InputsUnchanged input = InputsUnchanged.snapshot(x);
        AdaptivePool2d.avg(kernel, x, 3, 4);
        AdaptivePool2d.max(kernel, x, 9, 2);
        AdaptivePool2d.globalAvg(kernel, x);
        AdaptivePool2d.globalMax(kernel, x);
        input.assertDataUnchanged();
    }

    @Test
    void matchesBruteForceBitForBitOverAGridOfShapes() {
        // the grid of the semantics script t_adaptive.py, including outputs larger than the input
        Random rnd = new Random(14);
        int checked = 0;
        for (int h : new int[] {1, 3, 5, 7, 10}) {
            for (int w : new int[] {2, 5, 8}) {
                for (int oh : new int[] {1, 2, 3, 4, 7, 11}) {
                    for (int ow : new int[] {1, 3, 5, 9}) {
                        Tensor x = randomWithTiesAndNans(rnd, 2, 3, h, w);
                        Tensor avg = AdaptivePool2d.avg(kernel, x, oh, ow);
                        Pooled max = AdaptivePool2d.max(kernel, x, oh, ow);
                        compareWithBruteForce(x, oh, ow, avg, max);
                        checked++;
                    }
                }
            }
        }
        assertEquals(360, checked);
    }

    private static Tensor randomWithTiesAndNans(Random rnd, int n, int c, int h, int w) {
        float[] v = new float[n * c * h * w];
        for (int i = 0; i < v.length; i++) {
            int roll = rnd.nextInt(60);
            v[i] = roll == 0 ? NAN : roll < 25 ? rnd.nextInt(5) - 2 : (float) rnd.nextGaussian();
        }
        return Tensor.of(Shape.of(n, c, h, w), v);
    }

    /**
     * Brute force from the definitions: output i covers [floor(i*H/OH), ceil((i+1)*H/OH)). avg is the
     * row-major float sum divided by the window height then by its width. max is the last NaN if the
     * window has one, else the first element equal to the window's maximum (found in a first pass).
     */
    private static void compareWithBruteForce(Tensor x, int oh, int ow, Tensor avg, Pooled max) {
        int n = x.dim(0), c = x.dim(1), h = x.dim(2), w = x.dim(3);
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < oh; i++) {
                    int r0 = Math.floorDiv(i * h, oh), r1 = -Math.floorDiv(-(i + 1) * h, oh);
                    for (int j = 0; j < ow; j++) {
                        int c0 = Math.floorDiv(j * w, ow), c1 = -Math.floorDiv(-(j + 1) * w, ow);
                        float sum = 0f;
                        float top = Float.NEGATIVE_INFINITY;
                        long lastNan = -1;
                        for (int r = r0; r < r1; r++) {
                            for (int col = c0; col < c1; col++) {
                                float v = x.get(b, ch, r, col);
                                sum += v;
                                if (Float.isNaN(v)) {
                                    lastNan = (long) r * w + col;
                                } else {
                                    top = Math.max(top, v);
                                }
                            }
                        }
                        long firstTop = -1;
                        for (int r = r0; r < r1 && firstTop < 0; r++) {
                            for (int col = c0; col < c1 && firstTop < 0; col++) {
                                if (x.get(b, ch, r, col) == top) {
                                    firstTop = (long) r * w + col;
                                }
                            }
                        }
                        String where = "input " + x.shape() + " -> (" + oh + ", " + ow + ") at " + b + "," + ch + "," + i + "," + j;
                        int o = ((b * c + ch) * oh + i) * ow + j;
                        float expectedAvg = sum / (r1 - r0) / (c1 - c0);
                        assertEquals(Float.floatToIntBits(expectedAvg), Float.floatToIntBits(avg.getFlat(o)), where);
                        if (lastNan >= 0) {
                            assertTrue(Float.isNaN(max.output().getFlat(o)), where);
                            assertEquals(lastNan, max.indices().getFlat(o), where);
                        } else {
                            float atFirstTop = x.getFlat((b * c + ch) * h * w + (int) firstTop);
                            assertEquals(Float.floatToIntBits(atFirstTop), Float.floatToIntBits(max.output().getFlat(o)), where);
                            assertEquals(firstTop, max.indices().getFlat(o), where);
                        }
                    }
                }
            }
        }
    }
}
