package io.opsgi.conformance;

import io.opsgi.op.Tolerance;
import io.opsgi.tensor.IndexTensor;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import io.opsgi.tensor.Ulp;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One output of a kernel compared with PyTorch's, element by element.
 *
 * @param maxAbsError largest |actual - expected| over elements where both are finite;
 *                    infinity if a NaN or an infinity did not match
 * @param maxUlpError largest distance in ulps, same elements (0 for indices)
 * @param mismatches  elements outside the tolerance
 * @param worst       the element that missed by the most, or null if none missed
 * @param toleranceUse the largest error as a fraction of the allowed error ({@link Tolerance#use}); above 1 missed
 * @param problem     null if the output is acceptable, else what is wrong
 */
public record TensorComparison(String output, double maxAbsError, long maxUlpError, double toleranceUse, int mismatches, int elements,
        WorstElement worst, String problem) {

    public boolean passed() {
        return problem == null;
    }

    /** Compares float outputs under {@code tolerance}; shapes must be equal. */
    public static TensorComparison compare(String output, Tensor expected, Tensor actual, Tolerance tolerance) {
        if (!expected.shape().equals(actual.shape())) {
            return shapeMismatch(output, expected.shape(), actual.shape());
        }
        double maxAbs = 0, worstScore = 0, use = 0;
        long maxUlp = 0;
        int mismatches = 0, worstAt = -1, zeroSign = 0;
        for (int i = 0; i < expected.size(); i++) {
            float e = expected.getFlat(i), a = actual.getFlat(i);
            if (Float.isFinite(e) && Float.isFinite(a)) {
                maxAbs = Math.max(maxAbs, Math.abs((double) a - e));
                maxUlp = Math.max(maxUlp, Ulp.distance(e, a));
            }
            use = Math.max(use, tolerance.use(e, a));
            double v = tolerance.violation(e, a);
            if (v > 0) {
                mismatches++;
                if (e == a) {
                    zeroSign++; // equal as numbers, different bits: +0 against -0
                }
                if (Double.isInfinite(v)) {
                    maxAbs = Double.POSITIVE_INFINITY;
                }
                if (v > worstScore) {
                    worstScore = v;
                    worstAt = i;
                }
            }
        }
        if (mismatches == 0) {
            return new TensorComparison(output, maxAbs, maxUlp, use, 0, expected.size(), null, null);
        }
        WorstElement worst = new WorstElement(output, worstAt, unflatten(expected.shape(), worstAt), expected.getFlat(worstAt),
                actual.getFlat(worstAt));
        String problem = zeroSign == mismatches
                ? String.format(Locale.ROOT, "%s: differs only in the sign of zero at %d of %d elements (%s); first %s", output, mismatches,
                        expected.size(), tolerance.describe(), worst)
                : String.format(Locale.ROOT, "%s: %d of %d elements outside %s; max abs error %.3g, max %d ulp; worst element %s", output,
                        mismatches, expected.size(), tolerance.describe(), maxAbs, maxUlp, worst);
        return new TensorComparison(output, maxAbs, maxUlp, use, mismatches, expected.size(), worst, problem);
    }

    /** Compares max-pool indices: exactly. */
    public static TensorComparison compareIndices(String output, IndexTensor expected, IndexTensor actual) {
        if (!expected.shape().equals(actual.shape())) {
            return shapeMismatch(output, expected.shape(), actual.shape());
        }
        int mismatches = 0, first = -1;
        for (int i = 0; i < expected.shape().size(); i++) {
            if (expected.getFlat(i) != actual.getFlat(i)) {
                mismatches++;
                first = first < 0 ? i : first;
            }
        }
        if (mismatches == 0) {
            return new TensorComparison(output, 0, 0, 0, 0, expected.shape().size(), null, null);
        }
        WorstElement worst = new WorstElement(output, first, unflatten(expected.shape(), first), expected.getFlat(first), actual.getFlat(first));
        return new TensorComparison(output, 0, 0, Double.POSITIVE_INFINITY, mismatches, expected.shape().size(), worst,
                output + ": " + mismatches + " of " + expected.shape().size() + " indices differ (must match exactly); first " + worst);
    }

    private static TensorComparison shapeMismatch(String output, Shape expected, Shape actual) {
        return new TensorComparison(output, Double.POSITIVE_INFINITY, 0, Double.POSITIVE_INFINITY, expected.size(), expected.size(), null,
                output + ": shape " + actual + ", expected " + expected);
    }

    /** Flat row-major offset to full index, e.g. NCHW. */
    static List<Integer> unflatten(Shape shape, int flat) {
        int[] dims = shape.toArray();
        Integer[] index = new Integer[dims.length];
        for (int a = dims.length - 1; a >= 0; a--) {
            index[a] = flat % dims[a];
            flat /= dims[a];
        }
        return new ArrayList<>(List.of(index));
    }
}
