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
    void convTranspose2d(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y);
}
