package io.opsgi.op;

import java.util.Objects;

/**
 * Attributes of max_pool2d; a null stride means the kernel size, as in PyTorch. {@code pads} is null
 * in PyTorch's form (symmetric {@code padding}, PyTorch's rules); given, it is ONNX's four-sided form
 * ({@code [top, left, bottom, right]}, ONNX Runtime's rules) and {@code padding} holds its begin pads
 * (top, left), where windows start.
 */
public record MaxPool2dAttrs(HW kernel, HW stride, HW padding, HW dilation, boolean ceilMode, Pads pads) {
    public MaxPool2dAttrs {
        Objects.requireNonNull(kernel, "kernel");
        stride = stride == null ? kernel : stride;
        Objects.requireNonNull(dilation, "dilation");
        if (pads != null) {
            padding = HW.of(pads.top(), pads.left());
            Pooling.checkOnnxWindow(MaxPool2d.OP, kernel, stride, pads, dilation);
        } else {
            Objects.requireNonNull(padding, "padding");
            Pooling.checkWindow(MaxPool2d.OP, kernel, stride, padding, dilation);
        }
    }

    /** PyTorch's form (the constructor of io.opsgi.op 1.2). */
    public MaxPool2dAttrs(HW kernel, HW stride, HW padding, HW dilation, boolean ceilMode) {
        this(kernel, stride, padding, dilation, ceilMode, null);
    }

    /** A k x k window with stride k, no padding. */
    public static MaxPool2dAttrs of(int k) {
        return new MaxPool2dAttrs(HW.of(k), null, HW.of(0), HW.of(1), false);
    }

    /** Whether this is ONNX's four-sided form. */
    public boolean onnx() {
        return pads != null;
    }

    public MaxPool2dAttrs withStride(int s) {
        return new MaxPool2dAttrs(kernel, HW.of(s), padding, dilation, ceilMode, pads);
    }

    public MaxPool2dAttrs withPadding(int p) {
        return new MaxPool2dAttrs(kernel, stride, HW.of(p), dilation, ceilMode, null);
    }

    /** ONNX's four-sided form, {@code [top, left, bottom, right]}. */
    public MaxPool2dAttrs withPads(Pads p) {
        return new MaxPool2dAttrs(kernel, stride, null, dilation, ceilMode, p);
    }

    public MaxPool2dAttrs withDilation(int d) {
        return new MaxPool2dAttrs(kernel, stride, padding, HW.of(d), ceilMode, pads);
    }

    public MaxPool2dAttrs withCeilMode(boolean c) {
        return new MaxPool2dAttrs(kernel, stride, padding, dilation, c, pads);
    }
}
