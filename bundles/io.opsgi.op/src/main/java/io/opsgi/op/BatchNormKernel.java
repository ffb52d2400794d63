package io.opsgi.op;

import org.osgi.annotation.versioning.ConsumerType;

/** Computes batch_norm (PyTorch semantics). Never writes its inputs: updated statistics go to new arrays. */
@ConsumerType
public interface BatchNormKernel extends Kernel {
    /**
     * Inference normalizes with {@code mean}/{@code var}. Training normalizes with the batch mean and
     * biased variance, and writes {@code (1-m)*running + m*batch} into {@code newMean} and into
     * {@code newVar} (unbiased variance for the running update). Each is non-null exactly when its
     * running statistic was given, independently of the other (as ATen): either may be null alone.
     *
     * @param weight (c) or null for 1
     * @param bias   (c) or null for 0
     * @param mean   running mean (c); null in training when not given
     * @param var    running variance (c); null in training when not given
     */
    void batchNorm(BatchNormGeometry g, BatchNormAttrs a, float[] x, float[] mean, float[] var, float[] weight, float[] bias,
            @Output float[] y, @Output float[] newMean, @Output float[] newVar);
}
