package io.opsgi.benchmarks;

import java.util.Arrays;

/**
 * The median of paired ratios with a distribution-free 95% confidence interval: how the paired measurements
 * ({@link ModelPairs}, {@code io.opsgi.runtime.internal.LiveChecksPaired}) read a difference smaller than the
 * machine's drift, each ratio taken between neighbours that saw the same machine.
 */
public final class PairedStats {
    private PairedStats() {
    }

    /** The median and its 95% interval of {@code ratios} (not modified): {median, low, high}, the bounds NaN for too few samples. */
    public static double[] medianWithInterval(double[] ratios) {
        double[] r = ratios.clone();
        Arrays.sort(r);
        int n = r.length;
        double median = sortedMedian(r);
        int k = lowerRank(n);
        return k < 1 ? new double[] {median, Double.NaN, Double.NaN} : new double[] {median, r[k - 1], r[n - k]};
    }

    /** The median of {@code values} (not modified). */
    public static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return sortedMedian(v);
    }

    private static double sortedMedian(double[] v) {
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    /**
     * The largest k with P(Binomial(n, 1/2) &lt; k) &lt;= 2.5%: the k-th smallest and k-th largest of n samples bound
     * their median with at least 95% confidence, whatever the distribution (0: too few samples).
     */
    public static int lowerRank(int n) {
        double cdf = 0;
        double logHalfN = n * Math.log(0.5);
        double logChoose = 0; // log C(n, j)
        int k = 0;
        for (int j = 0; j < n; j++) {
            if (j > 0) {
                logChoose += Math.log((double) (n - j + 1) / j);
            }
            cdf += Math.exp(logChoose + logHalfN); // P(X <= j)
            if (cdf > 0.025) {
                break;
            }
            k = j + 1; // P(X < k) = P(X <= j) <= 2.5%
        }
        return k;
    }
}
