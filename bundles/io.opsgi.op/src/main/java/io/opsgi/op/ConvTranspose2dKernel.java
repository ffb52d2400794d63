package io.opsgi.op;

import org.osgi.annotation.versioning.ConsumerType;

/** Computes conv_transpose2d (the adjoint of conv2d, PyTorch semantics) for a validated geometry. */
@ConsumerType
public interface ConvTranspose2dKernel extends Kernel {
    /**
     * @param x    input, (n, cIn, h, w)
     * @param w    weight, (cIn, cOut/groups, kh, kw)
     * @param bias (cOut) or null
     * @param y    output to fill completely, (n, cOut, oh, ow)
     */
    void convTranspose2d(ConvGeometry g, float[] x, float[] w, float[] bias, @Output float[] y);

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
