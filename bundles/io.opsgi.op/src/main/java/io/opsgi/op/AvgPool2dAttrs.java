package io.opsgi.op;

import java.util.Objects;

/** Attributes of avg_pool2d; a null stride means the kernel size; a null divisorOverride means none. */
public record AvgPool2dAttrs(HW kernel, HW stride, HW padding, boolean ceilMode, boolean countIncludePad, Integer divisorOverride) {
    public AvgPool2dAttrs {
        Objects.requireNonNull(kernel, "kernel");
        stride = stride == null ? kernel : stride;
        Objects.requireNonNull(padding, "padding");
        Pooling.checkWindow(AvgPool2d.OP, kernel, stride, padding, HW.of(1));
        OpException.check(divisorOverride == null || divisorOverride != 0, AvgPool2d.OP, "divisor_nonzero",
                "divisor must be not zero, got divisor_override=0");
    }

    /** A k x k window with stride k, no padding, count_include_pad=True, no divisor override. */
    public static AvgPool2dAttrs of(int k) {
        return new AvgPool2dAttrs(HW.of(k), null, HW.of(0), false, true, null);
    }

    public AvgPool2dAttrs withStride(int s) {
        return new AvgPool2dAttrs(kernel, HW.of(s), padding, ceilMode, countIncludePad, divisorOverride);
    }

    public AvgPool2dAttrs withPadding(int p) {
        return new AvgPool2dAttrs(kernel, stride, HW.of(p), ceilMode, countIncludePad, divisorOverride);
    }

    public AvgPool2dAttrs withCeilMode(boolean c) {
        return new AvgPool2dAttrs(kernel, stride, padding, c, countIncludePad, divisorOverride);
    }

    public AvgPool2dAttrs withCountIncludePad(boolean c) {
        return new AvgPool2dAttrs(kernel, stride, padding, ceilMode, c, divisorOverride);
    }

    public AvgPool2dAttrs withDivisorOverride(Integer d) {
        return new AvgPool2dAttrs(kernel, stride, padding, ceilMode, countIncludePad, d);
    }
}
