package io.opsgi.op;

import org.osgi.annotation.versioning.ConsumerType;

/** Computes torch.neg (throwaway op: docs/ADDING-AN-OPERATOR.md was measured with it). */
@ConsumerType
public interface NegKernel extends Kernel {
    void neg(float[] x, @Output float[] y);
}
