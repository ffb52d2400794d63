package io.opsgi.kernel.gemm;

import static io.opsgi.kernel.gemm.MicroKernel.MR;
import static io.opsgi.kernel.gemm.MicroKernel.NR;
import static io.opsgi.kernel.gemm.MicroKernel.S;
import static io.opsgi.kernel.gemm.MicroKernel.V;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * Copies blocks of A and B into the layouts {@link MicroKernel} reads:
 * contiguous, in the order the k loop consumes them, and zero-padded to whole panels, so the kernel
 * runs without bounds logic.
 */
final class Packing {
    private Packing() {
    }

    /**
     * A panel of A for a tile of {@code height} rows: rows [i0 .. i0+rows) x [k0 .. k0+kc), rows &lt;= height, as
     * {@code dst[at + p·height + ii] = A[i0 + ii][k0 + p]}, rows past {@code rows} zero, so that the full-height kernel
     * can read it. A[i][p] is {@code a[offset + i·ld + p]}, or {@code a[offset + p·ld + i]} if transposed.
     */
    static void packA(float[] a, int offset, int ld, boolean transposed, int i0, int rows, int height, int k0, int kc, float[] dst,
            int at) {
        if (rows < height) {
            Arrays.fill(dst, at, at + kc * height, 0f);
        }
        int rowStep = transposed ? 1 : ld, kStep = transposed ? ld : 1;
        // k outside, rows inside: the panel is written in order (the block does not fit L1; writes a panel row apart
        // measured slower), A read as `rows` streams.
        for (int p = 0, src = offset + i0 * rowStep + k0 * kStep, d = at; p < kc; p++, src += kStep, d += height) {
            for (int ii = 0, from = src; ii < rows; ii++, from += rowStep) {
                dst[d + ii] = a[from];
            }
        }
    }

    /** Row-major B[p][j] = {@code b[offset + p·ld + j]}: each panel row is one contiguous run of B's row. */
    static void packB(float[] b, int offset, int ld, int k0, int kc, int j0, int nc, float[] dst) {
        for (int q = 0, d = 0; q < nc; q += NR, d += kc * NR) {
            int cols = Math.min(NR, nc - q);
            int src = offset + k0 * ld + j0 + q;
            if (cols == NR) {
                for (int p = 0; p < kc; p++, src += ld) {
                    FloatVector.fromArray(S, b, src).intoArray(dst, d + p * NR);
                    FloatVector.fromArray(S, b, src + V).intoArray(dst, d + p * NR + V);
                }
            } else {
                // Masked loads read only columns inside B and give 0 in the padding lanes.
                VectorMask<Float> m0 = S.indexInRange(0, cols), m1 = S.indexInRange(V, cols);
                for (int p = 0; p < kc; p++, src += ld) {
                    FloatVector.fromArray(S, b, src, m0).intoArray(dst, d + p * NR);
                    (cols > V ? FloatVector.fromArray(S, b, src + V, m1) : FloatVector.zero(S)).intoArray(dst, d + p * NR + V);
                }
            }
        }
    }

    /** B[p][j] = {@code b[offset + j·ld + p]} (B stored transposed): a strided gather, column by column. */
    static void packBTransposed(float[] b, int offset, int ld, int k0, int kc, int j0, int nc, float[] dst) {
        for (int q = 0, d = 0; q < nc; q += NR, d += kc * NR) {
            int cols = Math.min(NR, nc - q);
            if (cols < NR) {
                Arrays.fill(dst, d, d + kc * NR, 0f);
            }
            for (int jj = 0; jj < cols; jj++) {
                int src = offset + (j0 + q + jj) * ld + k0;
                for (int p = 0; p < kc; p++) {
                    dst[d + p * NR + jj] = b[src + p];
                }
            }
        }
    }
}
