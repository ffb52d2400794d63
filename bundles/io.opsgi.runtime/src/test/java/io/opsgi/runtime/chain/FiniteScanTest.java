package io.opsgi.runtime.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class FiniteScanTest {
    private static final float[] NOT_FINITE = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.intBitsToFloat(0xffc00001)};
    private static final float[] EDGES = {Float.MAX_VALUE, -Float.MAX_VALUE, -0.0f, 0.0f, Float.MIN_VALUE, -Float.MIN_NORMAL};

    @Test
    void oneNonFiniteValueAnywhereIsFoundAndFiniteExtremesAreNot() {
        Random r = new Random(7);
        for (int n : new int[] {0, 1, 15, 16, 17, 63, 64, 65, 4095, 4096, 4097, 8192 + 5, 3 * 4096 + 31}) {
            float[] a = new float[n];
            for (int i = 0; i < n; i++) {
                a[i] = i < EDGES.length ? EDGES[i] : (r.nextFloat() - 0.5f) * 1e30f;
            }
            assertEquals(true, FiniteScan.allFinite(a), "finite, length " + n);
            assertEquals(true, FiniteScan.Vectors.allFinite(a), "finite, vector path, length " + n);
            for (int at : new int[] {0, n / 2, 4095, 4096, n - 1}) {
                if (at < 0 || at >= n) {
                    continue;
                }
                for (float bad : NOT_FINITE) {
                    float keep = a[at];
                    a[at] = bad;
                    String what = bad + " at " + at + " of " + n;
                    assertEquals(false, FiniteScan.allFinite(a), what);
                    assertEquals(false, FiniteScan.Vectors.allFinite(a), "vector path, " + what);
                    assertEquals(false, FiniteScan.allFinite(a, 0), "plain loop, " + what);
                    a[at] = keep;
                }
            }
        }
    }
}
