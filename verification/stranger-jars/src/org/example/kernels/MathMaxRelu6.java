package org.example.kernels;

import io.opsgi.op.ActivationAttrs;
import io.opsgi.op.ElementwiseKernel;

/**
 * Subtly wrong on purpose: right for almost every input, but Java's Math.max(-0.0f, 0f) is +0.0,
 * while PyTorch's relu6(-0.0) is -0.0. Verification must catch it (relu6_special_values).
 */
public class MathMaxRelu6 implements ElementwiseKernel {
    @Override
    public void activate(ActivationAttrs a, float[] x, float[] y) {
        for (int i = 0; i < x.length; i++) {
            y[i] = Math.min(Math.max(x[i], 0f), 6f);
        }
    }
}
