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
 * multiples of 4). All are unrolled by hand because the JIT keeps locals, not array elements, in registers. The
 * tile's height does not change a single bit: every element's sum runs over k in order, one FMA per term.
 *
 * <p>A is read where it lies, through a row stride and a k stride: row-major A (rs = lda, ks = 1),
 * transposed A (rs = 1, ks = lda) or a zero-padded packed tail panel (rs = 1, ks = MR) all run the
 * same loop at the same speed (measured), so A is never packed except for a last panel that no
 * tile height fits. B panels are zero-padded to NR columns by the packing, so the loop always runs
 * the whole tile; only the store looks at how many rows and columns of the tile are inside C.
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
     * C[ci + r*ldc + j] (+)= Σ_p a[ai + r*rs + p*ks] · b[bi + p*NR + j] for r &lt; rows &lt;= 12, j &lt; cols;
     * all 12 rows of A are read, so they must exist (a packed tail panel is zero-padded).
     *
     * @param accumulate add to C (beta 1) instead of overwriting it (beta 0)
     * @param bias       when not accumulating, row r's sum + {@code bias[biasAt + r]} is stored (null: none)
     * @param out        with {@code finish} (the last K block), its epilogue is applied as the tile is stored, row r
     *                   being channel {@code biasAt + r} (null: none)
     * @param acc        MR·NR floats of scratch: the finished tile passes through it on its way to C
     */
    /** A tall tile ({@link #MR} rows): {@link #tile12} or {@link #tile6}, as the register file holds. */
    static void tall(int kc, float[] a, int ai, int rs, int ks, float[] b, int bi, float[] c, int ci, int ldc, int rows, int cols,
            boolean accumulate, float[] bias, int biasAt, RowOutput out, boolean finish, float[] acc) {
        if (WIDE_REGISTER_FILE) {
            tile12(kc, a, ai, rs, ks, b, bi, c, ci, ldc, rows, cols, accumulate, bias, biasAt, out, finish, acc);
        } else {
            tile6(kc, a, ai, rs, ks, b, bi, c, ci, ldc, rows, cols, accumulate, bias, biasAt, out, finish, acc);
        }
    }

    /** A short tile ({@link #MR_SHORT} rows): {@link #tile8} or {@link #tile4}, as the register file holds. */
    static void low(int kc, float[] a, int ai, int rs, int ks, float[] b, int bi, float[] c, int ci, int ldc, int rows, int cols,
            boolean accumulate, float[] bias, int biasAt, RowOutput out, boolean finish, float[] acc) {
        if (WIDE_REGISTER_FILE) {
            tile8(kc, a, ai, rs, ks, b, bi, c, ci, ldc, rows, cols, accumulate, bias, biasAt, out, finish, acc);
        } else {
            tile4(kc, a, ai, rs, ks, b, bi, c, ci, ldc, rows, cols, accumulate, bias, biasAt, out, finish, acc);
        }
    }

    static void tile12(int kc, float[] a, int ai, int rs, int ks, float[] b, int bi, float[] c, int ci, int ldc, int rows, int cols,
            boolean accumulate, float[] bias, int biasAt, RowOutput out, boolean finish, float[] acc) {
        FloatVector c0a = FloatVector.zero(S), c0b = FloatVector.zero(S);
        FloatVector c1a = FloatVector.zero(S), c1b = FloatVector.zero(S);
        FloatVector c2a = FloatVector.zero(S), c2b = FloatVector.zero(S);
        FloatVector c3a = FloatVector.zero(S), c3b = FloatVector.zero(S);
        FloatVector c4a = FloatVector.zero(S), c4b = FloatVector.zero(S);
        FloatVector c5a = FloatVector.zero(S), c5b = FloatVector.zero(S);
        FloatVector c6a = FloatVector.zero(S), c6b = FloatVector.zero(S);
        FloatVector c7a = FloatVector.zero(S), c7b = FloatVector.zero(S);
        FloatVector c8a = FloatVector.zero(S), c8b = FloatVector.zero(S);
        FloatVector c9a = FloatVector.zero(S), c9b = FloatVector.zero(S);
        FloatVector c10a = FloatVector.zero(S), c10b = FloatVector.zero(S);
        FloatVector c11a = FloatVector.zero(S), c11b = FloatVector.zero(S);
        // Where row r of the tile starts in A.
        int a0 = ai, a1 = a0 + rs, a2 = a1 + rs, a3 = a2 + rs, a4 = a3 + rs, a5 = a4 + rs;
        int a6 = a5 + rs, a7 = a6 + rs, a8 = a7 + rs, a9 = a8 + rs, a10 = a9 + rs, a11 = a10 + rs;
        for (int p = 0, q = 0; p < kc; p++, q += ks, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi), b1 = FloatVector.fromArray(S, b, bi + V);
            FloatVector x;
            x = FloatVector.broadcast(S, a[a0 + q]);
            c0a = x.fma(b0, c0a);
            c0b = x.fma(b1, c0b);
            x = FloatVector.broadcast(S, a[a1 + q]);
            c1a = x.fma(b0, c1a);
            c1b = x.fma(b1, c1b);
            x = FloatVector.broadcast(S, a[a2 + q]);
            c2a = x.fma(b0, c2a);
            c2b = x.fma(b1, c2b);
            x = FloatVector.broadcast(S, a[a3 + q]);
            c3a = x.fma(b0, c3a);
            c3b = x.fma(b1, c3b);
            x = FloatVector.broadcast(S, a[a4 + q]);
            c4a = x.fma(b0, c4a);
            c4b = x.fma(b1, c4b);
            x = FloatVector.broadcast(S, a[a5 + q]);
            c5a = x.fma(b0, c5a);
            c5b = x.fma(b1, c5b);
            x = FloatVector.broadcast(S, a[a6 + q]);
            c6a = x.fma(b0, c6a);
            c6b = x.fma(b1, c6b);
            x = FloatVector.broadcast(S, a[a7 + q]);
            c7a = x.fma(b0, c7a);
            c7b = x.fma(b1, c7b);
            x = FloatVector.broadcast(S, a[a8 + q]);
            c8a = x.fma(b0, c8a);
            c8b = x.fma(b1, c8b);
            x = FloatVector.broadcast(S, a[a9 + q]);
            c9a = x.fma(b0, c9a);
            c9b = x.fma(b1, c9b);
            x = FloatVector.broadcast(S, a[a10 + q]);
            c10a = x.fma(b0, c10a);
            c10b = x.fma(b1, c10b);
            x = FloatVector.broadcast(S, a[a11 + q]);
            c11a = x.fma(b0, c11a);
            c11b = x.fma(b1, c11b);
        }
        // Spilled, not stored from here: this method must stay small enough for C1 to compile (see above).
        c0a.intoArray(acc, 0 * NR);
        c0b.intoArray(acc, 0 * NR + V);
        c1a.intoArray(acc, 1 * NR);
        c1b.intoArray(acc, 1 * NR + V);
        c2a.intoArray(acc, 2 * NR);
        c2b.intoArray(acc, 2 * NR + V);
        c3a.intoArray(acc, 3 * NR);
        c3b.intoArray(acc, 3 * NR + V);
        c4a.intoArray(acc, 4 * NR);
        c4b.intoArray(acc, 4 * NR + V);
        c5a.intoArray(acc, 5 * NR);
        c5b.intoArray(acc, 5 * NR + V);
        c6a.intoArray(acc, 6 * NR);
        c6b.intoArray(acc, 6 * NR + V);
        c7a.intoArray(acc, 7 * NR);
        c7b.intoArray(acc, 7 * NR + V);
        c8a.intoArray(acc, 8 * NR);
        c8b.intoArray(acc, 8 * NR + V);
        c9a.intoArray(acc, 9 * NR);
        c9b.intoArray(acc, 9 * NR + V);
        c10a.intoArray(acc, 10 * NR);
        c10b.intoArray(acc, 10 * NR + V);
        c11a.intoArray(acc, 11 * NR);
        c11b.intoArray(acc, 11 * NR + V);
        store(acc, c, ci, ldc, rows, cols, 12, accumulate, bias, biasAt, out, finish);
    }

    /**
     * C[ci + r*ldc + j] (+)= Σ_p a[ai + r*rs + p*ks] · b[bi + p*NR + j] for r &lt; rows &lt;= 8, j &lt; cols;
     * all 8 rows of A are read, so they must exist (a packed tail panel is zero-padded).
     *
     * @param accumulate add to C (beta 1) instead of overwriting it (beta 0)
     * @param bias       when not accumulating, row r's sum + {@code bias[biasAt + r]} is stored (null: none)
     * @param out        with {@code finish} (the last K block), its epilogue is applied as the tile is stored, row r
     *                   being channel {@code biasAt + r} (null: none)
     * @param acc        MR·NR floats of scratch: the finished tile passes through it on its way to C
     */
    static void tile8(int kc, float[] a, int ai, int rs, int ks, float[] b, int bi, float[] c, int ci, int ldc, int rows, int cols,
            boolean accumulate, float[] bias, int biasAt, RowOutput out, boolean finish, float[] acc) {
        FloatVector c0a = FloatVector.zero(S), c0b = FloatVector.zero(S);
        FloatVector c1a = FloatVector.zero(S), c1b = FloatVector.zero(S);
        FloatVector c2a = FloatVector.zero(S), c2b = FloatVector.zero(S);
        FloatVector c3a = FloatVector.zero(S), c3b = FloatVector.zero(S);
        FloatVector c4a = FloatVector.zero(S), c4b = FloatVector.zero(S);
        FloatVector c5a = FloatVector.zero(S), c5b = FloatVector.zero(S);
        FloatVector c6a = FloatVector.zero(S), c6b = FloatVector.zero(S);
        FloatVector c7a = FloatVector.zero(S), c7b = FloatVector.zero(S);
        // Where row r of the tile starts in A.
        int a0 = ai, a1 = a0 + rs, a2 = a1 + rs, a3 = a2 + rs, a4 = a3 + rs, a5 = a4 + rs;
        int a6 = a5 + rs, a7 = a6 + rs;
        for (int p = 0, q = 0; p < kc; p++, q += ks, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi), b1 = FloatVector.fromArray(S, b, bi + V);
            FloatVector x;
            x = FloatVector.broadcast(S, a[a0 + q]);
            c0a = x.fma(b0, c0a);
            c0b = x.fma(b1, c0b);
            x = FloatVector.broadcast(S, a[a1 + q]);
            c1a = x.fma(b0, c1a);
            c1b = x.fma(b1, c1b);
            x = FloatVector.broadcast(S, a[a2 + q]);
            c2a = x.fma(b0, c2a);
            c2b = x.fma(b1, c2b);
            x = FloatVector.broadcast(S, a[a3 + q]);
            c3a = x.fma(b0, c3a);
            c3b = x.fma(b1, c3b);
            x = FloatVector.broadcast(S, a[a4 + q]);
            c4a = x.fma(b0, c4a);
            c4b = x.fma(b1, c4b);
            x = FloatVector.broadcast(S, a[a5 + q]);
            c5a = x.fma(b0, c5a);
            c5b = x.fma(b1, c5b);
            x = FloatVector.broadcast(S, a[a6 + q]);
            c6a = x.fma(b0, c6a);
            c6b = x.fma(b1, c6b);
            x = FloatVector.broadcast(S, a[a7 + q]);
            c7a = x.fma(b0, c7a);
            c7b = x.fma(b1, c7b);
        }
        // Spilled, not stored from here: this method must stay small enough for C1 to compile (see above).
        c0a.intoArray(acc, 0 * NR);
        c0b.intoArray(acc, 0 * NR + V);
        c1a.intoArray(acc, 1 * NR);
        c1b.intoArray(acc, 1 * NR + V);
        c2a.intoArray(acc, 2 * NR);
        c2b.intoArray(acc, 2 * NR + V);
        c3a.intoArray(acc, 3 * NR);
        c3b.intoArray(acc, 3 * NR + V);
        c4a.intoArray(acc, 4 * NR);
        c4b.intoArray(acc, 4 * NR + V);
        c5a.intoArray(acc, 5 * NR);
        c5b.intoArray(acc, 5 * NR + V);
        c6a.intoArray(acc, 6 * NR);
        c6b.intoArray(acc, 6 * NR + V);
        c7a.intoArray(acc, 7 * NR);
        c7b.intoArray(acc, 7 * NR + V);
        store(acc, c, ci, ldc, rows, cols, 8, accumulate, bias, biasAt, out, finish);
    }

    /**
     * C[ci + r*ldc + j] (+)= Σ_p a[ai + r*rs + p*ks] · b[bi + p*NR + j] for r &lt; rows &lt;= 6, j &lt; cols;
     * all 6 rows of A are read, so they must exist (a packed tail panel is zero-padded).
     *
     * @param accumulate add to C (beta 1) instead of overwriting it (beta 0)
     * @param bias       when not accumulating, row r's sum + {@code bias[biasAt + r]} is stored (null: none)
     * @param out        with {@code finish} (the last K block), its epilogue is applied as the tile is stored, row r
     *                   being channel {@code biasAt + r} (null: none)
     * @param acc        MR·NR floats of scratch: the finished tile passes through it on its way to C
     */
    static void tile6(int kc, float[] a, int ai, int rs, int ks, float[] b, int bi, float[] c, int ci, int ldc, int rows, int cols,
            boolean accumulate, float[] bias, int biasAt, RowOutput out, boolean finish, float[] acc) {
        FloatVector c0a = FloatVector.zero(S), c0b = FloatVector.zero(S);
        FloatVector c1a = FloatVector.zero(S), c1b = FloatVector.zero(S);
        FloatVector c2a = FloatVector.zero(S), c2b = FloatVector.zero(S);
        FloatVector c3a = FloatVector.zero(S), c3b = FloatVector.zero(S);
        FloatVector c4a = FloatVector.zero(S), c4b = FloatVector.zero(S);
        FloatVector c5a = FloatVector.zero(S), c5b = FloatVector.zero(S);
        // Where row r of the tile starts in A.
        int a0 = ai, a1 = a0 + rs, a2 = a1 + rs, a3 = a2 + rs, a4 = a3 + rs, a5 = a4 + rs;
        for (int p = 0, q = 0; p < kc; p++, q += ks, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi), b1 = FloatVector.fromArray(S, b, bi + V);
            FloatVector x;
            x = FloatVector.broadcast(S, a[a0 + q]);
            c0a = x.fma(b0, c0a);
            c0b = x.fma(b1, c0b);
            x = FloatVector.broadcast(S, a[a1 + q]);
            c1a = x.fma(b0, c1a);
            c1b = x.fma(b1, c1b);
            x = FloatVector.broadcast(S, a[a2 + q]);
            c2a = x.fma(b0, c2a);
            c2b = x.fma(b1, c2b);
            x = FloatVector.broadcast(S, a[a3 + q]);
            c3a = x.fma(b0, c3a);
            c3b = x.fma(b1, c3b);
            x = FloatVector.broadcast(S, a[a4 + q]);
            c4a = x.fma(b0, c4a);
            c4b = x.fma(b1, c4b);
            x = FloatVector.broadcast(S, a[a5 + q]);
            c5a = x.fma(b0, c5a);
            c5b = x.fma(b1, c5b);
        }
        // Spilled, not stored from here: this method must stay small enough for C1 to compile (see above).
        c0a.intoArray(acc, 0 * NR);
        c0b.intoArray(acc, 0 * NR + V);
        c1a.intoArray(acc, 1 * NR);
        c1b.intoArray(acc, 1 * NR + V);
        c2a.intoArray(acc, 2 * NR);
        c2b.intoArray(acc, 2 * NR + V);
        c3a.intoArray(acc, 3 * NR);
        c3b.intoArray(acc, 3 * NR + V);
        c4a.intoArray(acc, 4 * NR);
        c4b.intoArray(acc, 4 * NR + V);
        c5a.intoArray(acc, 5 * NR);
        c5b.intoArray(acc, 5 * NR + V);
        store(acc, c, ci, ldc, rows, cols, 6, accumulate, bias, biasAt, out, finish);
    }

    /**
     * C[ci + r*ldc + j] (+)= Σ_p a[ai + r*rs + p*ks] · b[bi + p*NR + j] for r &lt; rows &lt;= 4, j &lt; cols;
     * all 4 rows of A are read, so they must exist (a packed tail panel is zero-padded).
     *
     * @param accumulate add to C (beta 1) instead of overwriting it (beta 0)
     * @param bias       when not accumulating, row r's sum + {@code bias[biasAt + r]} is stored (null: none)
     * @param out        with {@code finish} (the last K block), its epilogue is applied as the tile is stored, row r
     *                   being channel {@code biasAt + r} (null: none)
     * @param acc        MR·NR floats of scratch: the finished tile passes through it on its way to C
     */
    static void tile4(int kc, float[] a, int ai, int rs, int ks, float[] b, int bi, float[] c, int ci, int ldc, int rows, int cols,
            boolean accumulate, float[] bias, int biasAt, RowOutput out, boolean finish, float[] acc) {
        FloatVector c0a = FloatVector.zero(S), c0b = FloatVector.zero(S);
        FloatVector c1a = FloatVector.zero(S), c1b = FloatVector.zero(S);
        FloatVector c2a = FloatVector.zero(S), c2b = FloatVector.zero(S);
        FloatVector c3a = FloatVector.zero(S), c3b = FloatVector.zero(S);
        // Where row r of the tile starts in A.
        int a0 = ai, a1 = a0 + rs, a2 = a1 + rs, a3 = a2 + rs;
        for (int p = 0, q = 0; p < kc; p++, q += ks, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi), b1 = FloatVector.fromArray(S, b, bi + V);
            FloatVector x;
            x = FloatVector.broadcast(S, a[a0 + q]);
            c0a = x.fma(b0, c0a);
            c0b = x.fma(b1, c0b);
            x = FloatVector.broadcast(S, a[a1 + q]);
            c1a = x.fma(b0, c1a);
            c1b = x.fma(b1, c1b);
            x = FloatVector.broadcast(S, a[a2 + q]);
            c2a = x.fma(b0, c2a);
            c2b = x.fma(b1, c2b);
            x = FloatVector.broadcast(S, a[a3 + q]);
            c3a = x.fma(b0, c3a);
            c3b = x.fma(b1, c3b);
        }
        // Spilled, not stored from here: this method must stay small enough for C1 to compile (see above).
        c0a.intoArray(acc, 0 * NR);
        c0b.intoArray(acc, 0 * NR + V);
        c1a.intoArray(acc, 1 * NR);
        c1b.intoArray(acc, 1 * NR + V);
        c2a.intoArray(acc, 2 * NR);
        c2b.intoArray(acc, 2 * NR + V);
        c3a.intoArray(acc, 3 * NR);
        c3b.intoArray(acc, 3 * NR + V);
        store(acc, c, ci, ldc, rows, cols, 4, accumulate, bias, biasAt, out, finish);
    }

    /**
     * C[ci + r*ldc + j] (+)= acc[r*NR + j] (+ bias[biasAt + r] when not accumulating and bias is given) for
     * r &lt; rows, j &lt; cols, then, if {@code finish}, {@code out}'s epilogue on the tile just stored (one call per
     * tile): whole vectors for a whole tile, else element by element.
     */
    private static void store(float[] acc, float[] c, int ci, int ldc, int rows, int cols, int height, boolean accumulate, float[] bias,
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
