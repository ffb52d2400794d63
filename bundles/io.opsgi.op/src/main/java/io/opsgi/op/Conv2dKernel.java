package io.opsgi.op;

import org.osgi.annotation.versioning.ConsumerType;

/** Computes conv2d (cross-correlation, PyTorch semantics) for a validated geometry. */
@ConsumerType
public interface Conv2dKernel extends Kernel {
    /**
     * @param x    input, {@code g.inputShape()}, NCHW
     * @param w    weight, (cOut, cIn/groups, kh, kw)
     * @param bias (cOut) or null
     * @param y    output to fill completely, {@code g.outputShape()}
     */
    void conv2d(ConvGeometry g, float[] x, float[] w, float[] bias, @Output float[] y);

    /**
     * Whether this kernel computes {@code g}. A specialised kernel (depthwise only, 3x3 only, ...)
     * answers false for the rest, and the runtime hands those calls to the next kernel in rank
     * order, ultimately the reference, which supports every geometry. Conformance checks a kernel
     * on exactly the geometries it supports.
     */
    default boolean supports(ConvGeometry g) {
        return true;
    }
}
