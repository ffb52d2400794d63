package io.opsgi.benchmarks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PairedStatsTest {
    @Test
    void ranksAreTheBinomialTails() {
        // P(Bin(n, 1/2) <= k - 1) <= 2.5% < P(Bin(n, 1/2) <= k): n = 6: 1/64 = 1.6%, 7/64 = 10.9%; n = 20: 2.07%, 5.77%
        assertEquals(0, PairedStats.lowerRank(5)); // 1/32 = 3.1% already
        assertEquals(1, PairedStats.lowerRank(6));
        assertEquals(6, PairedStats.lowerRank(20));
    }

    @Test
    void medianAndIntervalAreOrderStatistics() {
        double[] r = new double[20];
        for (int i = 0; i < r.length; i++) {
            r[i] = 20 - i; // 20 .. 1, unsorted on purpose
        }
        double[] copy = r.clone();
        assertArrayEquals(new double[] {10.5, 6, 15}, PairedStats.medianWithInterval(r));
        assertArrayEquals(copy, r, "the samples are not reordered");
        assertTrue(Double.isNaN(PairedStats.medianWithInterval(new double[] {1, 2, 3})[1]));
    }
}
