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
    void conv2d(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y);
}
