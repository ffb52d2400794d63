package io.opsgi.op;

import org.osgi.annotation.versioning.ConsumerType;

/** Computes element-wise add ({@code torch.add} without broadcasting): the residual connection. */
@ConsumerType
public interface AddKernel extends Kernel {
    /** {@code y[i] = a[i] + b[i]} for every i; a, b and y have the same length (never 0). */
    void add(float[] a, float[] b, @Output float[] y);
}
