package io.opsgi.onnx;

import io.opsgi.tensor.Shape;

/** Products of runs of dimensions: the (outer, len, inner) views the lowerings and foldings take of a tensor. */
final class Dims {
    private Dims() {
    }

    /** The product of {@code dims[from .. to)} (1 for an empty run). */
    static long product(long[] dims, int from, int to) {
        long p = 1;
        for (int i = from; i < to; i++) {
            p *= dims[i];
        }
        return p;
    }

    /** The product of dimensions {@code [from, to)} of {@code s} (1 for an empty run). */
    static long product(Shape s, int from, int to) {
        long p = 1;
        for (int i = from; i < to; i++) {
            p *= s.dim(i);
        }
        return p;
    }
}
