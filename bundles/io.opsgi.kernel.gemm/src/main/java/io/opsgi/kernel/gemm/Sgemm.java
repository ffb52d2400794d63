package io.opsgi.kernel.gemm;

import static io.opsgi.kernel.gemm.MicroKernel.MR;
import static io.opsgi.kernel.gemm.MicroKernel.MR_SHORT;

import io.opsgi.kernel.support.Parallel;
import java.util.Arrays;

/**
 * Single-precision matrix multiply, {@code C = A·B} or {@code C += A·B} (BLAS sgemm with alpha 1
 * and beta 0 or 1), on row-major matrices with leading dimensions and offsets.
 *
 * <p>The loops are BLIS's: C is cut into column blocks of {@code NC}, K into blocks of
 * {@code KC} and rows into blocks of {@code MC}; each (KC x NC) block of B is packed into
 * contiguous, zero-padded panels of {@link #NR} columns, and every MR x NR tile of C is computed
 * by {@link MicroKernel} from one packed panel of A and one of B. A B panel (KC x NR) stays in L1 while
 * the packed (MC x KC) block of A streams from L2. A is packed too, once per (MC x KC) block, into panels of the tile
 * height ({@link Packing#packA}): the micro-kernel then reads it with one constant-step index, 1.3x faster on 16
 * vector registers than through A's row and k strides. K blocks after the first add into C, so any K works.
 *
 * <p>Threads: C is split into a grid of row and column parts, one task each, handed out by
 * {@link Parallel#forEach}. The split minimizes duplicated traffic (every row part packs all of
 * B's columns, every column part reads all of A's rows). Packing buffers are per thread and
 * allocated once per thread (a call nested inside a packer gets fresh ones).
 */
public final class Sgemm {
    /** Columns of a packed B panel (see {@link BPacker}): two vectors of the preferred species. */
    public static final int NR = MicroKernel.NR;

    /** K per packed block: a KC x NR panel of B (32 KB at 256 x 32) stays in the 48 KB L1. */
    static final int KC = 256;
    /**
     * The K block of a product of inner dimension {@code k}: every element's sum is taken block by block, each from zero
     * with one FMA per term in order, the first block's stored with the bias ({@link RowOutput}), each later one added to
     * the value stored. A kernel that sums so gets this class's bits (the blocked 1x1 conv does).
     */
    public static int kBlock(int k) {
        return balanced(Math.max(k, 1), KC, 1);
    }

    /** Rows per A block (a multiple of both tile heights): 144 x 256 floats (144 KB) stay in L2 across a whole B block. */
    static final int MC = 144;
    /** Columns per packed B block (1 MB at 256 x 1024). */
    static final int NC = 32 * NR;
    /** Below this many flops a call runs on one thread: a hand-off costs tens of microseconds. */
    static final long PARALLEL_MIN_FLOPS = 1L << 22;
    /** Tasks per thread: a few more tasks than threads even out a busy core. */
    static final int TASKS_PER_THREAD = 2;

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private Sgemm() {
    }

    /**
     * {@code C[m x n] = A[m x k]·B[k x n]}, or {@code +=} if {@code accumulate}, on up to
     * {@link Parallel#threads()} threads. Element (i, j) of C is {@code c[cOff + i·ldc + j]}; A[i][p]
     * is {@code a[aOff + i·lda + p]}, or {@code a[aOff + p·lda + i]} if {@code transA} (likewise B).
     * With k = 0, C becomes 0 (or is left as it is when accumulating).
     */
    public static void multiply(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, int lda, float[] b,
            int bOff, int ldb, boolean accumulate, float[] c, int cOff, int ldc) {
        checkLeading("ldb", ldb, transB ? k : n);
        multiply(transA, m, n, k, a, aOff, lda, BPacker.dense(b, bOff, ldb, transB), accumulate, c, cOff, ldc, Parallel.threads());
    }

    /**
     * As {@link #multiply(boolean, boolean, int, int, int, float[], int, int, float[], int, int, boolean, float[], int, int)},
     * with B supplied by a packer and at most {@code threads} threads (1 when the caller already
     * runs one multiply per thread).
     */
    public static void multiply(boolean transA, int m, int n, int k, float[] a, int aOff, int lda, BPacker b, boolean accumulate,
            float[] c, int cOff, int ldc, int threads) {
        multiply(transA, m, n, k, a, aOff, lda, b, accumulate, null, c, cOff, ldc, threads);
    }

    /**
     * {@code C = A·B} with C's rows finished as they are stored ({@link RowOutput}: a bias per row,
     * then an epilogue), on at most {@code threads} threads; otherwise as
     * {@link #multiply(boolean, int, int, int, float[], int, int, BPacker, boolean, float[], int, int, int)}.
     */
    public static void multiply(boolean transA, int m, int n, int k, float[] a, int aOff, int lda, BPacker b, RowOutput out,
            float[] c, int cOff, int ldc, int threads) {
        multiply(transA, m, n, k, a, aOff, lda, b, false, out, c, cOff, ldc, threads);
    }

    /**
     * A prepared left operand: A packed once into the panels the tiles read, for an A that does not change between calls
     * (a layer's weights), so that {@link #multiply(PackedA, int, BPacker, RowOutput, float[], int, int, int)} packs only B.
     */
    public static final class PackedA {
        final int m, k, kc, panels;
        final float[] data;

        private PackedA(int m, int k) {
            this.m = m;
            this.k = k;
            this.kc = balanced(Math.max(k, 1), KC, 1);
            this.panels = ceilDiv(m, MR);
            this.data = new float[Math.multiplyExact(panels * MR, Math.max(k, 1))];
        }

        /** Rows of A. */
        public int rows() {
            return m;
        }

        /** Columns of A (the inner dimension). */
        public int depth() {
            return k;
        }
    }

    /**
     * A[m x k] packed for {@link #multiply(PackedA, int, BPacker, RowOutput, float[], int, int, int)}: A[i][p] is
     * {@code a[aOff + i·lda + p]}, or {@code a[aOff + p·lda + i]} if {@code transA}; a is not kept.
     */
    public static PackedA pack(boolean transA, int m, int k, float[] a, int aOff, int lda) {
        if (m < 0 || k < 0) {
            throw new IllegalArgumentException("sgemm: negative size m=" + m + ", k=" + k);
        }
        checkLeading("lda", lda, transA ? m : k);
        PackedA p = new PackedA(m, k);
        for (int pc = 0; pc < k; pc += p.kc) {
            int kcb = Math.min(p.kc, k - pc);
            for (int t = 0; t < p.panels; t++) {
                Packing.packA(a, aOff, lda, transA, t * MR, Math.min(MR, m - t * MR), MR, pc, kcb, p.data, packedAt(p, pc, kcb, t));
            }
        }
        return p;
    }

    /** Where panel {@code t} of the K block starting at {@code pc} (of {@code kcb} steps) begins in a packed A. */
    private static int packedAt(PackedA a, int pc, int kcb, int t) {
        return pc * a.panels * MR + t * MR * kcb;
    }

    /**
     * {@code C = A·B} for a packed A, C's rows finished as they are stored ({@link RowOutput}), on at most {@code threads}
     * threads: the same bits as the unpacked call.
     */
    public static void multiply(PackedA a, int n, BPacker b, RowOutput out, float[] c, int cOff, int ldc, int threads) {
        multiply(false, a.m, n, a.k, null, 0, Math.max(a.k, 1), a, b, false, out, c, cOff, ldc, threads);
    }

    private static void multiply(boolean transA, int m, int n, int k, float[] a, int aOff, int lda, BPacker b, boolean accumulate,
            RowOutput out, float[] c, int cOff, int ldc, int threads) {
        multiply(transA, m, n, k, a, aOff, lda, null, b, accumulate, out, c, cOff, ldc, threads);
    }

    private static void multiply(boolean transA, int m, int n, int k, float[] a, int aOff, int lda, PackedA packed, BPacker b,
            boolean accumulate, RowOutput out, float[] c, int cOff, int ldc, int threads) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("sgemm: negative size m=" + m + ", n=" + n + ", k=" + k);
        }
        checkLeading("lda", lda, transA ? m : k);
        checkLeading("ldc", ldc, n);
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            if (!accumulate) {
                for (int i = 0; i < m; i++) {
                    float fill = out != null && out.bias() != null ? out.bias()[out.firstRow() + i] : 0f;
                    Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, fill);
                }
                if (out != null && out.epilogue() != null) {
                    out.epilogue().applyRows(c, cOff, ldc, m, n, out.firstRow(), out.residual());
                }
            }
            return;
        }
        Operands op = new Operands(transA, m, n, k, a, aOff, lda, packed, b, accumulate, out, c, cOff, ldc);
        int rowPanels = ceilDiv(m, MR), colPanels = ceilDiv(n, NR);
        int tasks = threads <= 1 || 2L * m * n * k < PARALLEL_MIN_FLOPS ? 1 : threads * TASKS_PER_THREAD;
        int[] grid = split(tasks, rowPanels, colPanels, m, n);
        int rowParts = grid[0], colParts = grid[1];
        if (rowParts * colParts == 1) {
            block(op, 0, m, 0, n);
            return;
        }
        Parallel.forEach(rowParts * colParts, t -> {
            int rp = t / colParts, cp = t % colParts;
            int r0 = rowPanels * rp / rowParts * MR, r1 = Math.min(m, rowPanels * (rp + 1) / rowParts * MR);
            int c0 = colPanels * cp / colParts * NR, c1 = Math.min(n, colPanels * (cp + 1) / colParts * NR);
            block(op, r0, r1, c0, c1);
        });
    }

    /**
     * Row parts x column parts for {@code tasks} tasks (as close as the panel counts allow),
     * choosing the factorization that duplicates least: each row part packs B's n columns, each
     * column part reads A's m rows.
     */
    static int[] split(int tasks, int rowPanels, int colPanels, int m, int n) {
        int bestRows = Math.min(rowPanels, tasks), bestCols = Math.min(colPanels, ceilDiv(tasks, bestRows));
        long bestCost = Long.MAX_VALUE;
        for (int rows = 1; rows <= tasks; rows++) {
            if (tasks % rows != 0 || rows > rowPanels || tasks / rows > colPanels) {
                continue;
            }
            long cost = (long) rows * n + (long) (tasks / rows) * m;
            if (cost < bestCost) {
                bestCost = cost;
                bestRows = rows;
                bestCols = tasks / rows;
            }
        }
        return new int[] {bestRows, bestCols};
    }

    /** C[r0 .. r1) x [c0 .. c1) with the whole of K: the BLIS loops over one task's part of C. */
    private static void block(Operands op, int r0, int r1, int c0, int c1) {
        Scratch s = Scratch.acquire();
        try {
            int kc = balanced(op.k, KC, 1);
            int mc = balanced(r1 - r0, MC, MR);
            int nc = balanced(c1 - c0, NC, NR);
            for (int jc = c0; jc < c1; jc += nc) {
                int ncb = Math.min(nc, c1 - jc);
                for (int pc = 0; pc < op.k; pc += kc) {
                    int kcb = Math.min(kc, op.k - pc);
                    op.b.pack(pc, kcb, jc, ncb, s.b);
                    boolean accumulate = op.accumulate || pc > 0;
                    for (int ic = r0; ic < r1; ic += mc) {
                        rowBlock(op, s, ic, Math.min(mc, r1 - ic), jc, ncb, pc, kcb, accumulate, pc + kcb == op.k);
                    }
                }
            }
        } finally {
            s.release();
        }
    }

    /**
     * Rows [ic .. ic+mcb) of C, columns [jc .. jc+ncb), K block [pc .. pc+kcb) (B packed in the
     * scratch): the block of A packed into panels of tall tiles, then short ones where they fit the rest exactly (with 12
     * and 8 rows, a rest of 4 trades one 12 for two 8s; with 6 and 4, a rest of 2 one 6 for two 4s), then one zero-padded
     * panel for whatever no tile height fits. The first
     * K block adds the output's bias as it stores, the last ({@code finish}) applies its epilogue as it stores.
     */
    private static void rowBlock(Operands op, Scratch s, int ic, int mcb, int jc, int ncb, int pc, int kcb, boolean accumulate,
            boolean finish) {
        if (op.packed != null) {
            packedRowBlock(op, s, ic, mcb, jc, ncb, pc, kcb, accumulate, finish);
            return;
        }
        int tall = mcb / MR, rest = mcb % MR, shortTiles = 0;
        if (rest == 2 * MR_SHORT - MR && tall > 0) {
            tall--;
            shortTiles = 2;
            rest = 0;
        } else if (rest == MR_SHORT) {
            shortTiles = 1;
            rest = 0;
        }
        int shortAt = tall * MR * kcb, restAt = shortAt + shortTiles * MR_SHORT * kcb, restHeight = rest > MR_SHORT ? MR : MR_SHORT;
        for (int t = 0; t < tall; t++) {
            Packing.packA(op.a, op.aOff, op.lda, op.transA, ic + t * MR, MR, MR, pc, kcb, s.a, t * MR * kcb);
        }
        for (int t = 0; t < shortTiles; t++) {
            Packing.packA(op.a, op.aOff, op.lda, op.transA, ic + tall * MR + t * MR_SHORT, MR_SHORT, MR_SHORT, pc, kcb, s.a,
                    shortAt + t * MR_SHORT * kcb);
        }
        if (rest > 0) {
            Packing.packA(op.a, op.aOff, op.lda, op.transA, ic + tall * MR + shortTiles * MR_SHORT, rest, restHeight, pc, kcb, s.a, restAt);
        }
        RowOutput out = op.out;
        float[] bias = out == null || accumulate ? null : out.bias();
        int row0 = out == null ? 0 : out.firstRow() + ic; // the bias's and the epilogue's channel of the block's first row
        for (int q = 0; q < ncb; q += NR) {
            int cols = Math.min(NR, ncb - q), bAt = q * kcb;
            int cAt = op.cOff + ic * op.ldc + jc + q;
            int r = 0;
            for (int t = 0; t < tall; t++, r += MR) {
                MicroKernel.tall(kcb, s.a, t * MR * kcb, s.b, bAt, op.c, cAt + r * op.ldc, op.ldc, MR, cols, accumulate, bias, row0 + r,
                        out, finish, s.acc);
            }
            for (int t = 0; t < shortTiles; t++, r += MR_SHORT) {
                MicroKernel.low(kcb, s.a, shortAt + t * MR_SHORT * kcb, s.b, bAt, op.c, cAt + r * op.ldc, op.ldc, MR_SHORT, cols,
                        accumulate, bias, row0 + r, out, finish, s.acc);
            }
            if (rest > MR_SHORT) {
                MicroKernel.tall(kcb, s.a, restAt, s.b, bAt, op.c, cAt + r * op.ldc, op.ldc, rest, cols, accumulate, bias, row0 + r,
                        out, finish, s.acc);
            } else if (rest > 0) {
                MicroKernel.low(kcb, s.a, restAt, s.b, bAt, op.c, cAt + r * op.ldc, op.ldc, rest, cols, accumulate, bias, row0 + r,
                        out, finish, s.acc);
            }
        }
    }

    /**
     * {@link #rowBlock} on a prepacked A: its panels of MR rows in place (ic is a multiple of MR: the row parts and
     * blocks are), the last one zero-padded, so only tall tiles.
     */
    private static void packedRowBlock(Operands op, Scratch s, int ic, int mcb, int jc, int ncb, int pc, int kcb, boolean accumulate,
            boolean finish) {
        RowOutput out = op.out;
        float[] bias = out == null || accumulate ? null : out.bias();
        int row0 = out == null ? 0 : out.firstRow() + ic;
        int first = ic / MR, tiles = ceilDiv(mcb, MR);
        for (int q = 0; q < ncb; q += NR) {
            int cols = Math.min(NR, ncb - q), bAt = q * kcb;
            int cAt = op.cOff + ic * op.ldc + jc + q;
            for (int t = 0, r = 0; t < tiles; t++, r += MR) {
                MicroKernel.tall(kcb, op.packed.data, packedAt(op.packed, pc, kcb, first + t), s.b, bAt, op.c, cAt + r * op.ldc, op.ldc,
                        Math.min(MR, mcb - r), cols, accumulate, bias, row0 + r, out, finish, s.acc);
            }
        }
    }

    /** {@code size} cut into equal blocks of at most {@code max} (rounded up to a multiple of {@code unit}), so no block is a sliver. */
    static int balanced(int size, int max, int unit) {
        int blocks = ceilDiv(size, max);
        return ceilDiv(ceilDiv(size, blocks), unit) * unit;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private static void checkLeading(String name, int ld, int rowLength) {
        if (ld < Math.max(1, rowLength)) {
            throw new IllegalArgumentException("sgemm: " + name + "=" + ld + " is smaller than the row length " + rowLength);
        }
    }

    /** One call's operands, shared read-only by its tasks. */
    private record Operands(boolean transA, int m, int n, int k, float[] a, int aOff, int lda, PackedA packed, BPacker b,
            boolean accumulate, RowOutput out, float[] c, int cOff, int ldc) {
    }

    /** A thread's packing buffers (the largest A and B blocks) and the tile spill. */
    private static final class Scratch {
        final float[] a = new float[(MC + MR) * KC]; // a packed A block (+ the zero rows of its last panel)
        final float[] b = new float[KC * NC + NR]; // + the slack BPacker promises
        final float[] acc = new float[MR * NR];
        private boolean inUse;

        static Scratch acquire() {
            Scratch s = SCRATCH.get();
            if (s.inUse) {
                return new Scratch(); // a multiply nested in a packer on this thread: never share the buffers
            }
            s.inUse = true;
            return s;
        }

        void release() {
            inUse = false;
        }
    }
}
