package io.opsgi.op;

import java.util.Objects;

/** Attributes of lp_pool2d (no padding, no dilation); a null stride means the kernel size. */
public record LpPool2dAttrs(double normType, HW kernel, HW stride, boolean ceilMode) {
    public LpPool2dAttrs {
        Objects.requireNonNull(kernel, "kernel");
        stride = stride == null ? kernel : stride;
        // F.lp_pool2d computes 1.0 / norm_type in Python.
        OpException.check(normType != 0, LpPool2d.OP, "norm_type_nonzero", "norm_type must not be zero (1/norm_type), got norm_type=" + normType);
        Pooling.checkWindow(LpPool2d.OP, kernel, stride, HW.of(0), HW.of(1));
    }

    public static LpPool2dAttrs of(double p, int k) {
        return new LpPool2dAttrs(p, HW.of(k), null, false);
    }
}
