package io.opsgi.op;

import java.util.Objects;

/**
 * Attributes of avg_pool2d; a null stride means the kernel size; a null divisorOverride means none.
 * {@code pads} is null in PyTorch's form (symmetric {@code padding}, PyTorch's rules); given, it is
 * ONNX's four-sided form ({@code [top, left, bottom, right]}, ONNX Runtime's rules) and {@code padding}
 * holds its begin pads (top, left). In both forms count_include_pad counts the explicit pads but not a
 * ceil_mode overhang past them.
 */
public record AvgPool2dAttrs(HW kernel, HW stride, HW padding, boolean ceilMode, boolean countIncludePad, Integer divisorOverride, Pads pads) {
    public AvgPool2dAttrs {
        Objects.requireNonNull(kernel, "kernel");
        stride = stride == null ? kernel : stride;
        if (pads != null) {
            padding = HW.of(pads.top(), pads.left());
            Pooling.checkOnnxWindow(AvgPool2d.OP, kernel, stride, pads, HW.of(1));
        } else {
            Objects.requireNonNull(padding, "padding");
            Pooling.checkWindow(AvgPool2d.OP, kernel, stride, padding, HW.of(1));
        }
        OpException.check(divisorOverride == null || divisorOverride != 0, AvgPool2d.OP, "divisor_nonzero",
                "divisor must be not zero, got divisor_override=0");
    }

    /** PyTorch's form (the constructor of io.opsgi.op 1.2). */
    public AvgPool2dAttrs(HW kernel, HW stride, HW padding, boolean ceilMode, boolean countIncludePad, Integer divisorOverride) {
        this(kernel, stride, padding, ceilMode, countIncludePad, divisorOverride, null);
    }

    /** A k x k window with stride k, no padding, count_include_pad=True, no divisor override. */
    public static AvgPool2dAttrs of(int k) {
        return new AvgPool2dAttrs(HW.of(k), null, HW.of(0), false, true, null);
    }

    /** Whether this is ONNX's four-sided form. */
    public boolean onnx() {
        return pads != null;
    }

    public AvgPool2dAttrs withStride(int s) {
        return new AvgPool2dAttrs(kernel, HW.of(s), padding, ceilMode, countIncludePad, divisorOverride, pads);
    }

    public AvgPool2dAttrs withPadding(int p) {
        return new AvgPool2dAttrs(kernel, stride, HW.of(p), ceilMode, countIncludePad, divisorOverride, null);
    }

    /** ONNX's four-sided form, {@code [top, left, bottom, right]}. */
    public AvgPool2dAttrs withPads(Pads p) {
        return new AvgPool2dAttrs(kernel, stride, null, ceilMode, countIncludePad, divisorOverride, p);
    }

    public AvgPool2dAttrs withCeilMode(boolean c) {
        return new AvgPool2dAttrs(kernel, stride, padding, c, countIncludePad, divisorOverride, pads);
    }

    public AvgPool2dAttrs withCountIncludePad(boolean c) {
        return new AvgPool2dAttrs(kernel, stride, padding, ceilMode, c, divisorOverride, pads);
    }

    public AvgPool2dAttrs withDivisorOverride(Integer d) {
        return new AvgPool2dAttrs(kernel, stride, padding, ceilMode, countIncludePad, d, pads);
    }
}
