package io.opsgi.op;

import org.osgi.annotation.versioning.ConsumerType;

/** Computes softmax or log_softmax along one dimension, numerically stable (max subtracted). */
@ConsumerType
public interface SoftmaxKernel extends Kernel {
    /** x and y are (outer, channels, inner) in row-major order; normalizes over {@code channels}. */
    void softmax(int outer, int channels, int inner, boolean log, float[] x, @Output float[] y);
}
