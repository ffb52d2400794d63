package org.example.kernels;

import io.opsgi.op.ActivationAttrs;
import io.opsgi.op.ElementwiseKernel;

/**
 * A kernel written by someone outside the project, built without Maven or bnd (see build.sh).
 * Correct: clamp with C++ std::max/std::min semantics, which keep NaN and -0.0 as PyTorch does.
 */
public class StrangerRelu6 implements ElementwiseKernel {
    @Override
    public void activate(ActivationAttrs a, float[] x, float[] y) {
        for (int i = 0; i < x.length; i++) {
            float v = x[i] < 0f ? 0f : x[i];
            y[i] = 6f < v ? 6f : v;
        }
    }
}
