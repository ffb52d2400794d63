package io.opsgi.kernel.pool2d.vector;

import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.Random;

/** Pooling inputs that stress the tie, signed-zero, infinity and NaN rules, not only uniform noise. */
final class PoolData {
    private static final float[] SPECIALS = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1f, -1f, 2f};

    private PoolData() {
    }

    /**
     * An (n, c, h, w) tensor: uniform in [-4, 4), with about one element in {@code 1/specialRate} taken
     * from a small set (zeros of both signs, infinities, NaN and small integers that make ties).
     */
    static Tensor tensor(Random r, int n, int c, int h, int w, int specialRate) {
        float[] v = new float[n * c * h * w];
        for (int i = 0; i < v.length; i++) {
            v[i] = specialRate > 0 && r.nextInt(specialRate) == 0 ? SPECIALS[r.nextInt(SPECIALS.length)] : r.nextFloat() * 8 - 4;
        }
        return Tensor.of(Shape.of(n, c, h, w), v);
    }

    /** Bit-for-bit equality as the conformance suite judges it: every NaN alike, -0.0 apart from 0.0. */
    static int firstDifference(Tensor expected, Tensor actual) {
        if (!expected.shape().equals(actual.shape())) {
            throw new AssertionError("shape " + actual.shape() + ", expected " + expected.shape());
        }
        for (int i = 0; i < expected.size(); i++) {
            if (Float.floatToIntBits(expected.getFlat(i)) != Float.floatToIntBits(actual.getFlat(i))) {
                return i;
            }
        }
        return -1;
    }
}
