package io.opsgi.kernel.gemm;

import io.opsgi.kernel.support.VectorEpilogue;
import io.opsgi.kernel.support.VectorRegisters;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked inner kernels: a tall ({@link #MR} rows) or short ({@link #MR_SHORT}) x {@link #NR} tile
 * of C from that many rows of A and one packed B panel (NR = two vectors of columns, k-major). With 32 vector
 * registers (AVX-512) the tiles are 12 and 8 rows: the 24 accumulators of the tall tile, the two B vectors and the
 * broadcast A value fit, so the k loop is loads, broadcasts and FMAs only. With 16 (AVX2) they are 6 and 4 rows
 * (12 accumulators + 3): the 12-row tile there spills accumulators to the stack on every k step. The short tile
 * exists so that C's row count splits into tiles without waste (64 = 4·12 + 2·8 = 10·6 + 4; most layer widths are
 * multiples of 4). Each height is its own unrolled class ({@code Tile12}, {@code Tile8}, {@code Tile6}, {@code Tile4}),
 * generated at build time from {@code src/build/Tile.template} by {@code bundles/build/Unroll.java}, because the JIT
 * keeps locals, not array elements, in registers. The tile's height does not change a single bit: every element's sum runs over k in order, one FMA per term.
 *
 * <p>A comes as packed panels of the tile's height, k-major ({@link Packing#packA}): one index with a constant step
 * reads every row (read in place through a row and a k stride, the 6-row tile ran at 67-69 GFLOP/s against 90-92
 * packed, CPU time on the AVX2 EPYC of 2026-12-07, L2-resident: C2 does not hoist the bounds checks of an index with a
 * run-time step). B panels are zero-padded to NR columns by the packing, so the loop always runs the whole tile; only
 * the store looks at how many rows and columns of the tile are inside C.
 *
 * <p>Two JIT facts shape them. A vector passed to a call that C2 declines to inline is boxed, and
 * C2 stops inlining in a method this large (NodeCountInliningCutoff): so no helper takes vector
 * arguments (an earlier version was 30x slower). And C1, which runs the Vector API without
 * intrinsics, fails on a method much larger than these ("out of virtual registers"), which left
 * one version stuck in slow tier-2 code: so the finished tile is spilled to a small scratch
 * array and stored to C by a separate method.
 */
final class MicroKernel {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int V = S.length();
    /** Whether the machine has 32 vector registers (AVX-512) rather than 16 (AVX2). */
    static final boolean WIDE_REGISTER_FILE = VectorRegisters.COUNT >= 32;
    /** Rows of the tall tile, and of a packed A tail panel. */
    static final int MR = WIDE_REGISTER_FILE ? 12 : 6;
    /** Rows of the short tile. */
    static final int MR_SHORT = WIDE_REGISTER_FILE ? 8 : 4;
    /** Columns of a tile (and of a packed B panel): two vectors. */
    static final int NR = 2 * V;

    private MicroKernel() {
    }

    /**
     * A tall tile ({@link #MR} rows, {@link Tile12} or {@link Tile6} as the register file holds):
     * C[ci + r*ldc + j] (+)= Σ_p a[ai + p*MR + r] · b[bi + p*NR + j] for r &lt; rows &lt;= MR, j &lt; cols, from a packed
     * panel of MR rows of A (rows past {@code rows} zero-padded).
     *
     * @param accumulate add to C (beta 1) instead of overwriting it (beta 0)
     * @param bias       when not accumulating, row r's sum + {@code bias[biasAt + r]} is stored (null: none)
     * @param out        with {@code finish} (the last K block), its epilogue is applied as the tile is stored, row r
     *                   being channel {@code biasAt + r} (null: none)
     * @param acc        MR·NR floats of scratch: the finished tile passes through it on its way to C
     */
    static void tall(int kc, float[] a, int ai, float[] b, int bi, float[] c, int ci, int ldc, int rows, int cols,
            boolean accumulate, float[] bias, int biasAt, RowOutput out, boolean finish, float[] acc) {
        if (WIDE_REGISTER_FILE) {
            Tile12.multiply(kc, a, ai, b, bi, c, ci, ldc, rows, cols, accumulate, bias, biasAt, out, finish, acc);
        } else {
            Tile6.multiply(kc, a, ai, b, bi, c, ci, ldc, rows, cols, accumulate, bias, biasAt, out, finish, acc);
        }
    }

    /** {@link #tall} for a short tile ({@link #MR_SHORT} rows, from a panel of that many): {@link Tile8} or {@link Tile4}, as the register file holds. */
    static void low(int kc, float[] a, int ai, float[] b, int bi, float[] c, int ci, int ldc, int rows, int cols,
            boolean accumulate, float[] bias, int biasAt, RowOutput out, boolean finish, float[] acc) {
        if (WIDE_REGISTER_FILE) {
            Tile8.multiply(kc, a, ai, b, bi, c, ci, ldc, rows, cols, accumulate, bias, biasAt, out, finish, acc);
        } else {
            Tile4.multiply(kc, a, ai, b, bi, c, ci, ldc, rows, cols, accumulate, bias, biasAt, out, finish, acc);
        }
    }

    /**
     * C[ci + r*ldc + j] (+)= acc[r*NR + j] (+ bias[biasAt + r] when not accumulating and bias is given) for
     * r &lt; rows, j &lt; cols, then, if {@code finish}, {@code out}'s epilogue on the tile just stored (one call per
     * tile): whole vectors for a whole tile, else element by element.
     */
    static void store(float[] acc, float[] c, int ci, int ldc, int rows, int cols, int height, boolean accumulate, float[] bias,
            int biasAt, RowOutput out, boolean finish) {
        VectorEpilogue e = finish && out != null ? out.epilogue() : null;
        if (rows == height && cols == NR) {
            for (int r = 0, at = ci; r < height; r++, at += ldc) {
                FloatVector v0 = FloatVector.fromArray(S, acc, r * NR), v1 = FloatVector.fromArray(S, acc, r * NR + V);
                if (accumulate) {
                    v0 = v0.add(FloatVector.fromArray(S, c, at));
                    v1 = v1.add(FloatVector.fromArray(S, c, at + V));
                } else if (bias != null) {
                    FloatVector b = FloatVector.broadcast(S, bias[biasAt + r]);
                    v0 = v0.add(b);
                    v1 = v1.add(b);
                }
                v0.intoArray(c, at);
                v1.intoArray(c, at + V);
            }
            if (e != null) { // on the tile just stored, in L1 (no helper here takes vectors: see above)
                e.applyRows(c, ci, ldc, rows, cols, biasAt, out.residual());
            }
            return;
        }
        // A tile cut by C's edge. No masked stores: they read and rewrite the whole vector, which
        // could undo a neighbouring thread's write to the columns just past this tile.
        for (int r = 0; r < rows; r++) {
            for (int j = 0, at = ci + r * ldc; j < cols; j++, at++) {
                float sum = acc[r * NR + j];
                c[at] = accumulate ? c[at] + sum : bias != null ? sum + bias[biasAt + r] : sum;
            }
        }
        if (e != null) {
            e.applyRows(c, ci, ldc, rows, cols, biasAt, out.residual());
        }
    }
}
