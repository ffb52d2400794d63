package io.opsgi.cli;

import java.util.Arrays;
import java.util.Locale;

/** Wall times of repeated runs: the median is the typical run, the minimum the least disturbed one. */
record RunTimes(int runs, double medianMillis, double minMillis) {
    static RunTimes of(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
        return new RunTimes(n, median / 1e6, sorted[0] / 1e6);
    }

    /** e.g. {@code 10 runs: median 3.412 ms, min 3.101 ms}. */
    String describe() {
        return String.format(Locale.ROOT, "%d runs: median %.3f ms, min %.3f ms", runs, medianMillis, minMillis);
    }
}
