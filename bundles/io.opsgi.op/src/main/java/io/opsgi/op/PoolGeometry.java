package io.opsgi.op;

import io.opsgi.tensor.Shape;

/**
 * A sliding-window pool resolved by the contract: batched input (n, c, h, w), window (kh, kw),
 * stride, padding, dilation, and output size (oh, ow). Output (oh, ow) starts its window at input
 * position {@code o*stride - padBegin}. {@code padH}/{@code padW} are the begin pads (top, left);
 * {@code padHEnd}/{@code padWEnd} the end pads (bottom, right), equal to the begin pads in
 * PyTorch's symmetric form. A window's divisor with count_include_pad is clipped at
 * {@code H + padHEnd} (and {@code W + padWEnd}): the explicit pads count, a ceil_mode overhang does not.
 *
 * <p>{@code onnx} says the pool was given in ONNX's four-sided form ({@code padding=[t, l, b, r]});
 * where ONNX's rules differ from PyTorch's the kernels read it: lp_pool2d then sums its window
 * as ONNX LpPool does, without F.lp_pool2d's rescaling of windows clipped by ceil_mode (see
 * {@link LpPool2dKernel}).
 */
public record PoolGeometry(int n, int c, int h, int w, int kh, int kw, int strideH, int strideW, int padH, int padW,
        int dilationH, int dilationW, int oh, int ow, int padHEnd, int padWEnd, boolean onnx) {

    /** PyTorch's form: symmetric padding (the constructor of io.opsgi.op 1.2). */
    public PoolGeometry(int n, int c, int h, int w, int kh, int kw, int strideH, int strideW, int padH, int padW,
            int dilationH, int dilationW, int oh, int ow) {
        this(n, c, h, w, kh, kw, strideH, strideW, padH, padW, dilationH, dilationW, oh, ow, padH, padW, false);
    }

    /** Number of (n, c) planes. */
    public int planes() {
        return n * c;
    }

    public Shape outputShape() {
        return Shape.of(n, c, oh, ow);
    }
}
