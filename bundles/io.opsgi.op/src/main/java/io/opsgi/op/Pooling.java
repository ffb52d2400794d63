package io.opsgi.op;

import io.opsgi.tensor.Shape;

/** Validation and geometry shared by max_pool2d, avg_pool2d and lp_pool2d (ATen's pool2d_shape_check). */
final class Pooling {
    private Pooling() {
    }

    /**
     * The attribute checks, in ATen's order: per dimension, H then W ({@code pooling_output_shape}),
     * stride != 0, pad >= 0, pad <= k/2; then k > 0, stride > 0, dilation > 0.
     */
    static void checkWindow(String op, HW kernel, HW stride, HW padding, HW dilation) {
        checkDimension(op, kernel.h(), stride.h(), padding.h(), kernel, stride, padding);
        checkDimension(op, kernel.w(), stride.w(), padding.w(), kernel, stride, padding);
        OpException.check(!kernel.anyBelow(1), op, "kernel_size_positive", "kernel size should be greater than zero, got kernel_size=" + kernel);
        OpException.check(!stride.anyBelow(1), op, "stride_positive", "stride should be greater than zero, got stride=" + stride);
        OpException.check(!dilation.anyBelow(1), op, "dilation_positive", "dilation should be greater than zero, got dilation=" + dilation);
    }

    private static void checkDimension(String op, int k, int s, int p, HW kernel, HW stride, HW padding) {
        OpException.check(s != 0, op, "stride_positive", "stride should not be zero, got stride=" + stride);
        OpException.check(p >= 0, op, "padding_non_negative", "pad must be non-negative, got padding=" + padding);
        // PyTorch 1.13 compares with the plain kernel, ignoring dilation (C++ division truncates, as Java's).
        OpException.check(p <= k / 2, op, "padding_at_most_half_kernel",
                "pad should be at most half of kernel size, got padding=" + padding + ", kernel_size=" + kernel);
    }

    static PoolGeometry geometry(String op, Shape xs, HW kernel, HW stride, HW padding, HW dilation, boolean ceilMode) {
        Shape x4 = Shapes.batched(op, xs);
        int n = x4.dim(0), c = x4.dim(1), h = x4.dim(2), w = x4.dim(3);
        OpException.check(c > 0 && h > 0 && w > 0, op, "empty_input",
                "expected input with non-zero channel and spatial sizes (optional 0 batch), got input of size " + xs);
        int oh = OutputSize.window(h, kernel.h(), stride.h(), padding.h(), padding.h(), dilation.h(), ceilMode);
        int ow = OutputSize.window(w, kernel.w(), stride.w(), padding.w(), padding.w(), dilation.w(), ceilMode);
        OpException.check(oh >= 1 && ow >= 1, op, "output_size_too_small", "output size is too small, got input size "
                + Shapes.chw(c, h, w) + " and calculated output size " + Shapes.chw(c, oh, ow));
        Shapes.output(op, n, c, oh, ow);
        return new PoolGeometry(n, c, h, w, kernel.h(), kernel.w(), stride.h(), stride.w(), padding.h(), padding.w(),
                dilation.h(), dilation.w(), oh, ow);
    }
}
