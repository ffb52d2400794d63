package io.opsgi.properties;

import io.opsgi.tensor.IndexTensor;
import io.opsgi.tensor.Tensor;
import java.util.Arrays;

/**
 * How close a kernel's output must be to the reference's. A local stand-in for
 * {@code io.opsgi.conformance.Tolerances}, with the same bounds: bit-exact where PyTorch's own
 * kernels are (relu family, max pooling, pad; every kernel against itself), and for reductions
 * {@code |a-b| <= 1e-5 * (1 + |b|) * sqrt(K) / 8}, K the number of terms summed per output.
 * NaN matches NaN (any payload); infinities must match exactly.
 */
public interface Closeness {
    boolean close(float actual, float expected);

    String describe();

    static Closeness bitExact() {
        return new Closeness() {
            @Override
            public boolean close(float a, float b) {
                return Float.floatToIntBits(a) == Float.floatToIntBits(b);
            }

            @Override
            public String describe() {
                return "bit-exact";
            }
        };
    }

    /** A sum of {@code k} float32 products or terms, accumulated in any order. */
    static Closeness reduction(int k) {
        double bound = 1e-5 * Math.sqrt(Math.max(1, k)) / 8;
        return new Closeness() {
            @Override
            public boolean close(float a, float b) {
                if (Float.isNaN(a) || Float.isNaN(b) || Float.isInfinite(a) || Float.isInfinite(b)) {
                    return Float.floatToIntBits(a) == Float.floatToIntBits(b) || (Float.isNaN(a) && Float.isNaN(b));
                }
                return Math.abs((double) a - b) <= bound * (1 + Math.abs((double) b));
            }

            @Override
            public String describe() {
                return "|a-b| <= " + (float) bound + "*(1+|b|) (reduction of K=" + k + ")";
            }
        };
    }

    /** torch.testing.assert_close's float32 default, for libm-based element-wise functions. */
    static Closeness assertCloseDefault() {
        return new Closeness() {
            @Override
            public boolean close(float a, float b) {
                if (Float.isNaN(a) || Float.isNaN(b) || Float.isInfinite(a) || Float.isInfinite(b)) {
                    return Float.floatToIntBits(a) == Float.floatToIntBits(b) || (Float.isNaN(a) && Float.isNaN(b));
                }
                return Math.abs((double) a - b) <= 1e-5 + 1.3e-6 * Math.abs((double) b);
            }

            @Override
            public String describe() {
                return "|a-b| <= 1e-5 + 1.3e-6*|b| (assert_close default)";
            }
        };
    }

    /** Fails with the first mismatch and the count of mismatches, never with the whole tensor. */
    static void assertClose(Closeness c, Tensor actual, Tensor expected, String what) {
        if (!actual.shape().equals(expected.shape())) {
            throw new AssertionError(what + ": shape " + actual.shape() + ", expected " + expected.shape());
        }
        int bad = 0, first = -1;
        for (int i = 0; i < actual.size(); i++) {
            if (!c.close(actual.getFlat(i), expected.getFlat(i))) {
                bad++;
                first = first < 0 ? i : first;
            }
        }
        if (bad > 0) {
            throw new AssertionError(what + ": " + bad + " of " + actual.size() + " elements differ (" + c.describe() + "); first at "
                    + Arrays.toString(unflatten(first, actual.shape().toArray())) + ": " + actual.getFlat(first) + ", expected "
                    + expected.getFlat(first));
        }
    }

    static void assertEqualIndices(IndexTensor actual, IndexTensor expected, String what) {
        long[] a = actual.toArray(), e = expected.toArray();
        for (int i = 0; i < a.length; i++) {
            if (a[i] != e[i]) {
                throw new AssertionError(what + ": index at " + Arrays.toString(unflatten(i, actual.shape().toArray())) + " is " + a[i]
                        + ", expected " + e[i]);
            }
        }
    }

    static int[] unflatten(int flat, int[] dims) {
        int[] idx = new int[dims.length];
        for (int d = dims.length - 1; d >= 0; d--) {
            idx[d] = dims[d] == 0 ? 0 : flat % dims[d];
            flat = dims[d] == 0 ? 0 : flat / dims[d];
        }
        return idx;
    }
}
