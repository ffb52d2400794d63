package io.opsgi.op;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Computes the binary element-wise ops with broadcasting (add, sub, mul, div). A kernel serves the
 * ops it lists in {@code opsgi.op}; it is only called with those.
 */
@ConsumerType
public interface BinaryKernel extends Kernel {
    /**
     * {@code y[i] = input[a(i)] op other[b(i)]} for every output element i (row-major), where a(i) and
     * b(i) follow {@code g}'s strides; y has {@code g.output().size()} elements (never 0).
     */
    void binary(BroadcastGeometry g, float[] input, float[] other, @Output float[] y);

    /**
     * Whether this kernel computes {@code g}. A fast kernel for the shapes CNNs use (same shape, one
     * value per channel) answers false for the rest, and the runtime hands those calls down the
     * chain, ultimately to the reference, which supports every broadcast.
     */
    default boolean supports(BroadcastGeometry g) {
        return true;
    }
}
