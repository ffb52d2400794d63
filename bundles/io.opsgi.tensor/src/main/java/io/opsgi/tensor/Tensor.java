package io.opsgi.tensor;

import java.util.Arrays;
import java.util.Objects;

/**
 * A dense float32 tensor in row-major (C) order, NCHW for images. Immutable: the factories copy what
 * they are given, and {@link #toArray()} returns a copy.
 *
 * <p>{@link #buffer()} exposes the backing array without a copy so that kernels can read fast; it
 * must never be written. The conformance suite checks that no kernel writes its inputs.
 */
public final class Tensor {
    private final Shape shape;
    private final float[] data;

    private Tensor(Shape shape, float[] data) {
        if (data.length != shape.size()) {
            throw new IllegalArgumentException("tensor: data length " + data.length + " does not match shape " + shape
                    + " (" + shape.size() + " elements)");
        }
        this.shape = shape;
        this.data = data;
    }

    /** A tensor holding a copy of {@code data}. */
    public static Tensor of(Shape shape, float... data) {
        return new Tensor(Objects.requireNonNull(shape), data.clone());
    }

    /**
     * A tensor that takes ownership of {@code data} without copying: the caller must not keep or
     * write the array afterwards. Used for freshly computed kernel outputs.
     */
    public static Tensor wrap(Shape shape, float[] data) {
        return new Tensor(Objects.requireNonNull(shape), data);
    }

    public static Tensor zeros(int... dims) {
        Shape s = Shape.of(dims);
        return new Tensor(s, new float[s.size()]);
    }

    public static Tensor full(Shape shape, float value) {
        float[] d = new float[shape.size()];
        Arrays.fill(d, value);
        return new Tensor(shape, d);
    }

    public Shape shape() {
        return shape;
    }

    public int rank() {
        return shape.rank();
    }

    public int dim(int axis) {
        return shape.dim(axis);
    }

    public int size() {
        return shape.size();
    }

    /** The element at a full index, e.g. {@code get(n, c, h, w)}. */
    public float get(int... index) {
        return data[flatIndex(index)];
    }

    public float getFlat(int i) {
        return data[i];
    }

    /** A copy of the data. */
    public float[] toArray() {
        return data.clone();
    }

    /** The backing array, shared: read it, never write it. */
    public float[] buffer() {
        return data;
    }

    /** The same data viewed with another shape of equal size (no copy; both stay immutable). */
    public Tensor reshape(Shape newShape) {
        if (newShape.size() != shape.size()) {
            throw new IllegalArgumentException("reshape: cannot view " + shape + " as " + newShape);
        }
        return new Tensor(newShape, data);
    }

    public Tensor reshape(int... dims) {
        return reshape(Shape.of(dims));
    }

    private int flatIndex(int[] index) {
        if (index.length != shape.rank()) {
            throw new IllegalArgumentException("tensor: index of rank " + index.length + " for shape " + shape);
        }
        int flat = 0;
        for (int a = 0; a < index.length; a++) {
            int d = shape.dim(a);
            if (index[a] < 0 || index[a] >= d) {
                throw new IndexOutOfBoundsException("tensor: index " + Arrays.toString(index) + " outside shape " + shape);
            }
            flat = flat * d + index[a];
        }
        return flat;
    }

    /** Bitwise equality of shape and data (NaN equals NaN of the same bits). */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Tensor t) || !shape.equals(t.shape)) {
            return false;
        }
        for (int i = 0; i < data.length; i++) {
            if (Float.floatToRawIntBits(data[i]) != Float.floatToRawIntBits(t.data[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return 31 * shape.hashCode() + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        int shown = Math.min(data.length, 8);
        StringBuilder sb = new StringBuilder("Tensor").append(shape).append(" [");
        for (int i = 0; i < shown; i++) {
            sb.append(i == 0 ? "" : ", ").append(data[i]);
        }
        return sb.append(data.length > shown ? ", ...]" : "]").toString();
    }
}
