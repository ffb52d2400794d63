package io.opsgi.kernel.gemm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opsgi.kernel.support.Parallel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Sgemm against a float64 triple loop written here from the definition
 * {@code C[i][j] (+)= Σ_p A[i][p]·B[p][j]}, with the storage formulas of the javadoc (offsets,
 * leading dimensions, transposes) spelled out independently.
 *
 * <p>Tolerance: float32 summation of K products plus the old C errs by at most
 * {@code (K+1)·2⁻²⁴·(Σ|A·B| + |C₀|)} (the classical γ bound); the test allows {@code (K+2)·2⁻²⁴}
 * times that scale. A dropped, doubled or misplaced product changes C by about |A·B| ~ 0.3 on
 * average, hundreds of times the allowance at these sizes.
 */
class SgemmTest {
    private static final double U = Math.scalb(1.0, -24);
    private static final float SENTINEL = 12345.5f;
    private final int threadsBefore = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(threadsBefore);
    }

    /** One multiply: sizes, storage of each operand, beta. */
    record Case(int m, int n, int k, boolean transA, boolean transB, int aOff, int padA, int bOff, int padB, int cOff, int padC,
            boolean accumulate) {
        int lda() {
            return (transA ? m : k) + padA;
        }

        int ldb() {
            return (transB ? k : n) + padB;
        }

        int ldc() {
            return n + padC;
        }

        @Override
        public String toString() {
            return "m=" + m + " n=" + n + " k=" + k + (transA ? " A^T" : "") + (transB ? " B^T" : "") + " offs=" + aOff + "/" + bOff + "/"
                    + cOff + " pads=" + padA + "/" + padB + "/" + padC + (accumulate ? " C+=" : " C=");
        }
    }

    static Stream<Case> cases() {
        List<Case> list = new ArrayList<>();
        // Edges of the blocking: 1, primes, one below/above MR (12 with 32 vector registers, 6 with 16), NR (32 or 16),
        // KC (256), MC (144), NC (1024); row counts that take short tiles (8, 16 = 8+8, 20 = 12+8, 28 = 12+8+8,
        // 4 = a padded 8; with 16 registers 4, 10 = 6+4, 14 = 6+4+4, 2 = a padded 4).
        int[][] sizes = {{1, 1, 1}, {1, 7, 3}, {5, 1, 2}, {2, 3, 1}, {11, 31, 17}, {13, 33, 19}, {12, 32, 256}, {23, 97, 257},
            {37, 65, 5}, {144, 96, 31}, {145, 33, 513}, {29, 1025, 7}, {3, 2053, 11}, {131, 257, 300}, {64, 196, 576},
            {251, 49, 600}, {8, 33, 9}, {16, 64, 64}, {20, 40, 30}, {28, 31, 300}, {4, 50, 20},
            {6, 17, 13}, {7, 15, 40}, {10, 33, 21}, {14, 65, 270}, {2, 16, 9}};
        Random r = new Random(2024);
        int i = 0;
        for (int[] s : sizes) {
            for (int variant = 0; variant < 4; variant++, i++) {
                boolean offsets = variant >= 2;
                list.add(new Case(s[0], s[1], s[2], (i & 1) != 0, (i & 2) != 0, offsets ? 1 + r.nextInt(9) : 0, offsets ? r.nextInt(5) : 0,
                        offsets ? 1 + r.nextInt(9) : 0, offsets ? r.nextInt(5) : 0,
                        offsets ? 1 + r.nextInt(9) : 0, offsets ? 1 + r.nextInt(5) : 0,
                        (variant & 1) != 0));
            }
        }
        // Random shapes, tails everywhere.
        for (int j = 0; j < 24; j++) {
            list.add(new Case(1 + r.nextInt(70), 1 + r.nextInt(150), 1 + r.nextInt(90), r.nextBoolean(), r.nextBoolean(), r.nextInt(4),
                    r.nextInt(3), r.nextInt(4), r.nextInt(3), r.nextInt(4), r.nextInt(3), r.nextBoolean()));
        }
        return list.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesFloat64ReferenceOnOneAndTwoThreads(Case k) {
        Random r = new Random(k.toString().hashCode());
        float[] a = random(r, k.aOff + (k.transA ? k.k : k.m) * k.lda());
        float[] b = random(r, k.bOff + (k.transB ? k.n : k.k) * k.ldb());
        float[] c0 = new float[k.cOff + k.m * k.ldc() + 3];
        java.util.Arrays.fill(c0, SENTINEL);
        for (int i = 0; i < k.m; i++) {
            for (int j = 0; j < k.n; j++) {
                c0[k.cOff + i * k.ldc() + j] = r.nextFloat() * 2 - 1;
            }
        }
        float[] aCopy = a.clone(), bCopy = b.clone();

        float[] one = run(k, a, b, c0, 1);
        float[] two = run(k, a, b, c0, 2);

        assertArrayEquals(aCopy, a, "A written");
        assertArrayEquals(bCopy, b, "B written");
        for (int i = 0; i < k.m; i++) {
            for (int j = 0; j < k.n; j++) {
                double sum = k.accumulate ? c0[k.cOff + i * k.ldc() + j] : 0, scale = Math.abs(sum);
                for (int p = 0; p < k.k; p++) {
                    double t = (double) elementA(k, a, i, p) * elementB(k, b, p, j);
                    sum += t;
                    scale += Math.abs(t);
                }
                int at = k.cOff + i * k.ldc() + j;
                double tol = (k.k + 2) * U * scale + Double.MIN_NORMAL;
                assertTrue(Math.abs(one[at] - sum) <= tol,
                        k + ": C[" + i + "][" + j + "] = " + one[at] + ", expected " + sum + " within " + tol);
            }
        }
        // Outside the m x n window (offset, row padding, past the end) nothing is written.
        for (int at = 0; at < one.length; at++) {
            int rel = at - k.cOff;
            boolean inside = rel >= 0 && rel / k.ldc() < k.m && rel % k.ldc() < k.n;
            if (!inside) {
                assertEquals(SENTINEL, one[at], k + ": wrote outside C at " + at);
            }
        }
        // Each element's summation order depends only on K's blocking, not on how C is split among threads.
        assertArrayEquals(one, two, k + ": 2 threads differ from 1");
    }

    /**
     * A packed once ({@link Sgemm#pack}) gives the unpacked call's bits, with a bias per row, on one and two threads, on
     * the non-accumulating cases (a packed A only stores); A is not read after packing.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void packedAGivesTheUnpackedBits(Case k) {
        if (k.accumulate) {
            return;
        }
        Random r = new Random(k.toString().hashCode() + 1);
        float[] a = random(r, k.aOff + (k.transA ? k.k : k.m) * k.lda());
        float[] b = random(r, k.bOff + (k.transB ? k.n : k.k) * k.ldb()), bias = random(r, k.m + 3);
        Sgemm.PackedA packed = Sgemm.pack(k.transA, k.m, k.k, a, k.aOff, k.lda());
        float[] unpacked = new float[k.cOff + k.m * k.ldc()];
        Sgemm.multiply(k.transA, k.m, k.n, k.k, a, k.aOff, k.lda(), BPacker.dense(b, k.bOff, k.ldb(), k.transB),
                new RowOutput(bias, 3, null, null), unpacked, k.cOff, k.ldc(), 1);
        java.util.Arrays.fill(a, Float.NaN); // the packed copy must not read it
        for (int threads = 1; threads <= 2; threads++) {
            Parallel.setThreads(threads);
            float[] c = new float[unpacked.length];
            Sgemm.multiply(packed, k.n, BPacker.dense(b, k.bOff, k.ldb(), k.transB), new RowOutput(bias, 3, null, null), c, k.cOff,
                    k.ldc(), threads);
            assertArrayEquals(unpacked, c, k + ": packed A on " + threads + " thread(s)");
        }
    }

    private static float[] run(Case k, float[] a, float[] b, float[] c0, int threads) {
        Parallel.setThreads(threads);
        float[] c = c0.clone();
        Sgemm.multiply(k.transA, k.transB, k.m, k.n, k.k, a, k.aOff, k.lda(), b, k.bOff, k.ldb(), k.accumulate, c, k.cOff, k.ldc());
        return c;
    }

    private static float elementA(Case k, float[] a, int i, int p) {
        return k.transA ? a[k.aOff + p * k.lda() + i] : a[k.aOff + i * k.lda() + p];
    }

    private static float elementB(Case k, float[] b, int p, int j) {
        return k.transB ? b[k.bOff + j * k.ldb() + p] : b[k.bOff + p * k.ldb() + j];
    }

    private static float[] random(Random r, int size) {
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = r.nextFloat() * 2 - 1;
        }
        return v;
    }

    /** [[1,2],[3,4]]·[[5,6],[7,8]] = [[19,22],[43,50]]; accumulating onto it doubles it. */
    @Test
    void twoByTwoWorkedExample() {
        float[] a = {1, 2, 3, 4}, b = {5, 6, 7, 8}, c = new float[4];
        Sgemm.multiply(false, false, 2, 2, 2, a, 0, 2, b, 0, 2, false, c, 0, 2);
        assertArrayEquals(new float[] {19, 22, 43, 50}, c);
        Sgemm.multiply(false, false, 2, 2, 2, a, 0, 2, b, 0, 2, true, c, 0, 2);
        assertArrayEquals(new float[] {38, 44, 86, 100}, c);
        // A^T·B with A stored as [[1,3],[2,4]] is the same product.
        float[] at = {1, 3, 2, 4}, d = new float[4];
        Sgemm.multiply(true, false, 2, 2, 2, at, 0, 2, b, 0, 2, false, d, 0, 2);
        assertArrayEquals(new float[] {19, 22, 43, 50}, d);
    }

    /** K = 0: the empty sum. C becomes 0, or stays as it was when accumulating. */
    @Test
    void emptyInnerDimension() {
        float[] c = {1, 2, 3, 4, 5, 6};
        Sgemm.multiply(false, false, 2, 3, 0, new float[0], 0, 1, new float[0], 0, 3, true, c, 0, 3);
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, c);
        Sgemm.multiply(false, false, 2, 3, 0, new float[0], 0, 1, new float[0], 0, 3, false, c, 0, 3);
        assertArrayEquals(new float[6], c);
    }

    @Test
    void rejectsLeadingDimensionShorterThanRow() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Sgemm.multiply(false, false, 2, 3, 4, new float[8], 0, 3, new float[12], 0, 3, false, new float[6], 0, 3));
        assertTrue(e.getMessage().contains("lda=3"), e.getMessage());
    }

    /** The split never gives more parts than panels, and prefers to cut the wide dimension of C. */
    @Test
    void splitCutsTheDimensionThatDuplicatesLeast() {
        assertArrayEquals(new int[] {1, 4}, Sgemm.split(4, 6, 98, 64, 3136));   // layer1: cut columns
        assertArrayEquals(new int[] {4, 1}, Sgemm.split(4, 43, 2, 512, 49));    // layer4: cut rows
        assertArrayEquals(new int[] {1, 2}, Sgemm.split(4, 1, 2, 1, 40));       // fewer panels than tasks
    }

    @Test
    void balancedBlocksCoverTheSizeWithoutSlivers() {
        assertEquals(192, Sgemm.balanced(576, 256, 1));
        assertEquals(256, Sgemm.balanced(256, 256, 1));
        assertEquals(84, Sgemm.balanced(145, 144, 12));
    }
}
