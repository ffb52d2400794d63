package io.opsgi.op;

import org.osgi.annotation.versioning.ConsumerType;

/** Computes adaptive_avg_pool2d (and global_avg_pool2d, its 1x1 case) with ATen's window formulas. */
@ConsumerType
public interface AdaptiveAvgPool2dKernel extends Kernel {
    /**
     * Fills {@code y} completely from {@code x}, both NCHW for the batched geometry.
     *
     * @param y (n, c, oh, ow)
     */
    void adaptiveAvgPool2d(AdaptiveGeometry g, float[] x, @Output float[] y);
}
