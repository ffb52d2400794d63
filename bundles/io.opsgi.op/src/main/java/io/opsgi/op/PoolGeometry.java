package io.opsgi.op;

import io.opsgi.tensor.Shape;

/**
 * A sliding-window pool resolved by the contract: batched input (n, c, h, w), window (kh, kw),
 * stride, symmetric padding, dilation, and output size (oh, ow). Output (oh, ow) starts its window
 * at input position {@code o*stride - pad}.
 */
public record PoolGeometry(int n, int c, int h, int w, int kh, int kw, int strideH, int strideW, int padH, int padW,
        int dilationH, int dilationW, int oh, int ow) {

    /** Number of (n, c) planes. */
    public int planes() {
        return n * c;
    }

    public Shape outputShape() {
        return Shape.of(n, c, oh, ow);
    }
}
