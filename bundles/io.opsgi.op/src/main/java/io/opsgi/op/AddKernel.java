package io.opsgi.op;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Computes element-wise add of two tensors of one shape (io.opsgi.op 1.2's add family).
 *
 * @deprecated the add op is served by {@link BinaryKernel} (with broadcasting, with sub, mul and div);
 *             the runtime no longer calls this interface
 */
@Deprecated
@ConsumerType
public interface AddKernel extends Kernel {
    /** {@code y[i] = a[i] + b[i]} for every i; a, b and y have the same length (never 0). */
    void add(float[] a, float[] b, @Output float[] y);
}
