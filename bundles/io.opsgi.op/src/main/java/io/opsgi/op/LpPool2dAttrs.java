package io.opsgi.op;

import java.util.Objects;

/**
 * Attributes of lp_pool2d; a null stride means the kernel size. PyTorch's F.lp_pool2d has no padding:
 * {@code padding} (symmetric, default 0) is passed to the avg_pool2d that F.lp_pool2d is built on,
 * with avg_pool2d's rules; {@code pads}, if given, is ONNX's four-sided form ({@code [top, left,
 * bottom, right]}, ONNX Runtime's rules; {@code padding} then holds its begin pads). {@code absInput}
 * sums {@code |x|^p} as ONNX LpPool does instead of PyTorch's {@code x^p}.
 */
public record LpPool2dAttrs(double normType, HW kernel, HW stride, boolean ceilMode, HW padding, Pads pads, boolean absInput) {
    public LpPool2dAttrs {
        Objects.requireNonNull(kernel, "kernel");
        stride = stride == null ? kernel : stride;
        // F.lp_pool2d computes 1.0 / norm_type in Python.
        OpException.check(normType != 0, LpPool2d.OP, "norm_type_nonzero", "norm_type must not be zero (1/norm_type), got norm_type=" + normType);
        if (pads != null) {
            padding = HW.of(pads.top(), pads.left());
            Pooling.checkOnnxWindow(LpPool2d.OP, kernel, stride, pads, HW.of(1));
        } else {
            padding = padding == null ? HW.of(0) : padding;
            Pooling.checkWindow(LpPool2d.OP, kernel, stride, padding, HW.of(1));
        }
    }

    /** PyTorch's F.lp_pool2d (the constructor of io.opsgi.op 1.2): no padding, x^p. */
    public LpPool2dAttrs(double normType, HW kernel, HW stride, boolean ceilMode) {
        this(normType, kernel, stride, ceilMode, HW.of(0), null, false);
    }

    public static LpPool2dAttrs of(double p, int k) {
        return new LpPool2dAttrs(p, HW.of(k), null, false);
    }

    /** Whether this is ONNX's four-sided form. */
    public boolean onnx() {
        return pads != null;
    }

    /** ONNX's four-sided form, {@code [top, left, bottom, right]}. */
    public LpPool2dAttrs withPads(Pads p) {
        return new LpPool2dAttrs(normType, kernel, stride, ceilMode, null, p, absInput);
    }

    public LpPool2dAttrs withAbsInput(boolean a) {
        return new LpPool2dAttrs(normType, kernel, stride, ceilMode, padding, pads, a);
    }
}
