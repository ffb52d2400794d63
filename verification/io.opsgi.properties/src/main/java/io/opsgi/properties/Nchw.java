package io.opsgi.properties;

import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;

/** A (n, c, h, w) view of a 3-D (unbatched) or 4-D tensor, for the brute-force definitions. */
public record Nchw(int n, int c, int h, int w, float[] data) {
    public static Nchw of(Tensor t) {
        Shape s = t.shape();
        return s.rank() == 3 ? new Nchw(1, s.dim(0), s.dim(1), s.dim(2), t.buffer()) : new Nchw(s.dim(0), s.dim(1), s.dim(2), s.dim(3), t.buffer());
    }

    public float at(int in, int ic, int ih, int iw) {
        return data[((in * c + ic) * h + ih) * w + iw];
    }

    public int index(int in, int ic, int ih, int iw) {
        return ((in * c + ic) * h + ih) * w + iw;
    }

    /** A tensor of the given shape (rank 3 or 4, same element count) from a double array. */
    public static Tensor tensor(Shape shape, double[] values) {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return Tensor.wrap(shape, f);
    }

    /** Element-wise |t|. */
    public static Tensor abs(Tensor t) {
        float[] f = t.toArray();
        for (int i = 0; i < f.length; i++) {
            f[i] = Math.abs(f[i]);
        }
        return Tensor.wrap(t.shape(), f);
    }

    /** Element-wise a + b (float32) and a * s. */
    public static Tensor add(Tensor a, Tensor b) {
        float[] f = a.toArray();
        for (int i = 0; i < f.length; i++) {
            f[i] += b.getFlat(i);
        }
        return Tensor.wrap(a.shape(), f);
    }

    public static Tensor scale(Tensor a, float s) {
        float[] f = a.toArray();
        for (int i = 0; i < f.length; i++) {
            f[i] *= s;
        }
        return Tensor.wrap(a.shape(), f);
    }

    /** The input index a padded position reads, per F.pad's modes (-1: the zero fill). */
    public static int padSource(io.opsgi.op.PadMode mode, int j, int size) {
        if (j >= 0 && j < size) {
            return j;
        }
        switch (mode) {
            case REFLECT: { // mirror without repeating the edge
                int r = j;
                while (r < 0 || r >= size) {
                    r = r < 0 ? -r : 2 * (size - 1) - r;
                }
                return r;
            }
            case REPLICATE:
                return Math.min(Math.max(j, 0), size - 1);
            case CIRCULAR:
                return ((j % size) + size) % size;
            default:
                return -1;
        }
    }
}
