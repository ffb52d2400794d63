package io.opsgi.kernel.pool2d.vector;

import static io.opsgi.testing.TensorAsserts.assertBits;
import static io.opsgi.testing.TestTensors.plane;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opsgi.kernel.avgpool2d.direct.DirectAvgPool2d;
import io.opsgi.kernel.support.Parallel;
import io.opsgi.op.AvgPool2d;
import io.opsgi.op.AvgPool2dAttrs;
import io.opsgi.op.HW;
import io.opsgi.tensor.Tensor;
import io.opsgi.testing.InputsUnchanged;
import io.opsgi.testing.OutputSizeTooSmall;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The vector avg_pool2d against the reference kernel ({@link DirectAvgPool2d}), bit for bit, on
 * random geometries with every divisor rule (count_include_pad, divisor_override, windows clipped
 * by ceil_mode) and IEEE specials in the data.
 */
class VectorAvgPool2dTest {
    private final VectorAvgPool2d vector = new VectorAvgPool2d();
    private final DirectAvgPool2d reference = new DirectAvgPool2d();

    @Test
    void randomGeometriesMatchTheReferenceBitForBit() {
        Random r = new Random(97531);
        int compared = 0;
        for (int i = 0; i < 3000; i++) {
            HW k = HW.of(1 + r.nextInt(5), 1 + r.nextInt(5));
            HW s = HW.of(1 + r.nextInt(4), 1 + r.nextInt(4));
            HW p = HW.of(r.nextInt(k.h() / 2 + 1), r.nextInt(k.w() / 2 + 1));
            Integer divisor = r.nextInt(4) == 0 ? (r.nextBoolean() ? 1 : -1) * (1 + r.nextInt(9)) : null;
            AvgPool2dAttrs a = new AvgPool2dAttrs(k, s, p, r.nextBoolean(), r.nextBoolean(), divisor);
            Tensor x = PoolData.tensor(r, 1 + r.nextInt(2), 1 + r.nextInt(3), 1 + r.nextInt(24), 1 + r.nextInt(80), r.nextInt(12));
            Tensor expected = OutputSizeTooSmall.resultOrNull(() -> AvgPool2d.apply(reference, x, a));
            if (expected == null) {
                continue;
            }
            Tensor actual = AvgPool2d.apply(vector, x, a);
            int at = PoolData.firstDifference(expected, actual);
            assertEquals(-1, at, () -> a + " on " + x.shape() + ": element " + at + " is " + actual.getFlat(at) + ", expected "
                    + expected.getFlat(at));
            compared++;
        }
        assertTrue(compared > 2000, "only " + compared + " valid geometries");
    }

    /** The 2x2 stride-2 path (two rows at a time, the last vector of a row overlapping): every width from one vector of outputs up, odd heights, ceil mode. */
    @Test
    void twoByTwoWindowsAtEveryWidthMatchTheReferenceBitForBit() {
        Random r = new Random(2024);
        for (int w = 2 * RowTaps.L - 1; w <= 4 * RowTaps.L + 3; w++) {
            for (boolean ceil : new boolean[] {false, true}) {
                AvgPool2dAttrs a = AvgPool2dAttrs.of(2).withCeilMode(ceil);
                Tensor x = PoolData.tensor(r, 1, 2, 5 + r.nextInt(4), w, 6);
                int at = PoolData.firstDifference(AvgPool2d.apply(reference, x, a), AvgPool2d.apply(vector, x, a));
                int width = w;
                assertEquals(-1, at, () -> "k2s2 ceil=" + ceil + " on width " + width + ": element " + at);
            }
        }
    }

    @Test
    void benchmarkShapeMatchesTheReferenceOnTwoThreads() {
        int before = Parallel.threads();
        Parallel.setThreads(2);
        try {
            Tensor x = PoolData.tensor(new Random(11), 1, 16, 112, 112, 0);
            AvgPool2dAttrs a = AvgPool2dAttrs.of(2);
            int at = PoolData.firstDifference(AvgPool2d.apply(reference, x, a), AvgPool2d.apply(vector, x, a));
            assertEquals(-1, at, "k2s2, element " + at);
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void ceilClippedWindowDividesByTheClippedSizeEvenWithCountIncludePad() {
        // OPERATOR-SEMANTICS §4: 5x5 of 1..25, k=2, ceil: the last column window covers column 4 only.
        float[] v = new float[25];
        for (int i = 0; i < 25; i++) {
            v[i] = i + 1;
        }
        Tensor y = AvgPool2d.apply(vector, plane(5, 5, v), AvgPool2dAttrs.of(2).withCeilMode(true));
        assertEquals(7.5f, y.get(0, 0, 0, 2));
        assertEquals(25f, y.get(0, 0, 2, 2));
    }

    @Test
    void paddingCountsOnlyWithCountIncludePadAndNegativeOverrideNegates() {
        AvgPool2dAttrs k3p1 = new AvgPool2dAttrs(HW.of(3), HW.of(1), HW.of(1), false, true, null);
        Tensor x = plane(2, 2, 1, 2, 3, 4);
        assertBits(new float[] {10f / 9, 10f / 9, 10f / 9, 10f / 9}, AvgPool2d.apply(vector, x, k3p1));
        assertBits(new float[] {2.5f, 2.5f, 2.5f, 2.5f}, AvgPool2d.apply(vector, x, k3p1.withCountIncludePad(false)));
        assertBits(new float[] {-10f, -10f, -10f, -10f}, AvgPool2d.apply(vector, x, k3p1.withDivisorOverride(-1)));
    }

    @Test
    void zerosKeepTheReferencesSignAndNanPropagates() {
        // the reference's sum starts at +0, so a window of -0.0 averages to +0.0
        assertBits(new float[] {0f}, AvgPool2d.apply(vector, plane(2, 2, -0f, -0f, -0f, -0f), AvgPool2dAttrs.of(2)));
        assertBits(new float[] {Float.NaN}, AvgPool2d.apply(vector, plane(2, 2, 1, Float.NaN, 3, 4), AvgPool2dAttrs.of(2)));
        assertBits(new float[] {Float.NaN}, AvgPool2d.apply(vector,
                plane(2, 2, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 3, 4), AvgPool2dAttrs.of(2)));
    }

    @Test
    void inputIsNotWritten() {
        Tensor x = PoolData.tensor(new Random(5), 2, 3, 9, 37, 4);
        InputsUnchanged before = InputsUnchanged.snapshot(x);
        AvgPool2d.apply(vector, x, new AvgPool2dAttrs(HW.of(3), HW.of(2), HW.of(1), true, false, null));
        before.assertDataUnchanged();
    }
}
