package io.opsgi.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;

/** Assertions on kernel outputs shared by the kernel modules' tests. */
public final class TensorAsserts {
    private TensorAsserts() {
    }

    /**
     * {@code actual} holds exactly {@code expected}: the same size, and every element the same
     * {@link Float#floatToIntBits} (so -0.0 differs from 0.0, and all NaNs are alike).
     */
    public static void assertBits(float[] expected, Tensor actual) {
        assertEquals(expected.length, actual.size(), "size");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(actual.getFlat(i)),
                    "element " + i + ": expected " + expected[i] + ", got " + actual.getFlat(i));
        }
    }

    /**
     * {@code actual} has {@code expectedShape} (message: {@code context}), then matches the float64
     * reference as {@link #assertWithinScaledTolerance} checks it.
     */
    public static void assertMatchesReference(Object context, Shape expectedShape, Tensor actual, double[] expected, double[] scale,
            double relative, double absolute) {
        assertEquals(expectedShape, actual.shape(), context.toString());
        assertWithinScaledTolerance(context, actual, expected, scale, relative, absolute);
    }

    /**
     * Every element {@code i} of {@code expected} (a float64 reference, flat) is matched by
     * {@code actual.getFlat(i)} within {@code relative * scale[i] + absolute}, where {@code scale[i]}
     * is the reference's own error scale for that element (e.g. Σ|x·w| + |bias|). Failures name
     * {@code context}, the element, both values and the tolerance.
     */
    public static void assertWithinScaledTolerance(Object context, Tensor actual, double[] expected, double[] scale, double relative,
            double absolute) {
        for (int i = 0; i < expected.length; i++) {
            double tol = relative * scale[i] + absolute;
            assertTrue(Math.abs(actual.getFlat(i) - expected[i]) <= tol,
                    context + ": element " + i + " is " + actual.getFlat(i) + ", expected " + expected[i] + " within " + tol);
        }
    }
}
