package io.opsgi.op;

import org.osgi.annotation.versioning.ConsumerType;

/** Computes lp_pool2d exactly as F.lp_pool2d: avg_pool2d of x^p, times kh*kw, to the power 1/p (no absolute value). */
@ConsumerType
public interface LpPool2dKernel extends Kernel {
    /**
     * Fills {@code y} completely from {@code x}, both NCHW for the batched geometry.
     *
     * @param normType p, non-zero
     */
    void lpPool2d(PoolGeometry g, double normType, float[] x, @Output float[] y);
}
