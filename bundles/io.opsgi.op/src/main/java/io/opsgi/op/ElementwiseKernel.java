package io.opsgi.op;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Computes element-wise activations. A kernel serves the activations it lists in
 * {@code opsgi.op}; it is only called with those.
 */
@ConsumerType
public interface ElementwiseKernel extends Kernel {
    /** {@code y[i] = f(x[i])} for every i; x and y have the same length. */
    void activate(ActivationAttrs a, float[] x, @Output float[] y);
}
