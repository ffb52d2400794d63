package io.opsgi.kernel.batchnorm.direct;

import io.opsgi.op.BatchNormAttrs;
import io.opsgi.op.BatchNormGeometry;
import io.opsgi.op.BatchNormKernel;
import io.opsgi.op.Kernel;
import io.opsgi.op.KernelInfo;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.propertytypes.ServiceRanking;

/**
 * The reference batch_norm, written as PyTorch 1.13's contiguous CPU path computes it in float32
 * (ATen {@code Normalization.cpp} and {@code cpu/batch_norm_kernel.cpp}; OPERATOR-SEMANTICS §8):
 * per channel {@code y = x*alpha + beta} with {@code alpha = invstd*w} and
 * {@code beta = b - mean*alpha}. This is not bit-identical to the textbook
 * {@code (x - mean)/sqrt(var + eps)*w + b}; they differ by a few ulp.
 *
 * <p>PyTorch's AVX2 build may fuse {@code x*alpha + beta} into one FMA; Java rounds twice, so
 * results can differ from PyTorch by an ulp of the output.
 */
@Component(service = {Kernel.class, BatchNormKernel.class})
@KernelInfo(op = "batch_norm", variant = "direct")
@ServiceRanking(0)
public final class DirectBatchNorm implements BatchNormKernel {

    @Override
    public void batchNorm(BatchNormGeometry g, BatchNormAttrs a, float[] x, float[] mean, float[] var, float[] weight, float[] bias,
            float[] y, float[] newMean, float[] newVar) {
        int n = g.n(), channels = g.c(), spatial = g.spatial();
        long count = (long) n * spatial; // values per channel
        float momentum = (float) a.momentum();
        for (int c = 0; c < channels; c++) {
            float mu;
            float invstd;
            if (a.training()) {
                // batch_norm_cpu_collect_stats: the sum in double, the mean rounded to float, then the
                // sum of float squares (x - mean)^2 in double, rounded to float.
                double sum = 0;
                for (int b = 0; b < n; b++) {
                    int base = (b * channels + c) * spatial;
                    for (int k = 0; k < spatial; k++) {
                        sum += x[base + k];
                    }
                }
                mu = (float) (sum / count);
                double squares = 0;
                for (int b = 0; b < n; b++) {
                    int base = (b * channels + c) * spatial;
                    for (int k = 0; k < spatial; k++) {
                        float d = x[base + k] - mu;
                        squares += d * d;
                    }
                }
                float varSum = (float) squares;
                // Normalize with the biased variance varSum/n (a float division), invstd in double.
                invstd = (float) invStd(varSum / count, a.eps());
                if (newMean != null) {
                    // running <- (1 - m)*running + m*batch, with m rounded to float
                    newMean[c] = momentum * mu + (1 - momentum) * mean[c];
                }
                if (newVar != null) {
                    // ... with the unbiased variance varSum/(n-1) for the running estimate
                    double unbiased = varSum / (count - 1);
                    newVar[c] = (float) (momentum * unbiased + (1 - momentum) * var[c]);
                }
            } else {
                mu = mean[c];
                invstd = 1f / (float) Math.sqrt(var[c] + (float) a.eps()); // float sqrt, correctly rounded
            }
            float w = weight == null ? 1f : weight[c];
            float b = bias == null ? 0f : bias[c];
            float alpha = invstd * w;
            float beta = b - mu * alpha;
            for (int batch = 0; batch < n; batch++) {
                int base = (batch * channels + c) * spatial;
                for (int k = 0; k < spatial; k++) {
                    y[base + k] = x[base + k] * alpha + beta;
                }
            }
        }
    }

    /** ATen's InvStd: 1/sqrt(var + eps), but 0 when var and eps are both 0 (no division by zero). */
    private static double invStd(double var, double eps) {
        return var == 0 && eps == 0 ? 0 : 1 / Math.sqrt(var + eps);
    }
}
