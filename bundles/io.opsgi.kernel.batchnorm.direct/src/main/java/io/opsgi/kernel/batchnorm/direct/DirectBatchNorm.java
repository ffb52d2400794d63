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
 * per channel {@code y = fma(x, alpha, beta)} with {@code alpha = invstd*w} and
 * {@code beta = fma(-mean, alpha, b)}: the AVX2 build fuses both multiply-adds. This is not the textbook
 * {@code (x - mean)/sqrt(var + eps)*w + b}; with a large mean against the spread, neither is rounding
 * each step apart (an ulp of {@code mean*alpha} lost to cancellation).
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
                float varSum;
                if (spatial == 1) {
                    // (N, C) and NC11 are also channels-last: batch_norm_cpu_collect_stats_channels_last_impl
                    // (one thread) sums x in float, the mean is that sum over n rounded to float, and the
                    // squares (x - mean)^2 are accumulated in float, each fused into its add (AVX2 FMA).
                    float sum = 0;
                    for (int b = 0; b < n; b++) {
                        sum += x[b * channels + c];
                    }
                    mu = (float) ((double) sum / count);
                    float squares = 0;
                    for (int b = 0; b < n; b++) {
                        float d = x[b * channels + c] - mu;
                        squares = Math.fma(d, d, squares);
                    }
                    varSum = squares;
                } else {
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
                    varSum = (float) squares;
                }
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
            // ATen's AVX2 build fuses both into FMAs; rounding twice differs by an ulp of mean*alpha,
            // which is far above the output's when |mean| is large against the spread (cancellation)
            float beta = Math.fma(-mu, alpha, b);
            for (int batch = 0; batch < n; batch++) {
                int base = (batch * channels + c) * spatial;
                for (int k = 0; k < spatial; k++) {
                    y[base + k] = Math.fma(x[base + k], alpha, beta);
                }
            }
        }
    }

    /** ATen's InvStd: 1/sqrt(var + eps), but 0 when var and eps are both 0 (no division by zero). */
    private static double invStd(double var, double eps) {
        return var == 0 && eps == 0 ? 0 : 1 / Math.sqrt(var + eps);
    }
}
