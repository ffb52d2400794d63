package io.opsgi.op;

import org.osgi.annotation.versioning.ConsumerType;

/** Computes linear ({@code F.linear}): {@code y = x·Wᵀ + b} over the last dimension. */
@ConsumerType
public interface LinearKernel extends Kernel {
    /**
     * @param x    input, (rows, inFeatures) row-major
     * @param w    weight, (outFeatures, inFeatures)
     * @param bias (outFeatures) or null
     * @param y    output to fill completely, (rows, outFeatures); with inFeatures = 0 it is the bias (or 0)
     */
    void linear(LinearGeometry g, float[] x, float[] w, float[] bias, @Output float[] y);
}
