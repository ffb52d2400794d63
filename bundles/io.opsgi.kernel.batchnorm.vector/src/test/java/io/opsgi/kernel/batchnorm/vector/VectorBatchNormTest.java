package io.opsgi.kernel.batchnorm.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opsgi.kernel.batchnorm.direct.DirectBatchNorm;
import io.opsgi.kernel.support.Parallel;
import io.opsgi.op.BatchNorm;
import io.opsgi.op.BatchNormAttrs;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import io.opsgi.testing.InputsUnchanged;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The vector batch_norm against the reference kernel ({@link DirectBatchNorm}): inference bit for
 * bit (same float operations in the same order), training within a few ulps (the statistics are
 * double sums added in a different order), on random shapes whose planes are not whole vectors,
 * with and without the optional tensors, and with IEEE specials in the input.
 */
class VectorBatchNormTest {
    private static final float[] SPECIALS = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
    private final VectorBatchNorm vector = new VectorBatchNorm();
    private final DirectBatchNorm reference = new DirectBatchNorm();

    private static Tensor data(Random r, Shape shape, float offset, float scale, boolean specials) {
        float[] v = new float[shape.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = specials && r.nextInt(10) == 0 ? SPECIALS[r.nextInt(SPECIALS.length)] : offset + scale * (r.nextFloat() * 2 - 1);
        }
        return Tensor.of(shape, v);
    }

    private static Shape input(Random r) {
        int n = 1 + r.nextInt(3), c = 1 + r.nextInt(5);
        switch (r.nextInt(3)) {
            case 0:
                return Shape.of(n, c);
            case 1:
                return Shape.of(n, c, 1 + r.nextInt(40));
            default:
                return Shape.of(n, c, 1 + r.nextInt(12), 1 + r.nextInt(12));
        }
    }

    @Test
    void inferenceIsBitIdenticalToTheReference() {
        Random r = new Random(42);
        for (int i = 0; i < 500; i++) {
            Shape s = input(r);
            int c = s.dim(1);
            Tensor x = data(r, s, 0, 4, r.nextBoolean());
            Tensor mean = data(r, Shape.of(c), 0, 1, false), var = data(r, Shape.of(c), 1.5f, 1, false);
            Tensor w = r.nextBoolean() ? data(r, Shape.of(c), 1, 0.5f, false) : null;
            Tensor b = r.nextBoolean() ? data(r, Shape.of(c), 0, 0.5f, false) : null;
            double eps = r.nextBoolean() ? 1e-5 : 1e-3;
            Tensor expected = BatchNorm.inference(reference, x, mean, var, w, b, eps);
            InputsUnchanged inputs = InputsUnchanged.snapshot(x, mean, var, w, b);
            Tensor actual = BatchNorm.inference(vector, x, mean, var, w, b, eps);
            inputs.assertDataUnchanged(k -> "input " + k + " written");
            assertSameBits(expected, actual, "case " + i + ": " + s);
        }
    }

    @Test
    void trainingMatchesTheReferenceWithinAFewUlps() {
        Random r = new Random(7);
        for (int i = 0; i < 300; i++) {
            Shape s = input(r);
            if (s.size() / s.dim(1) < 2) {
                continue; // training needs more than one value per channel
            }
            int c = s.dim(1);
            Tensor x = data(r, s, r.nextFloat() * 10, 1 + 3 * r.nextFloat(), false);
            Tensor mean = r.nextBoolean() ? data(r, Shape.of(c), 0, 1, false) : null;
            Tensor var = r.nextBoolean() ? data(r, Shape.of(c), 1.5f, 1, false) : null;
            Tensor w = r.nextBoolean() ? data(r, Shape.of(c), 1, 0.5f, false) : null;
            Tensor b = r.nextBoolean() ? data(r, Shape.of(c), 0, 0.5f, false) : null;
            BatchNormAttrs a = BatchNormAttrs.training(r.nextBoolean() ? 0.1 : 0.7, 1e-5);
            BatchNorm.Result expected = BatchNorm.apply(reference, x, mean, var, w, b, a);
            BatchNorm.Result actual = BatchNorm.apply(vector, x, mean, var, w, b, a);
            String what = "case " + i + ": " + s;
            assertClose(expected.output(), actual.output(), what + " output");
            if (mean == null) {
                assertNull(actual.runningMean(), what);
            } else {
                assertClose(expected.runningMean(), actual.runningMean(), what + " running_mean");
            }
            if (var == null) {
                assertNull(actual.runningVar(), what);
            } else {
                assertClose(expected.runningVar(), actual.runningVar(), what + " running_var");
            }
        }
    }

    @Test
    void benchmarkShapeOnTwoThreadsIsBitIdentical() {
        int before = Parallel.threads();
        Parallel.setThreads(2);
        try {
            Random r = new Random(3);
            Tensor x = data(r, Shape.of(1, 64, 112, 112), 0, 2, false);
            Tensor mean = data(r, Shape.of(64), 0, 0.2f, false), var = data(r, Shape.of(64), 1, 0.5f, false);
            Tensor w = data(r, Shape.of(64), 1, 0.2f, false), b = data(r, Shape.of(64), 0, 0.2f, false);
            assertSameBits(BatchNorm.inference(reference, x, mean, var, w, b, 1e-5), BatchNorm.inference(vector, x, mean, var, w, b, 1e-5),
                    "inference 64x112x112");
            BatchNormAttrs a = BatchNormAttrs.training(0.1, 1e-5);
            assertClose(BatchNorm.apply(reference, x, mean, var, w, b, a).output(), BatchNorm.apply(vector, x, mean, var, w, b, a).output(),
                    "training 64x112x112");
        } finally {
            Parallel.setThreads(before);
        }
    }

    /** Bit for bit as the conformance suite judges it: -0.0 apart from 0.0, every NaN alike (payloads depend on how a NaN was made). */
    private static void assertSameBits(Tensor expected, Tensor actual, String what) {
        assertEquals(expected.shape(), actual.shape(), what);
        for (int i = 0; i < expected.size(); i++) {
            float e = expected.getFlat(i), a = actual.getFlat(i);
            assertEquals(Float.floatToIntBits(e), Float.floatToIntBits(a), what + ": element " + i + " is " + a + ", expected " + e);
        }
    }

    /**
     * Element-wise within 4 float ulps of the element, or 4 ulps of the largest element near zero:
     * both kernels round the same float terms; only their double sums are added in another order.
     */
    private static void assertClose(Tensor expected, Tensor actual, String what) {
        assertEquals(expected.shape(), actual.shape(), what);
        float largest = 0;
        for (int i = 0; i < expected.size(); i++) {
            largest = Math.max(largest, Math.abs(expected.getFlat(i)));
        }
        for (int i = 0; i < expected.size(); i++) {
            float e = expected.getFlat(i), a = actual.getFlat(i);
            double tolerance = 4 * Math.max(Math.ulp(e), Math.ulp(largest) / 16);
            assertTrue(Math.abs(e - a) <= tolerance, what + ": element " + i + " is " + a + ", expected " + e + " within " + tolerance);
        }
    }
}
