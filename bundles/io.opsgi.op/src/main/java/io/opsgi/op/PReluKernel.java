package io.opsgi.op;

import org.osgi.annotation.versioning.ConsumerType;

/** Computes prelu as ATen does, {@code (x > 0 ? 1 : weight[c]) * x}, with c the index along dimension 1. */
@ConsumerType
public interface PReluKernel extends Kernel {
    /**
     * @param x      (outer, channels, inner) in row-major order
     * @param weight one slope, or one per channel
     */
    void prelu(int outer, int channels, int inner, float[] x, float[] weight, @Output float[] y);
}
