package io.opsgi.tensor;

import java.util.Arrays;
import java.util.Objects;

/** An immutable int64 tensor, as returned by max pooling for the positions of the maxima. */
public final class IndexTensor {
    private final Shape shape;
    private final long[] data;

    private IndexTensor(Shape shape, long[] data) {
        if (data.length != shape.size()) {
            throw new IllegalArgumentException("index tensor: data length " + data.length + " does not match shape " + shape);
        }
        this.shape = shape;
        this.data = data;
    }

    public static IndexTensor of(Shape shape, long... data) {
        return new IndexTensor(Objects.requireNonNull(shape), data.clone());
    }

    /** Takes ownership of {@code data} without copying. */
    public static IndexTensor wrap(Shape shape, long[] data) {
        return new IndexTensor(Objects.requireNonNull(shape), data);
    }

    public Shape shape() {
        return shape;
    }

    public long getFlat(int i) {
        return data[i];
    }

    public long[] toArray() {
        return data.clone();
    }

    public IndexTensor reshape(Shape newShape) {
        if (newShape.size() != shape.size()) {
            throw new IllegalArgumentException("reshape: cannot view " + shape + " as " + newShape);
        }
        return new IndexTensor(newShape, data);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IndexTensor t && shape.equals(t.shape) && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return 31 * shape.hashCode() + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "IndexTensor" + shape;
    }
}
