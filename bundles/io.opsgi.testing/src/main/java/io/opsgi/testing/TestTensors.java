package io.opsgi.testing;

import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.Random;

/** Builders for test inputs shared by the kernel modules' tests. */
public final class TestTensors {
    private TestTensors() {
    }

    /** One (1, 1, h, w) plane holding {@code v} in row-major order. */
    public static Tensor plane(int h, int w, float... v) {
        return Tensor.of(Shape.of(1, 1, h, w), v);
    }

    /** {@code size} float32 values uniform in [-1, 1): {@code r.nextFloat() * 2 - 1}. */
    public static float[] uniformSigned(Random r, int size) {
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = r.nextFloat() * 2 - 1;
        }
        return v;
    }

    /** A tensor of {@code shape} holding {@link #uniformSigned(Random, int)} values. */
    public static Tensor uniformSigned(Random r, Shape shape) {
        return Tensor.of(shape, uniformSigned(r, shape.size()));
    }

    /** An (n, c, h, w) tensor of standard normal values, {@code (float) rnd.nextGaussian()}. */
    public static Tensor gaussian(Random rnd, int n, int c, int h, int w) {
        float[] v = new float[n * c * h * w];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return Tensor.of(Shape.of(n, c, h, w), v);
    }

    /** A tensor of the given dims holding {@code (float) (rnd.nextGaussian() * scale)}. */
    public static Tensor scaledGaussian(Random rnd, double scale, int... dims) {
        Shape s = Shape.of(dims);
        float[] d = new float[s.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (rnd.nextGaussian() * scale);
        }
        return Tensor.of(s, d);
    }

    /** A tensor of the given dims holding {@code (float) (rnd.nextGaussian() * scale + offset)}. */
    public static Tensor shiftedGaussian(Random rnd, double scale, double offset, int... dims) {
        Shape s = Shape.of(dims);
        float[] d = new float[s.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (rnd.nextGaussian() * scale + offset);
        }
        return Tensor.of(s, d);
    }
}
