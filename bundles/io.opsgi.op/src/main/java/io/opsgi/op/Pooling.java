package io.opsgi.op;

import io.opsgi.tensor.Shape;

/**
 * Validation and geometry shared by max_pool2d, avg_pool2d and lp_pool2d: PyTorch's form (ATen's
 * pool2d_shape_check) and ONNX's four-sided form ({@code padding=[top, left, bottom, right]}, ONNX
 * Runtime 1.29's PoolAttributes).
 */
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
        OpException.check(!kernel.anyBelow(1), op, "kernel_size_positive", () -> "kernel size should be greater than zero, got kernel_size=" + kernel);
        OpException.check(!stride.anyBelow(1), op, "stride_positive", () -> "stride should be greater than zero, got stride=" + stride);
        OpException.check(!dilation.anyBelow(1), op, "dilation_positive", () -> "dilation should be greater than zero, got dilation=" + dilation);
    }

    private static void checkDimension(String op, int k, int s, int p, HW kernel, HW stride, HW padding) {
        OpException.check(s != 0, op, "stride_positive", () -> "stride should not be zero, got stride=" + stride);
        OpException.check(p >= 0, op, "padding_non_negative", () -> "pad must be non-negative, got padding=" + padding);
        // PyTorch 1.13 compares with the plain kernel, ignoring dilation (C++ division truncates, as Java's).
        OpException.check(p <= k / 2, op, "padding_at_most_half_kernel",
                () -> "pad should be at most half of kernel size, got padding=" + padding + ", kernel_size=" + kernel);
    }

    /**
     * The four-sided (ONNX) form's checks: kernel, stride and dilation positive, pads non-negative
     * and each smaller than the kernel. ONNX allows any pad; ONNX Runtime 1.29 refuses a model whose
     * pad reaches the kernel size ("Pad should be smaller than kernel", checked on the plain kernel
     * whatever the dilation), so with dilation 1 every window holds an input element. Pads above
     * half the kernel, which PyTorch refuses, are fine here.
     */
    static void checkOnnxWindow(String op, HW kernel, HW stride, Pads pads, HW dilation) {
        OpException.check(!kernel.anyBelow(1), op, "kernel_size_positive", () -> "kernel size should be greater than zero, got kernel_size=" + kernel);
        OpException.check(!stride.anyBelow(1), op, "stride_positive", () -> "stride should be greater than zero, got stride=" + stride);
        OpException.check(!dilation.anyBelow(1), op, "dilation_positive", () -> "dilation should be greater than zero, got dilation=" + dilation);
        OpException.check(!pads.anyNegative(), op, "padding_non_negative", () -> "pad must be non-negative, got padding=" + pads);
        OpException.check(pads.top() < kernel.h() && pads.bottom() < kernel.h() && pads.left() < kernel.w() && pads.right() < kernel.w(), op,
                "padding_below_kernel", () -> "each pad of the four-sided form must be smaller than the kernel (as ONNX Runtime requires), got padding="
                        + pads + ", kernel_size=" + kernel);
    }

    /** The four-sided form of attribute {@code padding} ({@code [top, left, bottom, right]}), or null for PyTorch's int or pair. */
    static Pads fourSided(TorchAttrs t) {
        if (t.raw("padding") instanceof java.util.List<?> l && l.size() == 4) {
            int[] p = t.ints("padding");
            return Pads.of(p[0], p[1], p[2], p[3]);
        }
        return null;
    }

    /** Whether a window starting at {@code start} with {@code k} taps {@code d} apart has a tap in {@code [0, size)}. */
    static boolean reachesInput(int start, int k, int d, int size) {
        long first = start >= 0 ? start : start + ((-(long) start + d - 1) / d) * d;
        return first < size && first <= start + (long) (k - 1) * d;
    }

    static PoolGeometry geometry(String op, Shape xs, HW kernel, HW stride, HW padding, HW dilation, boolean ceilMode) {
        return geometry(op, xs, kernel, stride, Pads.of(padding.h(), padding.w(), padding.h(), padding.w()), dilation, ceilMode, false);
    }

    /** The geometry of either form; {@code onnx} marks the four-sided one. */
    static PoolGeometry geometry(String op, Shape xs, HW kernel, HW stride, Pads pads, HW dilation, boolean ceilMode, boolean onnx) {
        Shape x4 = Shapes.batched(op, xs);
        int n = x4.dim(0), c = x4.dim(1), h = x4.dim(2), w = x4.dim(3);
        OpException.check(c > 0 && h > 0 && w > 0, op, "empty_input",
                () -> "expected input with non-zero channel and spatial sizes (optional 0 batch), got input of size " + xs);
        int oh = OutputSize.window(h, kernel.h(), stride.h(), pads.top(), pads.bottom(), dilation.h(), ceilMode);
        int ow = OutputSize.window(w, kernel.w(), stride.w(), pads.left(), pads.right(), dilation.w(), ceilMode);
        OpException.check(oh >= 1 && ow >= 1, op, "output_size_too_small", () -> "output size is too small, got input size "
                + Shapes.chw(c, h, w) + " and calculated output size " + Shapes.chw(c, oh, ow));
        Shapes.output(op, n, c, oh, ow);
        return new PoolGeometry(n, c, h, w, kernel.h(), kernel.w(), stride.h(), stride.w(), pads.top(), pads.left(),
                dilation.h(), dilation.w(), oh, ow, pads.bottom(), pads.right(), onnx);
    }
}
