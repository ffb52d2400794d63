package io.opsgi.op;

import org.osgi.annotation.versioning.ConsumerType;

/** Computes {@code torch.matmul} as a batch of matrix products ({@link MatmulGeometry}). */
@ConsumerType
public interface MatmulKernel extends Kernel {
    /**
     * {@code y[b, i, j] = sum_p input[inputOffset(b) + i*k + p] * other[otherOffset(b) + p*n + j]} for
     * every product b; y is (batch, m, n) row-major and never empty; with k = 0 every element is 0.
     */
    void matmul(MatmulGeometry g, float[] input, float[] other, @Output float[] y);
}
