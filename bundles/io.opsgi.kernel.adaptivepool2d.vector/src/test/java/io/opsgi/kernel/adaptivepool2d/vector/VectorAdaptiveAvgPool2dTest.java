package io.opsgi.kernel.adaptivepool2d.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opsgi.kernel.adaptivepool2d.direct.DirectAdaptivePool2d;
import io.opsgi.kernel.support.Parallel;
import io.opsgi.op.AdaptivePool2d;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import io.opsgi.testing.InputsUnchanged;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The vector adaptive average pool against the reference kernel ({@link DirectAdaptivePool2d}):
 * bit for bit for every output size but (1, 1), where PyTorch itself sums in another order and the
 * conformance suite allows a sum-of-K error, on random shapes (plane counts that are not whole
 * vectors, outputs larger than the input) with IEEE specials in the data.
 */
class VectorAdaptiveAvgPool2dTest {
    private static final float[] SPECIALS = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
    private final VectorAdaptiveAvgPool2d vector = new VectorAdaptiveAvgPool2d();
    private final DirectAdaptivePool2d reference = new DirectAdaptivePool2d();

    private static Tensor data(Random r, Shape shape, boolean specials) {
        float[] v = new float[shape.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = specials && r.nextInt(12) == 0 ? SPECIALS[r.nextInt(SPECIALS.length)] : r.nextFloat() * 4 - 2;
        }
        return Tensor.of(shape, v);
    }

    @Test
    void everyOutputSizeButOneByOneIsBitIdentical() {
        Random r = new Random(11);
        int compared = 0;
        for (int i = 0; i < 400; i++) {
            Shape s = Shape.of(1 + r.nextInt(3), 1 + r.nextInt(40), 1 + r.nextInt(15), 1 + r.nextInt(15));
            int oh = 1 + r.nextInt(s.dim(2) + 3), ow = 1 + r.nextInt(s.dim(3) + 3);
            if (oh == 1 && ow == 1) {
                continue;
            }
            Tensor x = data(r, s, r.nextBoolean());
            InputsUnchanged inputs = InputsUnchanged.snapshot(x);
            Tensor actual = AdaptivePool2d.avg(vector, x, oh, ow);
            inputs.assertDataUnchanged();
            assertSameBits(AdaptivePool2d.avg(reference, x, oh, ow), actual, s + " -> " + oh + "x" + ow);
            compared++;
        }
        assertTrue(compared > 350);
    }

    @Test
    void globalPoolingIsWithinTheSumOfKTolerance() {
        Random r = new Random(12);
        for (int i = 0; i < 200; i++) {
            Shape s = Shape.of(1 + r.nextInt(2), 1 + r.nextInt(40), 1 + r.nextInt(20), 1 + r.nextInt(20));
            Tensor x = data(r, s, false);
            assertWithinSumTolerance(AdaptivePool2d.globalAvg(reference, x), AdaptivePool2d.globalAvg(vector, x), s.dim(2) * s.dim(3), s.toString());
            assertWithinSumTolerance(AdaptivePool2d.avg(reference, x, 1, 1), AdaptivePool2d.avg(vector, x, 1, 1), s.dim(2) * s.dim(3), s + " -> 1x1");
        }
    }

    @Test
    void globalPoolingPropagatesNanAndInfinities() {
        Tensor x = Tensor.of(Shape.of(1, 3, 5, 5), new float[75]);
        x.buffer()[3] = Float.NaN;
        x.buffer()[30] = Float.POSITIVE_INFINITY;
        x.buffer()[55] = Float.POSITIVE_INFINITY;
        x.buffer()[70] = Float.NEGATIVE_INFINITY;
        Tensor y = AdaptivePool2d.globalAvg(vector, x);
        assertTrue(Float.isNaN(y.getFlat(0)));
        assertEquals(Float.POSITIVE_INFINITY, y.getFlat(1));
        assertTrue(Float.isNaN(y.getFlat(2)));
    }

    @Test
    void resnetHeadOnTwoThreads() {
        int before = Parallel.threads();
        Parallel.setThreads(2);
        try {
            Tensor x = data(new Random(13), Shape.of(1, 512, 7, 7), false);
            assertWithinSumTolerance(AdaptivePool2d.globalAvg(reference, x), AdaptivePool2d.globalAvg(vector, x), 49, "gap 512x7");
            assertSameBits(AdaptivePool2d.avg(reference, x, 3, 2), AdaptivePool2d.avg(vector, x, 3, 2), "512x7 -> 3x2");
        } finally {
            Parallel.setThreads(before);
        }
    }

    /**
     * Bit for bit as the conformance suite judges it: -0.0 apart from 0.0, every NaN alike (a NaN's
     * sign and payload depend on how it was made: x86 gives inf - inf a negative NaN, while the
     * Vector API's non-JIT code makes Java's canonical one).
     */
    private static void assertSameBits(Tensor expected, Tensor actual, String what) {
        assertEquals(expected.shape(), actual.shape(), what);
        for (int i = 0; i < expected.size(); i++) {
            float e = expected.getFlat(i), a = actual.getFlat(i);
            assertEquals(Float.floatToIntBits(e), Float.floatToIntBits(a), what + ": element " + i + " is " + a + ", expected " + e);
        }
    }

    /** The conformance suite's reduction bound (io.opsgi.conformance.Tolerances): rtol 1.3e-6, atol 4*sqrt(K)*2^-24*(max|y| + 1). */
    private static void assertWithinSumTolerance(Tensor expected, Tensor actual, int k, String what) {
        assertEquals(expected.shape(), actual.shape(), what);
        double largest = 0;
        for (int i = 0; i < expected.size(); i++) {
            largest = Math.max(largest, Math.abs(expected.getFlat(i)));
        }
        double atol = 4 * Math.sqrt(k) * 0x1p-24 * (largest + 1);
        for (int i = 0; i < expected.size(); i++) {
            double e = expected.getFlat(i), a = actual.getFlat(i);
            assertTrue(Math.abs(e - a) <= atol + 1.3e-6 * Math.abs(e), what + ": element " + i + " is " + a + ", expected " + e);
        }
    }
}
