package io.opsgi.kernel.batchnorm.vector;

import io.opsgi.kernel.support.Parallel;
import io.opsgi.op.BatchNormAttrs;
import io.opsgi.op.BatchNormGeometry;
import io.opsgi.op.BatchNormKernel;
import io.opsgi.op.Kernel;
import io.opsgi.op.KernelInfo;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.propertytypes.ServiceRanking;

/**
 * batch_norm, vectorized and multi-threaded, in the float order of the reference (PyTorch 1.13's
 * contiguous CPU path, OPERATOR-SEMANTICS §8): per channel {@code alpha = invstd*w} and
 * {@code beta = fma(-mean, alpha, b)} in float, then {@code y = fma(x, alpha, beta)} (ATen's AVX2 build
 * fuses both), so inference is bit-identical to the reference kernel.
 *
 * <p>Training sums the batch statistics in double, as the reference does, on the Vector API: the
 * float terms the reference adds ({@code x}, then {@code (x - mean)^2} squared in float) are widened
 * lane by lane, and only the order of the double additions differs, far below float resolution, so
 * the float mean and variance almost always come out identical. Planes, or channels for the
 * statistics, are spread over {@code Parallel}'s threads.
 */
@Component(service = {Kernel.class, BatchNormKernel.class})
@KernelInfo(op = "batch_norm", variant = "vector")
@ServiceRanking(100)
public final class VectorBatchNorm implements BatchNormKernel {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    /** Floats widened to doubles: float vectors of half the width, so that lane counts match. */
    private static final VectorSpecies<Float> HALF = VectorSpecies.of(float.class, VectorShape.forBitSize(D.vectorBitSize() / 2));
    private static final int H = HALF.length();
    /** Elements below which a chunk is cheaper to run than to hand to another thread. */
    private static final long MIN_ELEMENTS_PER_TASK = 1 << 15;

    @Override
    public void batchNorm(BatchNormGeometry g, BatchNormAttrs a, float[] x, float[] mean, float[] var, float[] weight, float[] bias,
            float[] y, float[] newMean, float[] newVar) {
        int channels = g.c(), spatial = g.spatial();
        float[] alpha = new float[channels];
        float[] beta = new float[channels];
        if (a.training()) {
            Parallel.forRange(channels, grain((long) g.n() * spatial),
                    (from, to) -> trainingStatistics(g, a, x, mean, var, weight, bias, alpha, beta, newMean, newVar, from, to));
        } else {
            float eps = (float) a.eps();
            for (int c = 0; c < channels; c++) {
                float invstd = 1f / (float) Math.sqrt(var[c] + eps); // float sqrt, correctly rounded
                scaleAndShift(c, mean[c], invstd, weight, bias, alpha, beta);
            }
        }
        Parallel.forRange(g.n() * channels, grain(spatial), (from, to) -> {
            for (int p = from; p < to; p++) {
                int c = p % channels;
                normalize(x, y, p * spatial, spatial, alpha[c], beta[c]);
            }
        });
    }

    /** Planes or channels per chunk so that a chunk holds at least {@link #MIN_ELEMENTS_PER_TASK} elements. */
    private static int grain(long elementsPerItem) {
        return (int) Math.max(1, MIN_ELEMENTS_PER_TASK / Math.max(1, elementsPerItem));
    }

    /** ATen's per-channel fold: {@code alpha = invstd*w}, {@code beta = fma(-mean, alpha, b)}, in float. */
    private static void scaleAndShift(int c, float mean, float invstd, float[] weight, float[] bias, float[] alpha, float[] beta) {
        float w = weight == null ? 1f : weight[c];
        float b = bias == null ? 0f : bias[c];
        alpha[c] = invstd * w;
        beta[c] = Math.fma(-mean, alpha[c], b);
    }

    /**
     * Channels [from, to) in training: ATen's batch_norm_cpu_collect_stats (the sum in double, the
     * mean rounded to float, then the sum of float squares (x - mean)^2 in double, rounded to float),
     * the normalization with the biased variance, and the running statistics with the unbiased one.
     */
    private static void trainingStatistics(BatchNormGeometry g, BatchNormAttrs a, float[] x, float[] mean, float[] var, float[] weight,
            float[] bias, float[] alpha, float[] beta, float[] newMean, float[] newVar, int from, int to) {
        int n = g.n(), channels = g.c(), spatial = g.spatial();
        long count = (long) n * spatial;
        float momentum = (float) a.momentum();
        for (int c = from; c < to; c++) {
            float mu;
            float varSum;
            if (spatial == 1) {
                // (N, C) and NC11 are also channels-last: ATen's channels-last statistics (one thread) sum x in
                // float and the squares (x - mean)^2 in float, each fused into its add (the reference's order)
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
                double sum = 0;
                for (int b = 0; b < n; b++) {
                    sum += sum(x, (b * channels + c) * spatial, spatial);
                }
                mu = (float) (sum / count);
                double squares = 0;
                for (int b = 0; b < n; b++) {
                    squares += sumOfSquares(x, (b * channels + c) * spatial, spatial, mu);
                }
                varSum = (float) squares;
            }
            // the biased variance varSum/n is a float division; invstd is taken in double
            scaleAndShift(c, mu, (float) invStd(varSum / count, a.eps()), weight, bias, alpha, beta);
            if (newMean != null) {
                // running <- (1 - m)*running + m*batch, with m rounded to float
                newMean[c] = momentum * mu + (1 - momentum) * mean[c];
            }
            if (newVar != null) {
                // ... with the unbiased variance varSum/(n-1) for the running estimate
                double unbiased = varSum / (count - 1);
                newVar[c] = (float) (momentum * unbiased + (1 - momentum) * var[c]);
            }
        }
    }

    /** ATen's InvStd: 1/sqrt(var + eps), but 0 when var and eps are both 0 (no division by zero). */
    private static double invStd(double var, double eps) {
        return var == 0 && eps == 0 ? 0 : 1 / Math.sqrt(var + eps);
    }

    /** The double sum of {@code x[off .. off+len)}. */
    private static double sum(float[] x, int off, int len) {
        DoubleVector acc0 = DoubleVector.zero(D);
        DoubleVector acc1 = acc0;
        int i = 0;
        for (; i <= len - 2 * H; i += 2 * H) {
            acc0 = acc0.add(widen(FloatVector.fromArray(HALF, x, off + i)));
            acc1 = acc1.add(widen(FloatVector.fromArray(HALF, x, off + i + H)));
        }
        double s = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) {
            s += x[off + i];
        }
        return s;
    }

    /** The double sum of the float squares {@code (x - mean)^2} over {@code x[off .. off+len)}. */
    private static double sumOfSquares(float[] x, int off, int len, float mean) {
        DoubleVector acc0 = DoubleVector.zero(D);
        DoubleVector acc1 = acc0;
        int i = 0;
        for (; i <= len - 2 * H; i += 2 * H) {
            FloatVector d0 = FloatVector.fromArray(HALF, x, off + i).sub(mean);
            FloatVector d1 = FloatVector.fromArray(HALF, x, off + i + H).sub(mean);
            acc0 = acc0.add(widen(d0.mul(d0)));
            acc1 = acc1.add(widen(d1.mul(d1)));
        }
        double s = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) {
            float d = x[off + i] - mean;
            s += d * d;
        }
        return s;
    }

    private static DoubleVector widen(FloatVector v) {
        return (DoubleVector) v.convertShape(VectorOperators.F2D, D, 0);
    }

    /**
     * {@code y = fma(x, alpha, beta)} over {@code [off, off+len)}, as the reference.
     * A plain loop on purpose (C2 vectorizes {@code Math.fma} on FMA hardware): C2 vectorizes it with full-width vectors and, unlike Vector API code
     * (which cannot see where an array lies in memory), aligns its stores to cache lines; measured
     * on the 64x112x112 workload, 69 us against 75-87 us for the explicit vector loop, depending
     * on the array's alignment.
     */
    private static void normalize(float[] x, float[] y, int off, int len, float alpha, float beta) {
        for (int i = off, end = off + len; i < end; i++) {
            y[i] = Math.fma(x[i], alpha, beta);
        }
    }
}
