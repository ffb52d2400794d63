package io.opsgi.op;

import org.osgi.annotation.versioning.ConsumerType;

/** Computes prelu: {@code x >= 0 ? x : weight[c] * x} with c the index along dimension 1. */
@ConsumerType
public interface PReluKernel extends Kernel {
    /**
     * @param x      (outer, channels, inner) in row-major order
     * @param weight one slope, or one per channel
     */
    void prelu(int outer, int channels, int inner, float[] x, float[] weight, float[] y);
}
