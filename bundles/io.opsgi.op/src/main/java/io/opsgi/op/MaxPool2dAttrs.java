package io.opsgi.op;

import java.util.Objects;

/** Attributes of max_pool2d; a null stride means the kernel size, as in PyTorch. */
public record MaxPool2dAttrs(HW kernel, HW stride, HW padding, HW dilation, boolean ceilMode) {
    public MaxPool2dAttrs {
        Objects.requireNonNull(kernel, "kernel");
        stride = stride == null ? kernel : stride;
        Objects.requireNonNull(padding, "padding");
        Objects.requireNonNull(dilation, "dilation");
        Pooling.checkWindow(MaxPool2d.OP, kernel, stride, padding, dilation);
    }

    /** A k x k window with stride k, no padding. */
    public static MaxPool2dAttrs of(int k) {
        return new MaxPool2dAttrs(HW.of(k), null, HW.of(0), HW.of(1), false);
    }

    public MaxPool2dAttrs withStride(int s) {
        return new MaxPool2dAttrs(kernel, HW.of(s), padding, dilation, ceilMode);
    }

    public MaxPool2dAttrs withPadding(int p) {
        return new MaxPool2dAttrs(kernel, stride, HW.of(p), dilation, ceilMode);
    }

    public MaxPool2dAttrs withDilation(int d) {
        return new MaxPool2dAttrs(kernel, stride, padding, HW.of(d), ceilMode);
    }

    public MaxPool2dAttrs withCeilMode(boolean c) {
        return new MaxPool2dAttrs(kernel, stride, padding, dilation, c);
    }
}
