package io.opsgi.op;

import org.osgi.annotation.versioning.ConsumerType;

/** Computes adaptive_max_pool2d (and global_max_pool2d) with max_pool2d's NaN and tie rules. */
@ConsumerType
public interface AdaptiveMaxPool2dKernel extends Kernel {
    /**
     * Fills {@code y} completely from {@code x}, both NCHW for the batched geometry.
     *
     * @param indices flat {@code h*W + w} per plane, or null when not wanted
     */
    void adaptiveMaxPool2d(AdaptiveGeometry g, float[] x, @Output float[] y, @Output long[] indices);
}
