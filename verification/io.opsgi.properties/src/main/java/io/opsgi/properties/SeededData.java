package io.opsgi.properties;

import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Tensor data for the cases: seeded, uniform floats in [-2, 2]. A case carries only its seed, so a
 * counterexample prints as attributes and shapes and its data can be rebuilt exactly.
 */
public final class SeededData {
    /** The input, weight, bias, ... of one case draw from different streams of the same seed. */
    public enum Role { INPUT, WEIGHT, BIAS, MEAN, VAR, SECOND, THIRD }

    private SeededData() {
    }

    public static Shape shape(List<Integer> dims) {
        return Shape.of(dims.stream().mapToInt(Integer::intValue).toArray());
    }

    public static Tensor uniform(Shape s, long seed, Role role) {
        return between(s, seed, role, -2f, 2f);
    }

    public static Tensor between(Shape s, long seed, Role role, float lo, float hi) {
        SplittableRandom r = new SplittableRandom(seed * 31 + role.ordinal());
        float[] d = new float[s.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = lo + (float) r.nextDouble() * (hi - lo);
        }
        return Tensor.wrap(s, d);
    }

    /**
     * Uniform data with IEEE specials sprinkled in (about one element in six): +-0, +-inf, NaN,
     * large and tiny magnitudes, the values where element-wise kernels most often disagree.
     */
    public static Tensor withSpecials(Shape s, long seed, Role role) {
        float[] specials = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 30f, -30f, 1e-7f, -1e-7f, 3f, -3f, 6f};
        float[] d = uniform(s, seed, role).toArray();
        SplittableRandom r = new SplittableRandom(seed * 31 + 17 + role.ordinal());
        for (int i = 0; i < d.length; i++) {
            if (r.nextInt(6) == 0) {
                d[i] = specials[r.nextInt(specials.length)];
            }
        }
        return Tensor.wrap(s, d);
    }

    /** The raw bits of every element, to show later that nobody wrote the tensor. */
    public static int[] bits(Tensor t) {
        if (t == null) {
            return null;
        }
        float[] b = t.buffer();
        int[] r = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            r[i] = Float.floatToRawIntBits(b[i]);
        }
        return r;
    }
}
