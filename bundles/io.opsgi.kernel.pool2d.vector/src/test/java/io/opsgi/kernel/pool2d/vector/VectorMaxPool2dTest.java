package io.opsgi.kernel.pool2d.vector;

import static io.opsgi.testing.TensorAsserts.assertBits;
import static io.opsgi.testing.TestTensors.plane;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.opsgi.kernel.maxpool2d.direct.DirectMaxPool2d;
import io.opsgi.kernel.support.Parallel;
import io.opsgi.op.HW;
import io.opsgi.op.MaxPool2d;
import io.opsgi.op.MaxPool2dAttrs;
import io.opsgi.op.Pooled;
import io.opsgi.tensor.Tensor;
import io.opsgi.testing.InputsUnchanged;
import io.opsgi.testing.OutputSizeTooSmall;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The vector max_pool2d against the reference kernel ({@link DirectMaxPool2d}), bit for bit and
 * index for index, on random geometries that cross the vector width (16 outputs) and reach the
 * borders, and on the NaN / tie / signed-zero / empty-window rules of OPERATOR-SEMANTICS §3.
 */
class VectorMaxPool2dTest {
    private static final float NAN = Float.NaN;
    private static final float NEG_INF = Float.NEGATIVE_INFINITY;
    private final VectorMaxPool2d vector = new VectorMaxPool2d();
    private final DirectMaxPool2d reference = new DirectMaxPool2d();

    @Test
    void randomGeometriesMatchTheReferenceWithAndWithoutIndices() {
        Random r = new Random(20240611);
        int compared = 0;
        for (int i = 0; i < 3000; i++) {
            HW k = HW.of(1 + r.nextInt(5), 1 + r.nextInt(5));
            HW s = HW.of(1 + r.nextInt(4), 1 + r.nextInt(4));
            HW p = HW.of(r.nextInt(k.h() / 2 + 1), r.nextInt(k.w() / 2 + 1));
            HW d = r.nextInt(3) == 0 ? HW.of(1 + r.nextInt(3), 1 + r.nextInt(3)) : HW.of(1);
            MaxPool2dAttrs a = new MaxPool2dAttrs(k, s, p, d, r.nextBoolean());
            // special values in about 3 cases in 4 (ties, zeros, NaN, infinities), none in the rest
            Tensor x = PoolData.tensor(r, 1 + r.nextInt(2), 1 + r.nextInt(3), 1 + r.nextInt(24), 1 + r.nextInt(80), r.nextInt(4) == 0 ? 0 : 1 + r.nextInt(30));
            Pooled expected = OutputSizeTooSmall.resultOrNull(() -> MaxPool2d.applyWithIndices(reference, x, a));
            if (expected == null) {
                continue;
            }
            assertSame(expected, MaxPool2d.applyWithIndices(vector, x, a), a + " on " + x.shape());
            int at = PoolData.firstDifference(expected.output(), MaxPool2d.apply(vector, x, a));
            assertEquals(-1, at, () -> a + " on " + x.shape() + " without indices: element " + at);
            compared++;
        }
        assertTrue(compared > 2000, "only " + compared + " valid geometries");
    }

    /** 3x3 windows at stride 2 (the ResNet stem), values only: every width from one vector of outputs up, both paddings, ceil mode. */
    @Test
    void threeByThreeStrideTwoAtEveryWidthMatchesTheReference() {
        Random r = new Random(4242);
        for (int w = 2 * RowTaps.L - 2; w <= 4 * RowTaps.L + 3; w++) {
            for (int pad = 0; pad <= 1; pad++) {
                for (boolean ceil : new boolean[] {false, true}) {
                    MaxPool2dAttrs a = new MaxPool2dAttrs(HW.of(3), HW.of(2), HW.of(pad), HW.of(1), ceil);
                    Tensor x = PoolData.tensor(r, 1, 2, 6 + r.nextInt(4), w, 8);
                    int at = PoolData.firstDifference(MaxPool2d.apply(reference, x, a), MaxPool2d.apply(vector, x, a));
                    String what = "k3s2p" + pad + " ceil=" + ceil + " on width " + w;
                    assertEquals(-1, at, () -> what + ": element " + at);
                }
            }
        }
    }

    @Test
    void resnetStemPoolMatchesTheReferenceOnTwoThreads() {
        int before = Parallel.threads();
        Parallel.setThreads(2);
        try {
            Tensor x = PoolData.tensor(new Random(7), 1, 16, 112, 112, 50);
            MaxPool2dAttrs a = new MaxPool2dAttrs(HW.of(3), HW.of(2), HW.of(1), HW.of(1), false);
            assertSame(MaxPool2d.applyWithIndices(reference, x, a), MaxPool2d.applyWithIndices(vector, x, a), "k3s2p1");
            int at = PoolData.firstDifference(MaxPool2d.apply(reference, x, a), MaxPool2d.apply(vector, x, a));
            assertEquals(-1, at, "k3s2p1 values only, element " + at);
        } finally {
            Parallel.setThreads(before);
        }
    }

    /**
     * A relu's output: half the values +0.0, so most output rows have a +0.0 maximum, and a few -0.0 (relu keeps -0.0)
     * that must win a tie they come first in. The fast paths redo a row exactly only when its window rows hold a -0.0.
     */
    @Test
    void reluOutputsWithARareNegativeZeroMatchTheReference() {
        Random r = new Random(99);
        MaxPool2dAttrs[] attrs = {new MaxPool2dAttrs(HW.of(3), HW.of(2), HW.of(1), HW.of(1), false), MaxPool2dAttrs.of(2),
            new MaxPool2dAttrs(HW.of(3), HW.of(1), HW.of(1), HW.of(1), true)};
        for (int i = 0; i < 60; i++) {
            float[] v = new float[2 * 3 * 17 * 37];
            for (int j = 0; j < v.length; j++) {
                v[j] = r.nextBoolean() ? 0f : r.nextInt(4);
            }
            for (int j = 0; j < i % 4; j++) {
                v[r.nextInt(v.length)] = -0f;
            }
            Tensor x = Tensor.of(io.opsgi.tensor.Shape.of(2, 3, 17, 37), v);
            for (MaxPool2dAttrs a : attrs) {
                int at = PoolData.firstDifference(MaxPool2d.apply(reference, x, a), MaxPool2d.apply(vector, x, a));
                assertEquals(-1, at, () -> a + ", case " + r + ": element " + at);
            }
        }
    }

    @Test
    void nanPropagatesWithTheIndexOfTheLastNan() {
        Pooled r = MaxPool2d.applyWithIndices(vector, plane(2, 2, NAN, 5, 3, NAN), MaxPool2dAttrs.of(2));
        assertTrue(Float.isNaN(r.output().getFlat(0)));
        assertArrayEquals(new long[] {3}, r.indices().toArray());
        // a larger value after a NaN does not replace it
        Pooled later = MaxPool2d.applyWithIndices(vector, plane(1, 4, 9, NAN, 100, 1),
                new MaxPool2dAttrs(HW.of(1, 4), null, HW.of(0), HW.of(1), false));
        assertTrue(Float.isNaN(later.output().getFlat(0)));
        assertArrayEquals(new long[] {1}, later.indices().toArray());
    }

    @Test
    void tiesKeepTheFirstElementAndItsSignOfZero() {
        MaxPool2dAttrs row = new MaxPool2dAttrs(HW.of(1, 2), null, HW.of(0), HW.of(1), false);
        Pooled negFirst = MaxPool2d.applyWithIndices(vector, plane(1, 2, -0f, 0f), row);
        assertBits(new float[] {-0f}, negFirst.output());
        assertArrayEquals(new long[] {0}, negFirst.indices().toArray());
        Pooled posFirst = MaxPool2d.applyWithIndices(vector, plane(1, 2, 0f, -0f), row);
        assertBits(new float[] {0f}, posFirst.output());
        assertArrayEquals(new long[] {1}, MaxPool2d.applyWithIndices(vector, plane(2, 2, 1, 3, 3, 1), MaxPool2dAttrs.of(2)).indices().toArray());
        // without indices (the integer-key path, which must hand such rows to the exact one)
        assertBits(new float[] {-0f}, MaxPool2d.apply(vector, plane(1, 2, -0f, 0f), row));
        assertBits(new float[] {0f}, MaxPool2d.apply(vector, plane(1, 2, 0f, -0f), row));
        assertBits(new float[] {-0f, 0f, 0f}, MaxPool2d.apply(vector, plane(1, 6, -1, -0f, 0f, -0f, 0f, -2), row));
    }

    @Test
    void nanWithItsSignBitSetPropagatesWithoutIndices() {
        float negativeNan = Float.intBitsToFloat(0xffc00000);
        Tensor y = MaxPool2d.apply(vector, plane(2, 2, 5, negativeNan, Float.POSITIVE_INFINITY, NEG_INF), MaxPool2dAttrs.of(2));
        assertTrue(Float.isNaN(y.getFlat(0)));
        Tensor all = MaxPool2d.apply(vector, plane(1, 2, negativeNan, negativeNan), new MaxPool2dAttrs(HW.of(1, 2), null, HW.of(0), HW.of(1), false));
        assertTrue(Float.isNaN(all.getFlat(0)));
    }

    @Test
    void paddingIsNeverChosenAndAllMinusInfinityKeepsTheFirstValidIndex() {
        MaxPool2dAttrs k3p1 = new MaxPool2dAttrs(HW.of(3), HW.of(1), HW.of(1), HW.of(1), false);
        Pooled neg = MaxPool2d.applyWithIndices(vector, plane(2, 2, -5, -6, -7, -8), k3p1);
        assertBits(new float[] {-5, -5, -5, -5}, neg.output());
        Pooled inf = MaxPool2d.applyWithIndices(vector, plane(2, 2, NEG_INF, NEG_INF, NEG_INF, NEG_INF), k3p1);
        assertBits(new float[] {NEG_INF, NEG_INF, NEG_INF, NEG_INF}, inf.output());
        assertArrayEquals(new long[] {0, 0, 0, 0}, inf.indices().toArray());
    }

    @Test
    void windowWithNoValidElementGivesMinusInfinityAndTheReferencesIndex() {
        // OPERATOR-SEMANTICS §3: 1x1 input, k=2, s=2, p=1, d=3, ceil: -inf with the out-of-range index 4.
        MaxPool2dAttrs a = new MaxPool2dAttrs(HW.of(2), HW.of(2), HW.of(1), HW.of(3), true);
        Tensor x = plane(1, 1, 7);
        Pooled expected = MaxPool2d.applyWithIndices(reference, x, a);
        Pooled actual = MaxPool2d.applyWithIndices(vector, x, a);
        assertSame(expected, actual, "empty window");
        assertBits(new float[] {NEG_INF}, actual.output());
        assertArrayEquals(new long[] {4}, actual.indices().toArray());
    }

    @Test
    void inputIsNotWritten() {
        Tensor x = PoolData.tensor(new Random(3), 2, 3, 9, 37, 4);
        InputsUnchanged before = InputsUnchanged.snapshot(x);
        MaxPool2d.applyWithIndices(vector, x, new MaxPool2dAttrs(HW.of(3), HW.of(2), HW.of(1), HW.of(1), true));
        before.assertDataUnchanged();
    }

    private static void assertSame(Pooled expected, Pooled actual, String what) {
        int at = PoolData.firstDifference(expected.output(), actual.output());
        if (at >= 0) {
            fail(what + ": element " + at + " is " + actual.output().getFlat(at) + ", expected " + expected.output().getFlat(at));
        }
        assertArrayEquals(expected.indices().toArray(), actual.indices().toArray(), what + ": indices");
    }
}
