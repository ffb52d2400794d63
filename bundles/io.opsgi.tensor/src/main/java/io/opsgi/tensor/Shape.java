package io.opsgi.tensor;

import java.util.Arrays;

/** An immutable tensor shape of rank 0 to 8; images are (N, C, H, W). */
public final class Shape {
    /** Far below {@code Integer.MAX_VALUE}, so that index arithmetic in kernels cannot overflow. */
    public static final long MAX_ELEMENTS = 1L << 30;
    public static final int MAX_RANK = 8;

    private final int[] dims;
    private final int size;

    private Shape(int[] dims) {
        if (dims.length > MAX_RANK) {
            throw new IllegalArgumentException("shape: rank must be at most " + MAX_RANK + ", got " + dims.length);
        }
        long n = 1;
        for (int d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException("shape: dimensions must be non-negative, got " + Arrays.toString(dims));
            }
            n *= d;
            if (n > MAX_ELEMENTS) {
                throw new IllegalArgumentException("shape: at most " + MAX_ELEMENTS + " elements, got " + Arrays.toString(dims));
            }
        }
        this.dims = dims;
        this.size = (int) n;
    }

    public static Shape of(int... dims) {
        return new Shape(dims.clone());
    }

    public int rank() {
        return dims.length;
    }

    public int dim(int axis) {
        return dims[axis < 0 ? dims.length + axis : axis];
    }

    /** Number of elements. */
    public int size() {
        return size;
    }

    public int[] toArray() {
        return dims.clone();
    }

    /** This shape with a leading dimension of 1 (unbatched to batched). */
    public Shape prepend(int d) {
        int[] r = new int[dims.length + 1];
        r[0] = d;
        System.arraycopy(dims, 0, r, 1, dims.length);
        return new Shape(r);
    }

    /** This shape without its leading dimension. */
    public Shape dropFirst() {
        return new Shape(Arrays.copyOfRange(dims, 1, dims.length));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    /** PyTorch's way of printing sizes: {@code [1, 3, 5, 5]}. */
    @Override
    public String toString() {
        return Arrays.toString(dims);
    }
}
