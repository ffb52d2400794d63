package io.opsgi.kernel.gemm;

import static io.opsgi.kernel.gemm.MicroKernel.NR;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every tile height, whichever this machine's {@link MicroKernel#tall}/{@link MicroKernel#low} pick (12 and 8 with 32
 * vector registers, 6 and 4 with 16): each against a float64 sum written here, and all of them giving the same bits,
 * so a model's output does not depend on the machine's register file.
 */
class MicroKernelTest {
    /** One tile of {@code height} rows: C[r][j] = Σ_p A[r][p]·B[p][j] over a packed B panel (k-major, NR columns). */
    private interface Tile {
        void run(int kc, float[] a, int ai, float[] b, int bi, float[] c, int ci, int ldc, int rows, int cols,
                boolean accumulate, float[] bias, int biasAt, RowOutput out, boolean finish, float[] acc);
    }

    private static Tile tile(int height) {
        return switch (height) {
            case 12 -> Tile12::multiply;
            case 8 -> Tile8::multiply;
            case 6 -> Tile6::multiply;
            case 4 -> Tile4::multiply;
            default -> throw new IllegalArgumentException("no tile of " + height + " rows");
        };
    }

    @ParameterizedTest
    @ValueSource(ints = {12, 8, 6, 4})
    void eachTileHeightIsTheSumAndTheSameBitsAsTheOthers(int height) {
        int rows = 24, k = 300; // 24 = 2 tiles of 12, 3 of 8, 4 of 6, 6 of 4
        Random r = new Random(height);
        float[] a = new float[rows * k], b = new float[k * NR];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextFloat() - 0.5f;
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = r.nextFloat() - 0.5f;
        }
        float[] mine = byTiles(tile(height), height, a, b, rows, k);
        float[] tall = byTiles(Tile12::multiply, 12, a, b, rows, k);
        assertArrayEquals(tall, mine, height + "-row tiles give the 12-row tiles' bits");
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < NR; j++) {
                double sum = 0, scale = 0;
                for (int p = 0; p < k; p++) {
                    sum += (double) a[i * k + p] * b[p * NR + j];
                    scale += Math.abs((double) a[i * k + p] * b[p * NR + j]);
                }
                double bound = (k + 2) * Math.scalb(1.0, -24) * scale; // the γ bound of float32 summation
                assertTrue(Math.abs(mine[i * NR + j] - sum) <= bound, "row " + i + " col " + j + ": " + mine[i * NR + j] + " vs " + sum);
            }
        }
    }

    private static float[] byTiles(Tile t, int height, float[] a, float[] b, int rows, int k) {
        float[] c = new float[rows * NR], acc = new float[12 * NR], panel = new float[height * k];
        for (int r0 = 0; r0 < rows; r0 += height) {
            Packing.packA(a, 0, k, false, r0, height, height, 0, k, panel, 0);
            t.run(k, panel, 0, b, 0, c, r0 * NR, NR, height, NR, false, null, 0, null, false, acc);
        }
        return c;
    }
}
